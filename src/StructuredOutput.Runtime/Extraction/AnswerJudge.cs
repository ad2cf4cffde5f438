using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;
using StructuredOutput.Streaming;

namespace StructuredOutput.Extraction;

/// <summary>
/// Decides what one response amounts to: an accepted value, an answer to re-ask, or an outcome that ends the loop
/// (a refusal, an answer cut off at the token limit, a content-filter stop). The mode decides only where the answer's
/// text is read from (the message text, or the arguments of the contract's call); the judging is the same.
/// </summary>
internal static class AnswerJudge
{
    /// <summary>Reads and judges <paramref name="response"/>; <paramref name="value"/> is set when the attempt is accepted.</summary>
    /// <remarks>
    /// A streamed answer comes with the reader that read it as it arrived: when that reader read all of it exactly as
    /// <c>Parse</c> does, its value is built from the view instead of reading the text again (the same result).
    /// </remarks>
    public static ExtractionAttempt Judge<T>(int number, ChatResponse response, ExtractionMode mode, ExtractOptions? options, int? maxOutputTokens, out T? value, PartialAnswerReader? streamed = null)
        where T : ILlmExtractable<T>
    {
        value = default;
        ResponseContent content = ResponseReader.Read(response);
        ChatFinishReason? finish = response.FinishReason;
        if (content.Refusal is not null)
        {
            return ExtractionAttempt.Refused(number, content.Text, content.Refusal, ExtractionMessages.Refused(content.Refusal), finish, response.Usage);
        }

        ExtractionError? notAnAnswer = null;
        string? answer = mode == ExtractionMode.ToolCall ? ReadCall<T>(response.Messages, content, out notAnAnswer) : content.Text;

        // Stopped by the provider (cut off at the token limit, or by its content filter), an answer is taken only as it
        // stands: complete, strictly valid JSON with nothing repaired, located or ignored. Any repair there (closing an
        // unfinished string, dropping an unfinished second object, taking the object out of an unclosed fence) would
        // turn the cut into a value the model never gave.
        bool cutOff = finish == ChatFinishReason.Length;
        bool stopped = cutOff || finish == ChatFinishReason.ContentFilter;
        IReadOnlyList<ExtractionError> errors;
        IReadOnlyList<string> repairs = Array.Empty<string>();
        if (notAnAnswer is not null)
        {
            errors = new[] { notAnAnswer };
        }
        else
        {
            ParseResult<T> parsed = streamed is not null && answer is not null && streamed.TryBuild(answer, out ParseResult<T> built)
                ? built
                : T.Parse(answer ?? string.Empty, options?.Parsing);
            if (parsed.IsSuccess && !(stopped && parsed.Repairs.Count > 0))
            {
                value = parsed.Value;
                return ExtractionAttempt.Accepted(number, answer, parsed.Repairs, finish, response.Usage);
            }

            errors = parsed.Errors;
            repairs = parsed.Repairs;
            if (mode != ExtractionMode.ToolCall && content.CalledTools && string.IsNullOrWhiteSpace(content.Text) && ResponseReader.ToolNames(response.Messages) is { } tools)
            {
                // The parser can only say that the text is empty; what happened is a call of one of the caller's tools.
                errors = new[] { ExtractionMessages.CalledTools(tools) };
            }
        }

        if (cutOff)
        {
            return ExtractionAttempt.CutOff(number, answer, Prepend(ExtractionMessages.Truncated(maxOutputTokens), errors), repairs, finish, response.Usage);
        }

        if (finish == ChatFinishReason.ContentFilter)
        {
            return ExtractionAttempt.Filtered(number, answer, ExtractionMessages.Filtered, errors, repairs, finish, response.Usage);
        }

        return ExtractionAttempt.Rejected(number, answer, errors, repairs, finish, response.Usage);
    }

    /// <summary>
    /// Tool-call mode: the arguments of the one call of the contract's function, as JSON text. Anything else (text
    /// instead of a call, a call of another tool, several calls, arguments the chat client could not read) sets
    /// <paramref name="notAnAnswer"/>; the text returned is then what the model sent instead, kept as the raw response.
    /// </summary>
    private static string? ReadCall<T>(IList<ChatMessage> messages, ResponseContent content, out ExtractionError? notAnAnswer)
        where T : ILlmExtractable<T>
    {
        string tool = ContractTool<T>.Name;
        List<FunctionCallContent>? calls = ResponseReader.Calls(messages);
        if (calls is null)
        {
            notAnAnswer = ExtractionMessages.NotCalled(tool);
            return content.Text;
        }

        if (calls.Count == 1 && string.Equals(calls[0].Name, tool, StringComparison.Ordinal))
        {
            FunctionCallContent call = calls[0];
            string? arguments = call.Exception is null ? ResponseReader.ArgumentsText(call) : null;
            notAnAnswer = arguments is null
                ? ExtractionMessages.UnreadableArguments(tool, call.Exception?.InnerException?.Message ?? call.Exception?.Message)
                : null;
            return arguments ?? content.Text;
        }

        notAnAnswer = ExtractionMessages.WrongCalls(ResponseReader.ToolNames(messages)!, calls.Count, tool);
        string? text = content.Text;
        foreach (FunctionCallContent call in calls)
        {
            string? arguments = ResponseReader.ArgumentsText(call);
            text = text is null ? arguments : arguments is null ? text : text + "\n" + arguments;
        }

        return text;
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
