using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>What a batch run came to: its items by outcome and the usage of their attempts.</summary>
public sealed class BatchSummary
{
    internal BatchSummary(long items, long resumed, IReadOnlyDictionary<ExtractionFailureKind, long> outcomes, UsageDetails usage)
    {
        Items = items;
        Resumed = resumed;
        Outcomes = outcomes;
        Usage = usage;
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

    /// <summary>The token usage of every attempt of every item, resumed ones included.</summary>
    public UsageDetails Usage { get; }

    /// <summary>The number of items that ended with <paramref name="outcome"/>.</summary>
    /// <param name="outcome">An outcome; <see cref="ExtractionFailureKind.None"/> for success.</param>
    /// <returns>The count, 0 when none.</returns>
    public long Count(ExtractionFailureKind outcome) => Outcomes.TryGetValue(outcome, out long n) ? n : 0;
}
