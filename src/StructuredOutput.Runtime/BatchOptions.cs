using System;

namespace StructuredOutput;

/// <summary>Options of a batch run, whichever way its requests are sent.</summary>
public class BatchOptions
{
    /// <summary>Retries, parsing and chat options of each item, as for <see cref="ChatClientExtractExtensions.ExtractAsync{T}(Microsoft.Extensions.AI.IChatClient, string, ExtractOptions?, System.Threading.CancellationToken)"/>; null for the defaults.</summary>
    public ExtractOptions? Extract { get; set; }

    /// <summary>
    /// The journal file: where the run writes each finished item's result (and, for a provider's Batch API, what it
    /// submitted) before returning it, so that a run stopped at any moment, even by a killed process, resumes from it
    /// without asking again for a finished item, losing a result or returning one twice. It is created when it does not
    /// exist; give the same file, the same items and the same <see cref="Extract"/> options to resume. Null (the
    /// default) keeps nothing: a stopped run starts over.
    /// </summary>
    public string? JournalPath { get; set; }

    /// <summary>Receives the run's counts after each change; null for none. Reports are made in order, from the run's own threads.</summary>
    public IProgress<BatchProgress>? Progress { get; set; }

    /// <summary>
    /// The prices that turn the run's usage into <see cref="BatchSummary.Cost"/>; null (the default) for no cost. They
    /// are the caller's: no price table is built in (OpenAI's Batch API bills half its synchronous price).
    /// </summary>
    public BatchPricing? Pricing { get; set; }
}
