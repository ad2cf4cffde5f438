using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>The outcome of <c>TryExtractAsync</c> (<see cref="ChatClientExtractExtensions"/>): a value or a typed failure, with every attempt.</summary>
/// <typeparam name="T">The extraction type.</typeparam>
public sealed class ExtractionResult<T>
{
    internal ExtractionResult(T? value, ExtractionFailureKind failureKind, IReadOnlyList<ExtractionAttempt> attempts, Exception? cause = null)
    {
        Cause = cause;
        Value = value;
        FailureKind = failureKind;
        Attempts = attempts;
        Usage = SumUsage(attempts);
    }

    /// <summary>Whether a valid value was extracted.</summary>
    public bool IsSuccess => FailureKind == ExtractionFailureKind.None;

    /// <summary>The value when <see cref="IsSuccess"/>; otherwise the default.</summary>
    public T? Value { get; }

    /// <summary>Why no value was extracted; <see cref="ExtractionFailureKind.None"/> on success.</summary>
    public ExtractionFailureKind FailureKind { get; }

    /// <summary>Every request made, in order, each with the model's raw text.</summary>
    public IReadOnlyList<ExtractionAttempt> Attempts { get; }

    /// <summary>The errors of the last attempt; empty on success.</summary>
    public IReadOnlyList<ExtractionError> Errors => Attempts.Count == 0 ? Array.Empty<ExtractionError>() : Attempts[^1].Errors;

    /// <summary>Token usage summed over all attempts (null when no attempt reported any).</summary>
    public UsageDetails? Usage { get; }

    /// <summary>The chat client's exception behind a time-out or an unreadable response; it becomes the inner exception.</summary>
    internal Exception? Cause { get; }

    /// <summary>The usage of <paramref name="attempts"/> summed; null when none reported any.</summary>
    internal static UsageDetails? SumUsage(IReadOnlyList<ExtractionAttempt> attempts)
    {
        UsageDetails? total = null;
        for (int i = 0; i < attempts.Count; i++)
        {
            if (attempts[i].Usage is { } usage)
            {
                total ??= new UsageDetails();
                total.Add(usage);
            }
        }

        return total;
    }
}
