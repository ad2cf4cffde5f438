using System;
using System.Collections.Generic;
using System.Threading;
using OpenAI;
using StructuredOutput.Batching;

// The SDK marks its batch client as evaluation-only (OPENAI001); it is the official way to the Batch API.
#pragma warning disable OPENAI001

namespace StructuredOutput;

/// <summary>
/// Extracts a <typeparamref name="T"/> from each of many items on OpenAI's Batch API (or Azure OpenAI's global batch,
/// or any server that serves <c>/v1/files</c> and <c>/v1/batches</c>): each request built and each answer judged
/// exactly as <see cref="ChatClientExtractExtensions.ExtractAsync{T}(Microsoft.Extensions.AI.IChatClient, string, ExtractOptions?, System.Threading.CancellationToken)"/> does, answers that fail to parse or validate
/// re-asked in a follow-up batch, every result journaled before it is returned so that a stopped run resumes where it
/// was (<see cref="BatchOptions.JournalPath"/>).
/// </summary>
/// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
public sealed class OpenAIBatchExtractor<T>
    where T : ILlmExtractable<T>
{
    private readonly OpenAIClient _client;
    private readonly string _model;
    private readonly OpenAIBatchOptions _options;
    private BatchTally _tally = new(null);

    /// <summary>Creates the extractor.</summary>
    /// <param name="client">The SDK's client: its file and batch clients upload, submit, poll and download; its pipeline's retries apply.</param>
    /// <param name="model">The model (for Azure OpenAI, the global batch deployment) of every request.</param>
    /// <param name="options">Limits, polling, journal, progress and the extraction options; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public OpenAIBatchExtractor(OpenAIClient client, string model, OpenAIBatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _client = client;
        _model = model;
        _options = options ?? new OpenAIBatchOptions();
    }

    /// <summary>What the latest run came to so far: its items by outcome and their usage.</summary>
    public BatchSummary Summary => _tally.Summary();

    /// <summary>The latest run's counts.</summary>
    public BatchProgress Progress => _tally.Progress();

    /// <summary>
    /// Submits the items' requests, polls their batches and returns each item's result as its batch is read (not in the
    /// items' order); items the journal already holds come first, as they are read (<see cref="BatchItemResult{T}.Resumed"/>).
    /// </summary>
    /// <param name="items">
    /// The items, each with an id unique in the run (the requests' <c>custom_id</c>). They are read once, all of them,
    /// before the first upload: each is written to a temporary spool file (deleted when the run ends), so the stream is
    /// not kept in memory and need not be readable twice.
    /// </param>
    /// <param name="cancellationToken">Stops the run; batches already submitted keep running at the provider and are polled again when it resumes from the journal.</param>
    /// <returns>One result per item.</returns>
    /// <exception cref="ArgumentException">
    /// An item's id repeats an earlier one's, or an item's messages do not serialize with Microsoft.Extensions.AI's JSON
    /// options (both thrown before anything is uploaded, naming the item's id).
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// The journal is not one of this contract; the Batch API failed a batch (its errors are named; a batch failed with
    /// <c>token_limit_exceeded</c> while others of the run are active is submitted again instead); or a request was not
    /// run by more batches than <see cref="OpenAIBatchOptions.MaxResubmissions"/> allows.
    /// </exception>
    public IAsyncEnumerable<BatchItemResult<T>> ExtractAsync(IAsyncEnumerable<BatchItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        _tally = new BatchTally(_options.Progress, _options.Pricing, usageFromBatches: true);
        var run = new BatchApiRun<T>(_client.GetOpenAIFileClient(), _client.GetBatchClient(), _model, _options, _tally);
        return run.RunAsync(items, cancellationToken);
    }
}
