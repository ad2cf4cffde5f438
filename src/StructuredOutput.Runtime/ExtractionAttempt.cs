using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>One request to the model and what came of it. Nothing the model said is dropped.</summary>
public sealed class ExtractionAttempt
{
    internal ExtractionAttempt(
        int number,
        string? rawResponse,
        IReadOnlyList<ExtractionError> errors,
        IReadOnlyList<string> repairs,
        ChatFinishReason? finishReason,
        UsageDetails? usage,
        string? refusal)
    {
        Number = number;
        RawResponse = rawResponse;
        Errors = errors;
        Repairs = repairs;
        FinishReason = finishReason;
        Usage = usage;
        Refusal = refusal;
    }

    /// <summary>The attempt's number, from 1.</summary>
    public int Number { get; }

    /// <summary>
    /// The model's text exactly as received; null when the answer carried no text, or when no readable answer came
    /// (<see cref="ExtractionFailureKind.TimedOut"/>, <see cref="ExtractionFailureKind.UnreadableResponse"/>).
    /// </summary>
    public string? RawResponse { get; }

    /// <summary>What was wrong with the answer; empty when it was accepted.</summary>
    public IReadOnlyList<ExtractionError> Errors { get; }

    /// <summary>The lenient fixes applied to the answer.</summary>
    public IReadOnlyList<string> Repairs { get; }

    /// <summary>Whether this attempt's answer was accepted.</summary>
    public bool IsSuccess => Errors.Count == 0;

    /// <summary>The finish reason the provider reported, if any.</summary>
    public ChatFinishReason? FinishReason { get; }

    /// <summary>The token usage the provider reported for this request, if any.</summary>
    public UsageDetails? Usage { get; }

    /// <summary>The model's refusal text, when it refused.</summary>
    public string? Refusal { get; }

    internal static IReadOnlyList<ExtractionError> NoErrors => Array.Empty<ExtractionError>();
}
