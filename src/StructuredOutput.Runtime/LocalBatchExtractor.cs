using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.AI;
using StructuredOutput.Batching;
using StructuredOutput.Extraction;

namespace StructuredOutput;

/// <summary>
/// Extracts a <typeparamref name="T"/> from each of many items on any <see cref="IChatClient"/>: a bounded number at a
/// time, within the request and token rate limits given, each item asked and judged as
/// <see cref="ChatClientExtractExtensions.ExtractAsync{T}(Microsoft.Extensions.AI.IChatClient, string, ExtractOptions?, System.Threading.CancellationToken)"/> does, and each result journaled before it is returned so
/// that a stopped run resumes where it was (<see cref="BatchOptions.JournalPath"/>).
/// </summary>
/// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
/// <example>
/// <code>
/// var extractor = new LocalBatchExtractor&lt;Recipe&gt;(chatClient, new LocalBatchOptions { MaxConcurrency = 8, JournalPath = "recipes.journal" });
/// await foreach (BatchItemResult&lt;Recipe&gt; item in extractor.ExtractAsync(items))
///     Console.WriteLine($"{item.Id}: {(item.Result.IsSuccess ? item.Result.Value!.Name : item.Result.FailureKind)}");
/// Console.WriteLine($"{extractor.Summary.Succeeded} of {extractor.Summary.Items}");
/// </code>
/// </example>
public sealed class LocalBatchExtractor<T>
    where T : ILlmExtractable<T>
{
    private readonly IChatClient _client;
    private readonly LocalBatchOptions _options;
    private BatchTally _tally;

    /// <summary>Creates the extractor.</summary>
    /// <param name="client">The chat client; its pipeline's transport retries apply to each request.</param>
    /// <param name="options">Concurrency, rate limits, journal, progress and the extraction options; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is null.</exception>
    public LocalBatchExtractor(IChatClient client, LocalBatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new LocalBatchOptions();
        _tally = new BatchTally(null);
    }

    /// <summary>What the latest run came to so far: its items by outcome and their usage.</summary>
    public BatchSummary Summary => _tally.Summary();

    /// <summary>The latest run's counts.</summary>
    public BatchProgress Progress => _tally.Progress();

    /// <summary>
    /// Extracts from each item and returns the results as they finish (not in the items' order): the items the journal
    /// already holds first as they are read (<see cref="BatchItemResult{T}.Resumed"/>), the others once asked.
    /// </summary>
    /// <param name="items">The items, each with an id unique in the run; read once, as the run goes.</param>
    /// <param name="cancellationToken">Stops the run: the items in flight are abandoned and asked again when it resumes.</param>
    /// <returns>One result per item.</returns>
    /// <exception cref="ArgumentException">An item's id repeats an earlier item's (thrown before that item is sent).</exception>
    /// <exception cref="InvalidOperationException">The journal file is not a journal, or one of another contract; or a rate limiter refused a request.</exception>
    /// <remarks>
    /// An exception of the chat client itself (HTTP, authentication; its transport retries spent) ends the run as it
    /// ends <see cref="ChatClientExtractExtensions.ExtractAsync{T}(Microsoft.Extensions.AI.IChatClient, string, ExtractOptions?, System.Threading.CancellationToken)"/>: it is thrown once the items in flight have stopped,
    /// and what finished before it is in the journal. Time-outs (<see cref="ExtractOptions.AttemptTimeout"/>) and
    /// unreadable responses are an item's typed failure instead. Enumerate one run at a time.
    /// </remarks>
    public IAsyncEnumerable<BatchItemResult<T>> ExtractAsync(IAsyncEnumerable<BatchItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var tally = new BatchTally(_options.Progress, _options.Pricing);
        _tally = tally;
        ExtractOptions? extract = _options.Extract;
        var run = new ConcurrentBatchRun<T>(
            _options,
            tally,
            (conversation, observer, token) => ConversationRunner.RunAsync(_client, conversation, extract, observer, token));
        return run.RunAsync(items, cancellationToken);
    }
}
