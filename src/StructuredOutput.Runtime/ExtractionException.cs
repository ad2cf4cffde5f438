using System;
using System.Collections.Generic;
using System.Linq;

namespace StructuredOutput;

/// <summary>
/// Thrown by <c>ExtractAsync</c> (<see cref="ChatClientExtractExtensions"/>) when no valid value could be extracted. It
/// carries every attempt, with the model's raw text.
/// </summary>
public sealed class ExtractionException : Exception
{
    /// <summary>The key under which earlier attempts are attached to a chat client's exception's <see cref="Exception.Data"/>.</summary>
    /// <remarks>
    /// Transport failures and cancellation propagate as they are (so a caller's <c>catch</c> for its client's exception
    /// type still works); when earlier attempts had answers, they are attached here as an
    /// <see cref="IReadOnlyList{T}"/> of <see cref="ExtractionAttempt"/> so that nothing the model said is lost.
    /// </remarks>
    public const string AttemptsDataKey = "StructuredOutput.Attempts";

    /// <summary>Creates the exception for a failed extraction.</summary>
    /// <param name="targetTypeName">The name of the type that was being extracted.</param>
    /// <param name="failureKind">Why it failed.</param>
    /// <param name="attempts">Every attempt made.</param>
    public ExtractionException(string targetTypeName, ExtractionFailureKind failureKind, IReadOnlyList<ExtractionAttempt> attempts)
        : this(targetTypeName, failureKind, attempts, null)
    {
    }

    internal ExtractionException(string targetTypeName, ExtractionFailureKind failureKind, IReadOnlyList<ExtractionAttempt> attempts, Exception? innerException)
        : base(FormatMessage(targetTypeName, failureKind, attempts), innerException)
    {
        TargetTypeName = targetTypeName;
        FailureKind = failureKind;
        Attempts = attempts;
    }

    /// <summary>The name of the type that was being extracted.</summary>
    public string TargetTypeName { get; }

    /// <summary>Why the extraction failed.</summary>
    public ExtractionFailureKind FailureKind { get; }

    /// <summary>Every attempt made, in order, each with the model's raw text.</summary>
    public IReadOnlyList<ExtractionAttempt> Attempts { get; }

    /// <summary>The errors found in the last attempt's text (see <see cref="ExtractionAttempt.FailureMessage"/> for an outcome without text).</summary>
    public IReadOnlyList<ExtractionError> Errors => Attempts.Count == 0 ? Array.Empty<ExtractionError>() : Attempts[^1].Errors;

    private static string FormatMessage(string type, ExtractionFailureKind kind, IReadOnlyList<ExtractionAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        string tries = attempts.Count == 1 ? "1 attempt" : $"{attempts.Count} attempts";
        string reason = kind switch
        {
            ExtractionFailureKind.Refusal => "the model refused",
            ExtractionFailureKind.Truncated => "the answer was cut off at the output token limit",
            ExtractionFailureKind.ContentFilter => "the provider's content filter stopped the answer",
            ExtractionFailureKind.TimedOut => "a request ran out of time",
            ExtractionFailureKind.UnreadableResponse => "the chat client could not read the provider's response",
            ExtractionFailureKind.Interrupted => "the streamed answer broke off",
            _ => "no answer was valid",
        };
        var last = attempts.Count == 0 ? null : attempts[^1];
        var parts = new List<string>(12);
        if (last?.FailureMessage is { } failure)
        {
            parts.Add(failure);
        }

        if (last is not null)
        {
            parts.AddRange(last.Errors.Take(10).Select(e => e.ToString()));
            if (last.Errors.Count > 10)
            {
                parts.Add($"and {last.Errors.Count - 10} more");
            }
        }

        string details = string.Join("; ", parts);

        return $"Could not extract {type} after {tries}: {reason}." + (details.Length > 0 ? " Last attempt: " + details : string.Empty);
    }
}
