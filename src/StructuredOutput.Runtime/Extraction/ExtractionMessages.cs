using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>The wording the extractor sends and reports: the re-ask and the outcomes that end a loop. Kept short, since it costs tokens.</summary>
internal static class ExtractionMessages
{
    /// <summary>How much of a failed answer is shown back to the model.</summary>
    public const int MaxEchoedAnswerLength = 16_000;

    /// <summary>How many characters of a refusal or a server's value are quoted.</summary>
    private const int MaxQuotedLength = 500;

    /// <summary>The model's failed answer as it is echoed back, bounded in length.</summary>
    public static string EchoAnswer(string? answer, IList<ChatMessage>? toolCalls)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return toolCalls is not null && ResponseReader.ToolNames(toolCalls) is { } names
                ? "(no text: a call of " + names + ")"
                : "(empty answer)";
        }

        return answer.Length <= MaxEchoedAnswerLength
            ? answer
            : answer.Substring(0, MaxEchoedAnswerLength) + "\n[… answer cut here: " + (answer.Length - MaxEchoedAnswerLength) + " more characters]";
    }

    /// <summary>The message that lists every error by path and asks for the complete corrected JSON.</summary>
    public static string Reask(IReadOnlyList<ExtractionError> errors) =>
        Errors(errors).Append("Answer again with the complete corrected JSON object only.").ToString();

    /// <summary>Tool-call mode's re-ask: every error by path, and the call to make instead.</summary>
    public static string ToolReask(IReadOnlyList<ExtractionError> errors, string tool) =>
        Errors(errors).Append("Call \"").Append(tool).Append("\" again, once, with the complete corrected JSON object as its arguments.").ToString();

    private static StringBuilder Errors(IReadOnlyList<ExtractionError> errors)
    {
        var sb = new StringBuilder("Your answer could not be used:\n");
        for (int i = 0; i < errors.Count; i++)
        {
            sb.Append("- ").Append(errors[i].Path).Append(": ").Append(errors[i].Message).Append('\n');
        }

        return sb;
    }

    /// <summary>The description of tool-call mode's function: the type's instructions, else what the call is for.</summary>
    public static string ToolDescription(string? instructions, string tool) =>
        instructions ?? "Gives the answer: call it once with the complete " + tool + " JSON object as the arguments.";

    /// <summary>The rule added to the system message in tool-call mode: where the JSON object goes.</summary>
    public static string ToolAnswerRule(string tool) =>
        "Give the JSON object as the arguments of one call of the function \"" + tool + "\", not as text.";

    /// <summary>The error of a text answer in tool-call mode.</summary>
    public static ExtractionError NotCalled(string tool) => new(
        "$",
        ExtractionErrorKind.NoJson,
        "the answer is text instead of a call of the tool \"" + tool + "\"; call it with the JSON object as its arguments");

    /// <summary>The error of a call of another tool, or of several calls, in tool-call mode.</summary>
    public static ExtractionError WrongCalls(string called, int count, string tool) => new(
        "$",
        count == 1 ? ExtractionErrorKind.NoJson : ExtractionErrorKind.MultipleValues,
        "the answer is " + (count == 1 ? "a call of " + called : count.ToString(CultureInfo.InvariantCulture) + " tool calls (of " + called + ")")
        + " instead of one call of the tool \"" + tool + "\"");

    /// <summary>The error of a call whose arguments the chat client could not read as a JSON object.</summary>
    public static ExtractionError UnreadableArguments(string tool, string? detail) => new(
        "$",
        ExtractionErrorKind.InvalidJson,
        "the arguments of the call of \"" + tool + "\" are not a JSON object"
        + (string.IsNullOrEmpty(detail) ? string.Empty : " (" + Quote(detail) + ")"));

    /// <summary>Why a type cannot be extracted in strict json_schema mode.</summary>
    public static string NoStrictSchema(string type) =>
        $"'{type}' cannot be extracted in strict json_schema mode: it has a dictionary member, which strict mode cannot express (see diagnostic LLMX013). Choose another ExtractionMode for this type (ExtractOptions.Mode), or replace the dictionary with a list of key/value records.";

    /// <summary>Why a type has no schema in a dialect it does not name.</summary>
    public static string NoDialectSchema(string type, SchemaDialect dialect) =>
        $"'{type}' has no {dialect} schema: name the dialect on the type, [LlmExtract(Dialects = [SchemaDialect.{dialect}])], so that the generator writes it, or leave ExtractOptions.Dialect at OpenAI.";

    /// <summary>Why a mode that is not one of <see cref="ExtractionMode"/>'s members cannot be sent.</summary>
    public static string UnknownMode(ExtractionMode mode, string type) =>
        $"'{type}' is extracted in mode {((int)mode).ToString(CultureInfo.InvariantCulture)}, which is not an ExtractionMode: choose JsonObject, StrictJsonSchema, ToolCall or PromptOnly.";

    /// <summary>The error of an answer cut off at the token limit: whatever was read from it would be a guess.</summary>
    public static ExtractionError Truncated(int? maxOutputTokens) => new(
        "$",
        ExtractionErrorKind.Truncated,
        "the answer was cut off at the output token limit (finish reason \"length\"), so a value read from it would be a guess; raise "
        + "ChatOptions.MaxOutputTokens" + (maxOutputTokens is int n ? $" (now {n.ToString(CultureInfo.InvariantCulture)})" : string.Empty) + " or extract less per call");

    /// <summary>The error of an answer that is a tool call, not text.</summary>
    public static ExtractionError CalledTools(string names) => new(
        "$",
        ExtractionErrorKind.NoJson,
        "the answer is a call of " + names + " instead of the JSON object; answer with the JSON object itself, not a tool call");

    public static string Refused(string refusal) =>
        "the model refused: " + (string.IsNullOrWhiteSpace(refusal) ? "(no reason given)" : Quote(refusal));

    public const string Filtered = "the provider's content filter stopped the answer (finish reason \"content_filter\")";

    public static string TimedOut(TimeSpan timeout) =>
        "no answer within the attempt time-out of " + timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)
        + " s (ExtractOptions.AttemptTimeout); raise it or extract less per call";

    public static string Interrupted(Exception exception) =>
        "the answer broke off while it streamed: " + exception.GetType().Name + ": " + Quote(exception.Message.ReplaceLineEndings(" "));

    public static string Unreadable(string reason) =>
        "the chat client could not read the provider's response: " + reason;

    public static string UnreadableJson(string detail) =>
        "the chat client could not read the provider's response: its body is not the JSON of a chat completion (" + Quote(detail) + ")";

    private static string Quote(string text) => text.Length <= MaxQuotedLength ? text : text.Substring(0, MaxQuotedLength) + "…";
}
