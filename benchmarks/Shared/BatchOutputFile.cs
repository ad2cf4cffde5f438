using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StructuredOutput.Batching;

namespace StructuredOutput.Benchmarks.Payloads;

/// <summary>
/// A Batch API output file, generated, and the Batch API engine's way of reading one: its streaming line reader, its
/// line reader (the official SDK's chat completion, converted by Microsoft.Extensions.AI.OpenAI) and the judge of each
/// answer (<see cref="ExtractionConversation{T}.Record"/>), as the engine runs them on a downloaded file.
/// </summary>
public static class BatchOutputFile
{
    /// <summary>Out of every 100 lines: one malformed answer, one cut off, one refused, one filtered; the rest good.</summary>
    public const int MixPeriod = 100;

    /// <summary>What line <paramref name="index"/> of a generated file holds.</summary>
    public static LineKind KindOf(int index) => (index % MixPeriod) switch
    {
        17 => LineKind.Malformed,
        42 => LineKind.CutOff,
        66 => LineKind.Refused,
        91 => LineKind.Filtered,
        _ => LineKind.Good,
    };

    /// <summary>
    /// Writes output lines shaped as the Batch API writes them (<c>id</c>, <c>custom_id</c>, <c>response</c> with
    /// <c>status_code</c>, <c>request_id</c> and the chat completion as <c>body</c>, <c>error</c>) until the file
    /// holds <paramref name="lines"/> lines or <paramref name="maxBytes"/> bytes, whichever comes first.
    /// </summary>
    /// <returns>The number of lines written.</returns>
    public static int Write(string path, int lines, long maxBytes = long.MaxValue)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new Utf8JsonWriter(file);
        int written = 0;
        while (written < lines && file.Position + writer.BytesPending < maxBytes)
        {
            WriteLine(writer, written);
            writer.Flush();
            file.WriteByte((byte)'\n');
            writer.Reset(file);
            written++;
        }

        return written;
    }

    /// <summary>Reads every line of the file and judges every answer, as the engine does with a downloaded output file.</summary>
    public static async Task<Outcomes> ReadAndJudgeAsync(string path, ExtractOptions? options)
    {
        var outcomes = new Outcomes();
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await foreach (ReadOnlyMemory<byte> line in JsonLines.ReadAsync(file, CancellationToken.None).ConfigureAwait(false))
        {
            BatchOutputLine read = BatchOutputLine.Read(line.Span);
            if (read.Response is not { } response)
            {
                outcomes.Unread++;
                continue;
            }

            // The engine keeps one conversation per item from its submission on; here it starts at its answer.
            var conversation = new ExtractionConversation<Recipe>(PayloadTexts.Input, options);
            conversation.Record(response);
            if (!conversation.IsFinished)
            {
                outcomes.Reasked++;
                continue;
            }

            switch (conversation.Result.FailureKind)
            {
                case ExtractionFailureKind.None:
                    outcomes.Succeeded++;
                    break;
                case ExtractionFailureKind.Truncated:
                    outcomes.Truncated++;
                    break;
                case ExtractionFailureKind.Refusal:
                    outcomes.Refused++;
                    break;
                case ExtractionFailureKind.ContentFilter:
                    outcomes.Filtered++;
                    break;
                default:
                    outcomes.Other++;
                    break;
            }
        }

        return outcomes;
    }

    /// <summary>The outcomes a generated file of <paramref name="lines"/> lines must give, judged with one re-ask allowed.</summary>
    public static Outcomes Expected(int lines)
    {
        var expected = new Outcomes();
        for (int i = 0; i < lines; i++)
        {
            switch (KindOf(i))
            {
                case LineKind.Good: expected.Succeeded++; break;
                case LineKind.Malformed: expected.Reasked++; break;
                case LineKind.CutOff: expected.Truncated++; break;
                case LineKind.Refused: expected.Refused++; break;
                case LineKind.Filtered: expected.Filtered++; break;
            }
        }

        return expected;
    }

    private static void WriteLine(Utf8JsonWriter w, int index)
    {
        LineKind kind = KindOf(index);
        string requestId = "batch_req_" + index.ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
        string? content = kind switch
        {
            LineKind.Good => PayloadTexts.Recipe,
            LineKind.Malformed => "I could not find a recipe in this document, only a shopping list.",
            LineKind.CutOff => PayloadTexts.Recipe[..(PayloadTexts.Recipe.Length / 2)],
            LineKind.Filtered => null,
            _ => null,
        };
        string finishReason = kind switch
        {
            LineKind.CutOff => "length",
            LineKind.Filtered => "content_filter",
            _ => "stop",
        };

        w.WriteStartObject();
        w.WriteString("id", requestId);
        w.WriteString("custom_id", "recipe-" + index.ToString("D7", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteStartObject("response");
        w.WriteNumber("status_code", 200);
        w.WriteString("request_id", "req_" + requestId);
        w.WriteStartObject("body");
        w.WriteString("id", "chatcmpl-" + requestId);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", 1_764_000_000 + index);
        w.WriteString("model", "gpt-4o-mini-2024-07-18");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteString("content", content);
        w.WriteString("refusal", kind == LineKind.Refused ? "I'm sorry, I can't help with that." : null);
        w.WriteStartArray("annotations");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", finishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", 412);
        w.WriteNumber("completion_tokens", kind == LineKind.Good ? 236 : 18);
        w.WriteNumber("total_tokens", kind == LineKind.Good ? 648 : 430);
        w.WriteEndObject();
        w.WriteString("system_fingerprint", "fp_batch");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteNull("error");
        w.WriteEndObject();
    }

    /// <summary>What a line of a generated file holds.</summary>
    public enum LineKind
    {
        Good,
        Malformed,
        CutOff,
        Refused,
        Filtered,
    }

    /// <summary>How the lines of a file were judged.</summary>
    public sealed record Outcomes
    {
        public int Succeeded { get; set; }

        public int Reasked { get; set; }

        public int Truncated { get; set; }

        public int Refused { get; set; }

        public int Filtered { get; set; }

        public int Other { get; set; }

        public int Unread { get; set; }

        public int Total => Succeeded + Reasked + Truncated + Refused + Filtered + Other + Unread;

        public override string ToString() => FormattableString.Invariant(
            $"{Succeeded} succeeded, {Reasked} re-asked, {Truncated} cut off, {Refused} refused, {Filtered} filtered, {Other} other, {Unread} unread");
    }
}
