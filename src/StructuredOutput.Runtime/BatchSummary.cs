using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>What a batch run came to: its items by outcome and the usage of their attempts.</summary>
public sealed class BatchSummary
{
    internal BatchSummary(long items, long resumed, IReadOnlyDictionary<ExtractionFailureKind, long> outcomes, UsageDetails usage, long resubmitted, decimal? cost)
    {
        Items = items;
        Resumed = resumed;
        Outcomes = outcomes;
        Usage = usage;
        Resubmitted = resubmitted;
        Cost = cost;
    }

    /// <summary>The items that have a result, resumed ones included.</summary>
    public long Items { get; }

    /// <summary>The items with a value (<see cref="ExtractionFailureKind.None"/>).</summary>
    public long Succeeded => Count(ExtractionFailureKind.None);

    /// <summary>The items without a value.</summary>
    public long Failed => Items - Succeeded;

    /// <summary>The items whose result was read back from the journal of an earlier run.</summary>
    public long Resumed { get; }

    /// <summary>The number of items per outcome (<see cref="ExtractionFailureKind.None"/> for success); outcomes no item had are absent.</summary>
    public IReadOnlyDictionary<ExtractionFailureKind, long> Outcomes { get; }

    /// <summary>
    /// The run's token usage. On a chat client, the usage of every response of every item, resumed ones included. On
    /// the Batch API, the usage each batch reports (the batch's own <c>usage</c>, which the provider bills), summed over
    /// every batch read by this run or, as the journal records, by an earlier one; for a batch that reports none, the
    /// usage of the answers in its output file.
    /// </summary>
    public UsageDetails Usage { get; }

    /// <summary>The cost of <see cref="Usage"/> at <see cref="BatchOptions.Pricing"/>; null when no pricing was given.</summary>
    public decimal? Cost { get; }

    /// <summary>Requests sent again on the Batch API (see <see cref="BatchProgress.Resubmitted"/>); 0 on a chat client.</summary>
    public long Resubmitted { get; }

    /// <summary>The number of items that ended with <paramref name="outcome"/>.</summary>
    /// <param name="outcome">An outcome; <see cref="ExtractionFailureKind.None"/> for success.</param>
    /// <returns>The count, 0 when none.</returns>
    public long Count(ExtractionFailureKind outcome) => Outcomes.TryGetValue(outcome, out long n) ? n : 0;
}
