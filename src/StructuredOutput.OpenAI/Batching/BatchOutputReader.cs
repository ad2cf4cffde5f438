using System;
using System.ClientModel.Primitives;
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
    public static BatchOutputLine Read(ReadOnlySpan<byte> line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray());
        }
        catch (JsonException e)
        {
            return new BatchOutputLine(null, null, "the line is not JSON: " + e.Message, null);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            string? id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("custom_id", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return new BatchOutputLine(id, null, Describe(error), error.GetRawText());
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
            {
                return new BatchOutputLine(id, null, "the line has neither a response nor an error", root.GetRawText());
            }

            int status = response.TryGetProperty("status_code", out var s) && s.TryGetInt32(out int code) ? code : 0;
            string? body = response.TryGetProperty("body", out var b) ? b.GetRawText() : null;
            if (status != 200 || body is null)
            {
                string detail = b.ValueKind == JsonValueKind.Object && b.TryGetProperty("error", out var bodyError) && bodyError.ValueKind == JsonValueKind.Object
                    ? Describe(bodyError)
                    : "no error given";
                return new BatchOutputLine(id, null, $"HTTP {status}: {detail}", body);
            }

            try
            {
                ChatCompletion completion = ModelReaderWriter.Read<ChatCompletion>(BinaryData.FromString(body), ModelReaderWriterOptions.Json, OpenAIContext.Default)!;
                return new BatchOutputLine(id, completion.AsChatResponse(), null, null);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or System.Collections.Generic.KeyNotFoundException)
            {
                return new BatchOutputLine(id, null, "the SDK could not read the chat completion: " + e.Message, body);
            }
        }
    }

    private static string Describe(JsonElement error)
    {
        string? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        string? message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return (code is null ? string.Empty : code + ": ") + (message ?? "no message");
    }
}
