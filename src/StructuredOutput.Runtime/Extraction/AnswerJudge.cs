using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>
/// Decides what one response amounts to: an accepted value, an answer to re-ask, or an outcome that ends the loop
/// (a refusal, an answer cut off at the token limit, a content-filter stop).
/// </summary>
internal static class AnswerJudge
{
    /// <summary>Reads and judges <paramref name="response"/>; <paramref name="value"/> is set when the attempt is accepted.</summary>
    public static ExtractionAttempt Judge<T>(int number, ChatResponse response, ExtractOptions? options, int? maxOutputTokens, out T? value)
        where T : ILlmExtractable<T>
    {
        value = default;
        ResponseContent content = ResponseReader.Read(response);
        ChatFinishReason? finish = response.FinishReason;
        if (content.Refusal is not null)
        {
            return ExtractionAttempt.Refused(number, content.Text, content.Refusal, ExtractionMessages.Refused(content.Refusal), finish, response.Usage);
        }

        ParseResult<T> parsed = T.Parse(content.Text ?? string.Empty, options?.Parsing);

        // Stopped by the provider (cut off at the token limit, or by its content filter), an answer is taken only as it
        // stands: complete, strictly valid JSON with nothing repaired, located or ignored. Any repair there (closing an
        // unfinished string, dropping an unfinished second object, taking the object out of an unclosed fence) would
        // turn the cut into a value the model never gave.
        bool cutOff = finish == ChatFinishReason.Length;
        bool stopped = cutOff || finish == ChatFinishReason.ContentFilter;
        if (parsed.IsSuccess && !(stopped && parsed.Repairs.Count > 0))
        {
            value = parsed.Value;
            return ExtractionAttempt.Accepted(number, content.Text, parsed.Repairs, finish, response.Usage);
        }

        IReadOnlyList<ExtractionError> errors = parsed.Errors;
        if (content.CalledTools && string.IsNullOrWhiteSpace(content.Text) && ResponseReader.ToolNames(response.Messages) is { } tools)
        {
            // The parser can only say that the text is empty; what happened is a tool call.
            errors = new[] { ExtractionMessages.CalledTools(tools) };
        }

        if (cutOff)
        {
            return ExtractionAttempt.CutOff(number, content.Text, Prepend(ExtractionMessages.Truncated(maxOutputTokens), errors), parsed.Repairs, finish, response.Usage);
        }

        if (finish == ChatFinishReason.ContentFilter)
        {
            return ExtractionAttempt.Filtered(number, content.Text, ExtractionMessages.Filtered, errors, parsed.Repairs, finish, response.Usage);
        }

        return ExtractionAttempt.Rejected(number, content.Text, errors, parsed.Repairs, finish, response.Usage);
    }

    private static ExtractionError[] Prepend(ExtractionError first, IReadOnlyList<ExtractionError> rest)
    {
        var all = new ExtractionError[rest.Count + 1];
        all[0] = first;
        for (int i = 0; i < rest.Count; i++)
        {
            all[i + 1] = rest[i];
        }

        return all;
    }
}
