using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>One request to the model and what came of it. Nothing the model said is dropped.</summary>
public sealed class ExtractionAttempt
{
    private static readonly IReadOnlyList<ExtractionError> NoErrors = Array.Empty<ExtractionError>();
    private static readonly IReadOnlyList<string> NoRepairs = Array.Empty<string>();

    private ExtractionAttempt(
        int number,
        ExtractionFailureKind failureKind,
        string? failureMessage,
        string? rawResponse,
        IReadOnlyList<ExtractionError> errors,
        IReadOnlyList<string> repairs,
        ChatFinishReason? finishReason = null,
        UsageDetails? usage = null,
        string? refusal = null,
        string? responseBody = null)
    {
        Number = number;
        FailureKind = failureKind;
        FailureMessage = failureMessage;
        RawResponse = rawResponse;
        Errors = errors;
        Repairs = repairs;
        FinishReason = finishReason;
        Usage = usage;
        Refusal = refusal;
        ResponseBody = responseBody;
    }

    /// <summary>The attempt's number, from 1.</summary>
    public int Number { get; }

    /// <summary>
    /// What came of the attempt: <see cref="ExtractionFailureKind.None"/> when its answer was accepted,
    /// <see cref="ExtractionFailureKind.InvalidAnswer"/> when the answer's text had <see cref="Errors"/> (a re-ask may
    /// follow), or the outcome that ended the extraction (a refusal, a cut-off or filtered answer, a time-out, an
    /// unreadable response).
    /// </summary>
    public ExtractionFailureKind FailureKind { get; }

    /// <summary>
    /// What ended the attempt when it was not the answer's text, in words (the refusal, the time-out, why the response
    /// could not be read, the content filter); null for an accepted answer or one rejected for its <see cref="Errors"/>
    /// alone.
    /// </summary>
    public string? FailureMessage { get; }

    /// <summary>
    /// The model's text exactly as received; null when the answer carried no text, or when no readable answer came
    /// (<see cref="ExtractionFailureKind.TimedOut"/>, <see cref="ExtractionFailureKind.UnreadableResponse"/>). A streamed
    /// attempt that timed out, broke off (<see cref="ExtractionFailureKind.Interrupted"/>) or was stopped early
    /// (<see cref="ExtractOptions.FailFast"/>) keeps the text that had arrived.
    /// </summary>
    public string? RawResponse { get; }

    /// <summary>
    /// The provider's response body as the transport received it, when the chat client could not read it
    /// (<see cref="ExtractionFailureKind.UnreadableResponse"/>) and the transport reported it with an
    /// <see cref="UnreadableResponseException"/>; otherwise null.
    /// </summary>
    public string? ResponseBody { get; }

    /// <summary>What was wrong with the answer's text, each with its JSON path; empty when it was accepted or had no text to judge.</summary>
    public IReadOnlyList<ExtractionError> Errors { get; }

    /// <summary>The lenient fixes applied to the answer.</summary>
    public IReadOnlyList<string> Repairs { get; }

    /// <summary>Whether this attempt's answer was accepted.</summary>
    public bool IsSuccess => FailureKind == ExtractionFailureKind.None;

    /// <summary>The finish reason the provider reported, if any.</summary>
    public ChatFinishReason? FinishReason { get; }

    /// <summary>The token usage the provider reported for this request, if any.</summary>
    public UsageDetails? Usage { get; }

    /// <summary>The model's refusal text, when it refused.</summary>
    public string? Refusal { get; }

    /// <summary>An answer that was read and validated.</summary>
    internal static ExtractionAttempt Accepted(int number, string? text, IReadOnlyList<string> repairs, ChatFinishReason? finishReason, UsageDetails? usage) =>
        new(number, ExtractionFailureKind.None, null, text, NoErrors, repairs, finishReason, usage);

    /// <summary>An answer whose text had errors; the loop may ask again.</summary>
    internal static ExtractionAttempt Rejected(int number, string? text, IReadOnlyList<ExtractionError> errors, IReadOnlyList<string> repairs, ChatFinishReason? finishReason, UsageDetails? usage) =>
        new(number, ExtractionFailureKind.InvalidAnswer, null, text, errors, repairs, finishReason, usage);

    /// <summary>An answer the provider cut off at the output token limit; its value, if any, would be a guess.</summary>
    internal static ExtractionAttempt CutOff(int number, string? text, IReadOnlyList<ExtractionError> errors, IReadOnlyList<string> repairs, ChatFinishReason? finishReason, UsageDetails? usage) =>
        new(number, ExtractionFailureKind.Truncated, null, text, errors, repairs, finishReason, usage);

    /// <summary>An answer the provider's content filter stopped.</summary>
    internal static ExtractionAttempt Filtered(int number, string? text, string message, IReadOnlyList<ExtractionError> errors, IReadOnlyList<string> repairs, ChatFinishReason? finishReason, UsageDetails? usage) =>
        new(number, ExtractionFailureKind.ContentFilter, message, text, errors, repairs, finishReason, usage);

    /// <summary>A refusal instead of an answer.</summary>
    internal static ExtractionAttempt Refused(int number, string? text, string refusal, string message, ChatFinishReason? finishReason, UsageDetails? usage) =>
        new(number, ExtractionFailureKind.Refusal, message, text, NoErrors, NoRepairs, finishReason, usage, refusal);

    /// <summary>A request that ran out of time: no answer.</summary>
    internal static ExtractionAttempt TimedOut(int number, string message) =>
        new(number, ExtractionFailureKind.TimedOut, message, null, NoErrors, NoRepairs);

    /// <summary>A streamed request that ran out of time, with the text that had arrived.</summary>
    internal static ExtractionAttempt TimedOut(int number, string message, string? textSoFar, UsageDetails? usage) =>
        new(number, ExtractionFailureKind.TimedOut, message, textSoFar, NoErrors, NoRepairs, usage: usage);

    /// <summary>A streamed answer that broke off, with the text that had arrived.</summary>
    internal static ExtractionAttempt Interrupted(int number, string message, string textSoFar, UsageDetails? usage) =>
        new(number, ExtractionFailureKind.Interrupted, message, textSoFar, NoErrors, NoRepairs, usage: usage);

    /// <summary>A response the chat client could not read, with its body when the transport reported it.</summary>
    internal static ExtractionAttempt Unreadable(int number, string message, string? responseBody) =>
        new(number, ExtractionFailureKind.UnreadableResponse, message, null, NoErrors, NoRepairs, responseBody: responseBody);
}
