using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StructuredOutput.Extraction;

/// <summary>The wording the extractor sends: the delimited input and the re-ask. Kept short, since it costs tokens.</summary>
internal static class ExtractionMessages
{
    /// <summary>The tag around the text to extract from; the generated prompt names it.</summary>
    public const string DocumentTag = "document";

    /// <summary>How much of a failed answer is shown back to the model.</summary>
    public const int MaxEchoedAnswerLength = 16_000;

    private const string Open = "<" + DocumentTag + ">";
    private const string Close = "</" + DocumentTag + ">";

    /// <summary>
    /// Wraps the input in the document tags, so that it reads as data. A closing tag inside it, in any case and with
    /// any spaces (<c>&lt;/Document &gt;</c>), is defused to <c>&lt;\/…&gt;</c>, so the input cannot end the document early.
    /// </summary>
    public static string FormatInput(string input)
    {
        StringBuilder? safe = null;
        int copied = 0;
        for (int at = input.IndexOf("</", StringComparison.Ordinal); at >= 0; at = input.IndexOf("</", at + 2, StringComparison.Ordinal))
        {
            if (IsClosingTag(input, at + 2))
            {
                safe ??= new StringBuilder(input.Length + 16);
                safe.Append(input, copied, at - copied).Append("<\\/");
                copied = at + 2;
            }
        }

        string body = safe is null ? input : safe.Append(input, copied, input.Length - copied).ToString();
        return Open + "\n" + body + "\n" + Close;
    }

    // Whether the text from 'at' (just after "</") reads as the document tag's name and '>', with optional white space.
    private static bool IsClosingTag(string text, int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at]))
        {
            at++;
        }

        if (string.Compare(text, at, DocumentTag, 0, DocumentTag.Length, StringComparison.OrdinalIgnoreCase) != 0)
        {
            return false;
        }

        at += DocumentTag.Length;
        while (at < text.Length && char.IsWhiteSpace(text[at]))
        {
            at++;
        }

        return at < text.Length && text[at] == '>';
    }

    /// <summary>The model's failed answer as it is echoed back, bounded in length.</summary>
    public static string EchoAnswer(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return "(empty answer)";
        }

        return answer.Length <= MaxEchoedAnswerLength
            ? answer
            : answer.Substring(0, MaxEchoedAnswerLength) + "\n[… answer cut here: " + (answer.Length - MaxEchoedAnswerLength) + " more characters]";
    }

    /// <summary>The message that lists every error by path and asks for the complete corrected JSON.</summary>
    public static string Reask(IReadOnlyList<ExtractionError> errors)
    {
        var sb = new StringBuilder("Your answer could not be used:\n");
        foreach (var error in errors)
        {
            sb.Append("- ").Append(error.Path).Append(": ").Append(error.Message).Append('\n');
        }

        sb.Append("Answer again with the complete corrected JSON object only.");
        return sb.ToString();
    }

    public static ExtractionError Truncated(int? maxOutputTokens) => new(
        "$",
        ExtractionErrorKind.Truncated,
        "the answer was cut off at the output token limit (finish reason \"length\") before the JSON was complete; raise "
        + "ChatOptions.MaxOutputTokens" + (maxOutputTokens is int n ? $" (now {n})" : string.Empty) + " or extract less per call");

    public static ExtractionError Refused(string refusal) => new(
        "$", ExtractionErrorKind.Refusal, "the model refused: " + JsonExcerpt(refusal));

    public static ExtractionError Filtered() => new(
        "$", ExtractionErrorKind.ContentFilter, "the provider's content filter stopped the answer (finish reason \"content_filter\")");

    public static ExtractionError TimedOut(TimeSpan timeout) => new(
        "$",
        ExtractionErrorKind.TimedOut,
        "no answer within the attempt time-out of " + timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)
        + " s (ExtractOptions.AttemptTimeout); raise it or extract less per call");

    public static ExtractionError UnreadableFinishReason(string? finishReason) => new(
        "$",
        ExtractionErrorKind.UnreadableResponse,
        "the server sent finish_reason " + (finishReason is null ? "null" : Reading.JsonReadContext.Excerpt(finishReason, quote: true))
        + ", which the chat client cannot read (the OpenAI .NET SDK accepts only OpenAI's own values); "
        + "add a pipeline policy that rewrites it, as in docs/compatible-servers.md");

    private static string JsonExcerpt(string text) => text.Length <= 500 ? text : text.Substring(0, 500) + "…";
}
