using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>What an <see cref="ExtractionUpdate{T}"/> reports.</summary>
public enum ExtractionUpdateKind
{
    /// <summary>A request was sent: a new attempt begins with an empty view (after a re-ask, a UI resets here).</summary>
    AttemptStarted,

    /// <summary>The answer grew: the view shows more of it.</summary>
    Partial,

    /// <summary>
    /// The attempt ended without an accepted value and a re-ask follows: <see cref="ExtractionUpdate{T}.Attempt"/>
    /// holds its errors and raw text.
    /// </summary>
    AttemptFailed,

    /// <summary>The extraction ended: <see cref="ExtractionUpdate{T}.Result"/> holds the value or the typed failure. Always the last update.</summary>
    Completed,
}

/// <summary>
/// One step of a streamed extraction (<c>ExtractStreamingAsync</c>): the attempt's partial view as the
/// model writes it, the end of an attempt that is re-asked, and finally the result, exactly as
/// <see cref="ChatClientExtractExtensions.TryExtractAsync{T}(Microsoft.Extensions.AI.IChatClient, string, ExtractOptions?, System.Threading.CancellationToken)"/>
/// returns it.
/// </summary>
/// <typeparam name="T">The extraction type.</typeparam>
public sealed class ExtractionUpdate<T>
{
    internal ExtractionUpdate(
        ExtractionUpdateKind kind,
        int attemptNumber,
        PartialObject? partial,
        IReadOnlyList<ExtractionError> errors,
        UsageDetails? usage,
        ExtractionAttempt? attempt,
        ExtractionResult<T>? result)
    {
        Kind = kind;
        AttemptNumber = attemptNumber;
        Partial = partial;
        Errors = errors;
        Usage = usage;
        Attempt = attempt;
        Result = result;
    }

    /// <summary>What this update reports.</summary>
    public ExtractionUpdateKind Kind { get; }

    /// <summary>The number of the attempt it belongs to, from 1.</summary>
    public int AttemptNumber { get; }

    /// <summary>
    /// The attempt's view of the answer so far: the generated <c>T.Partial</c> (cast to it), or null before the answer's
    /// first brace and for a contract without a view. The same instance fills in through the attempt.
    /// </summary>
    public PartialObject? Partial { get; }

    /// <summary>The errors of the members completed so far in this attempt (or, at its end, the attempt's errors).</summary>
    public IReadOnlyList<ExtractionError> Errors { get; }

    /// <summary>The token usage summed over the attempts so far, as far as the provider has reported it.</summary>
    public UsageDetails? Usage { get; }

    /// <summary>For <see cref="ExtractionUpdateKind.AttemptFailed"/> and <see cref="ExtractionUpdateKind.Completed"/>: the attempt that ended, with its raw text.</summary>
    public ExtractionAttempt? Attempt { get; }

    /// <summary>For <see cref="ExtractionUpdateKind.Completed"/>: the outcome with every attempt.</summary>
    public ExtractionResult<T>? Result { get; }
}

/// <summary>
/// One item of a streamed list (<c>ExtractStreamingAsync</c>): typed and validated as soon as the model
/// closed it, while later items are still being written.
/// </summary>
/// <typeparam name="TItem">The list's element type.</typeparam>
public sealed class ExtractionItem<TItem>
{
    internal ExtractionItem(int attemptNumber, int index, TItem value)
    {
        AttemptNumber = attemptNumber;
        Index = index;
        Value = value;
    }

    /// <summary>The attempt that wrote the item, from 1. After a re-ask, the new attempt's items start again at index 0.</summary>
    public int AttemptNumber { get; }

    /// <summary>The item's index in the list.</summary>
    public int Index { get; }

    /// <summary>The item, read and validated like every item of the final value.</summary>
    public TItem Value { get; }
}
