using System;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

// OpenAIContext (the SDK's reflection-free model reader) and the Microsoft.Extensions.AI conversion of a completion are
// marked evaluation-only (OPENAI001); they are the official way to read a completion without reflection.
#pragma warning disable OPENAI001

namespace StructuredOutput.Batching;

/// <summary>One line of a Batch API output or error file, read: its request's custom id and what came of it.</summary>
internal readonly struct BatchOutputLine
{
    private BatchOutputLine(string? customId, Microsoft.Extensions.AI.ChatResponse? response, string? error, string? body)
    {
        CustomId = customId;
        Response = response;
        Error = error;
        Body = body;
    }

    /// <summary>The request's custom id; null for a line that does not name one.</summary>
    public string? CustomId { get; }

    /// <summary>The chat completion, read by the SDK and converted by Microsoft.Extensions.AI.OpenAI; null when there is none.</summary>
    public Microsoft.Extensions.AI.ChatResponse? Response { get; }

    /// <summary>Why there is no response (an HTTP status other than 200, an error object, a body the SDK could not read).</summary>
    public string? Error { get; }

    /// <summary>The response body as received, when there is no response.</summary>
    public string? Body { get; }

    /// <summary>Reads one line (without its line feed).</summary>
    /// <remarks>
    /// The line is walked once with a <see cref="Utf8JsonReader"/> for the custom id, the error, the status and the
    /// body's bytes; only the body is copied, once, for the SDK's reader (which reads a chat completion from UTF-8
    /// bytes). Neither the line nor the body is turned into a string, except to keep a body that could not be read.
    /// </remarks>
    public static BatchOutputLine Read(ReadOnlySpan<byte> line)
    {
        Parts parts;
        try
        {
            parts = Parts.Find(line);
        }
        catch (JsonException e)
        {
            return new BatchOutputLine(null, null, "the line is not JSON: " + e.Message, null);
        }

        string? id = parts.CustomId;
        if (parts.Error is { } errorAt)
        {
            ReadOnlySpan<byte> error = Slice(line, errorAt);
            return new BatchOutputLine(id, null, Describe(error), Encoding.UTF8.GetString(error));
        }

        if (parts.Response is null)
        {
            return new BatchOutputLine(id, null, "the line has neither a response nor an error", Encoding.UTF8.GetString(line).Trim());
        }

        ReadOnlySpan<byte> body = parts.Body is { } bodyAt ? Slice(line, bodyAt) : default;
        if (parts.Status != 200 || parts.Body is null)
        {
            string detail = parts.Body is null ? "no error given" : DescribeBody(body);
            return new BatchOutputLine(id, null, $"HTTP {parts.Status}: {detail}", parts.Body is null ? null : Encoding.UTF8.GetString(body));
        }

        try
        {
            ChatCompletion completion = ModelReaderWriter.Read<ChatCompletion>(BinaryData.FromBytes(body.ToArray()), ModelReaderWriterOptions.Json, OpenAIContext.Default)!;
            return new BatchOutputLine(id, completion.AsChatResponse(), null, null);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or System.Collections.Generic.KeyNotFoundException)
        {
            return new BatchOutputLine(id, null, "the SDK could not read the chat completion: " + e.Message, Encoding.UTF8.GetString(body));
        }
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> line, (int Start, int Length) at) => line.Slice(at.Start, at.Length);

    // An error object (the line's, or a body's "error"): its code and message.
    private static string Describe(ReadOnlySpan<byte> error)
    {
        using JsonDocument document = JsonDocument.Parse(error.ToArray());
        return Describe(document.RootElement);
    }

    private static string DescribeBody(ReadOnlySpan<byte> body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body.ToArray());
            JsonElement b = document.RootElement;
            return b.ValueKind == JsonValueKind.Object && b.TryGetProperty("error", out var bodyError) && bodyError.ValueKind == JsonValueKind.Object
                ? Describe(bodyError)
                : "no error given";
        }
        catch (JsonException)
        {
            return "no error given";
        }
    }

    private static string Describe(JsonElement error)
    {
        string? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        string? message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return (code is null ? string.Empty : code + ": ") + (message ?? "no message");
    }

    /// <summary>Where the parts of a line are: its custom id, and the byte ranges of its error, response and body.</summary>
    private struct Parts
    {
        public string? CustomId;
        public (int Start, int Length)? Error;
        public (int Start, int Length)? Response;
        public (int Start, int Length)? Body;
        public int Status;

        /// <summary>Walks the line once; throws <see cref="JsonException"/> when it is not JSON.</summary>
        public static Parts Find(ReadOnlySpan<byte> line)
        {
            var parts = default(Parts);
            var reader = new Utf8JsonReader(line);
            if (!reader.Read())
            {
                throw new JsonException("The line is empty.");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                End(ref reader);
                return parts;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("custom_id"u8))
                {
                    reader.Read();
                    parts.CustomId = reader.TokenType == JsonTokenType.String ? reader.GetString() : Skip(ref reader);
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    parts.Error = reader.TokenType == JsonTokenType.StartObject ? Range(ref reader) : Skipped(ref reader);
                }
                else if (reader.ValueTextEquals("response"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        int start = (int)reader.TokenStartIndex;
                        ReadResponse(ref reader, ref parts);
                        parts.Response = (start, (int)reader.BytesConsumed - start);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            End(ref reader);
            return parts;
        }

        private static void ReadResponse(ref Utf8JsonReader reader, ref Parts parts)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("status_code"u8))
                {
                    reader.Read();
                    parts.Status = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int code) ? code : 0;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("body"u8))
                {
                    reader.Read();
                    parts.Body = Range(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        // The range of the value the reader is on, which it then skips.
        private static (int Start, int Length) Range(ref Utf8JsonReader reader)
        {
            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            return (start, (int)reader.BytesConsumed - start);
        }

        private static (int Start, int Length)? Skipped(ref Utf8JsonReader reader)
        {
            reader.Skip();
            return null;
        }

        private static string? Skip(ref Utf8JsonReader reader)
        {
            reader.Skip();
            return null;
        }

        // Nothing but white space may follow the value.
        private static void End(ref Utf8JsonReader reader)
        {
            if (reader.Read())
            {
                throw new JsonException("The line holds more than one value.");
            }
        }
    }
}
