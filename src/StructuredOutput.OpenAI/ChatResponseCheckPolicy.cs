using System;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace StructuredOutput;

/// <summary>
/// A pipeline policy for the OpenAI .NET SDK that checks every buffered chat-completions response before the SDK reads
/// it, and throws <see cref="UnreadableResponseException"/> with the response body when the SDK could not read it: a
/// body that is not JSON, no <c>choices</c> (missing or empty, or an <c>error</c> object in a successful response), a
/// message <c>content</c> or <c>refusal</c> that is not a string or is not valid Unicode (a lone surrogate escape such
/// as <c>"\ud800"</c>),
/// or a <c>finish_reason</c> that is neither one the SDK reads nor a known spelling of one. Known spellings of
/// OpenAI-compatible servers are rewritten to the SDK's values (see <see cref="NormalizeFinishReason"/>).
/// </summary>
/// <remarks>
/// Add it once with <see cref="OpenAIClientOptionsExtensions.AddResponseCheck"/>. The extraction loop turns the
/// exception into <see cref="ExtractionFailureKind.UnreadableResponse"/> and keeps the body in
/// <see cref="ExtractionAttempt.ResponseBody"/>. Error statuses, streamed responses and other endpoints pass through
/// unchanged.
/// </remarks>
public sealed class ChatResponseCheckPolicy : PipelinePolicy
{
    private static readonly string[] Readable = { "stop", "length", "content_filter", "tool_calls", "function_call" };

    // End-of-generation spellings of compatible servers (Together's "eos", Jan's and mlx-lm's null, "" and others).
    private static readonly string[] StopSpellings = { "", "eos", "eos_token", "end", "end_turn", "stop_sequence" };

    // Token-limit spellings: an answer cut off there is still reported as cut off.
    private static readonly string[] LengthSpellings = { "max_tokens", "max_length", "model_length", "max_output_tokens" };

    /// <inheritdoc/>
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Check(message);
    }

    /// <inheritdoc/>
    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        Check(message);
    }

    /// <summary>The <c>finish_reason</c> the SDK can read for one a server sent, or null when none fits.</summary>
    /// <param name="finishReason">The value sent; null for a JSON null.</param>
    /// <returns>
    /// <c>stop</c>, <c>length</c>, <c>content_filter</c>, <c>tool_calls</c> or <c>function_call</c> in any case as
    /// itself in lower case; <c>null</c>, <c>""</c>, <c>eos</c>, <c>eos_token</c>, <c>end</c>, <c>end_turn</c> and
    /// <c>stop_sequence</c> as <c>stop</c>; <c>max_tokens</c>, <c>max_length</c>, <c>model_length</c> and
    /// <c>max_output_tokens</c> as <c>length</c>; anything else as null.
    /// </returns>
    public static string? NormalizeFinishReason(string? finishReason)
    {
        if (finishReason is null)
        {
            return "stop";
        }

        foreach (string readable in Readable)
        {
            if (string.Equals(finishReason, readable, StringComparison.OrdinalIgnoreCase))
            {
                return readable;
            }
        }

        foreach (string stop in StopSpellings)
        {
            if (string.Equals(finishReason, stop, StringComparison.OrdinalIgnoreCase))
            {
                return "stop";
            }
        }

        foreach (string length in LengthSpellings)
        {
            if (string.Equals(finishReason, length, StringComparison.OrdinalIgnoreCase))
            {
                return "length";
            }
        }

        return null;
    }

    private static void Check(PipelineMessage message)
    {
        if (!message.BufferResponse
            || message.Response is not { IsError: false } response
            || message.Request.Uri?.AbsolutePath.EndsWith("/chat/completions", StringComparison.Ordinal) != true)
        {
            return;
        }

        BinaryData body = response.Content;
        bool rewrite;
        try
        {
            rewrite = Inspect(body);
        }
        catch (UnreadableBody e)
        {
            throw new UnreadableResponseException(e.Message, body.ToString(), e.InnerException);
        }

        if (rewrite)
        {
            response.ContentStream = new MemoryStream(Rewrite(body));
        }
    }

    // Checks the body; true when a finish reason must be rewritten for the SDK.
    private static bool Inspect(BinaryData body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToMemory());
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new UnreadableBody("the body is not JSON (" + e.Message + ")", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new UnreadableBody("the body is JSON but not an object");
            }

            if (!root.TryGetProperty("choices", out JsonElement choices) || choices.ValueKind != JsonValueKind.Array)
            {
                throw new UnreadableBody(root.TryGetProperty("error", out JsonElement error)
                    ? "the body is an error, not a completion: " + Describe(error)
                    : "the body has no \"choices\" array");
            }

            if (choices.GetArrayLength() == 0)
            {
                throw new UnreadableBody("\"choices\" is empty");
            }

            bool rewrite = false;
            int index = 0;
            foreach (JsonElement choice in choices.EnumerateArray())
            {
                if (choice.ValueKind != JsonValueKind.Object)
                {
                    throw new UnreadableBody($"choices[{index}] is not an object");
                }

                if (choice.TryGetProperty("message", out JsonElement messageElement) && messageElement.ValueKind == JsonValueKind.Object)
                {
                    CheckText(messageElement, "content", index);
                    CheckText(messageElement, "refusal", index);
                }

                if (choice.TryGetProperty("finish_reason", out JsonElement finish))
                {
                    string? sent = finish.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => ReadString(finish, $"choices[{index}].finish_reason"),
                        _ => throw new UnreadableBody($"choices[{index}].finish_reason is {finish.GetRawText()}, not a string"),
                    };
                    string readable = NormalizeFinishReason(sent) ?? throw new UnreadableBody(
                        $"choices[{index}].finish_reason is \"{sent}\", which the OpenAI SDK cannot read and which is no known spelling of stop or length");
                    rewrite |= !string.Equals(sent, readable, StringComparison.Ordinal);
                }

                index++;
            }

            return rewrite;
        }
    }

    private static void CheckText(JsonElement message, string name, int index)
    {
        if (!message.TryGetProperty(name, out JsonElement text))
        {
            return;
        }

        switch (text.ValueKind)
        {
            case JsonValueKind.String:
                ReadString(text, $"choices[{index}].message.{name}");
                break;
            case JsonValueKind.Null:
            case JsonValueKind.Array: // content parts, which the SDK reads
                break;
            default:
                throw new UnreadableBody($"choices[{index}].message.{name} is {text.GetRawText()}, not a string");
        }
    }

    private static string ReadString(JsonElement element, string path)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new UnreadableBody(path + " is not valid Unicode (it holds a lone surrogate escape)", e);
        }
    }

    private static string Describe(JsonElement error)
    {
        string text = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String
            ? message.GetString()!
            : error.GetRawText();
        return text.Length <= 300 ? text : text.Substring(0, 300) + "…";
    }

    // Writes the body with every finish reason the SDK can read. Runs only after Inspect accepted the body.
    private static byte[] Rewrite(BinaryData body)
    {
        JsonNode root = JsonNode.Parse(body.ToMemory().Span)!;
        foreach (JsonNode? choice in root["choices"]!.AsArray())
        {
            if (choice is JsonObject item && item.TryGetPropertyValue("finish_reason", out JsonNode? node))
            {
                string? sent = node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
                item["finish_reason"] = NormalizeFinishReason(sent);
            }
        }

        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(root, OpenAIJsonContext.Default.JsonNode);
        }
        catch (InvalidOperationException e)
        {
            throw new UnreadableResponseException("the body holds a string that is not valid Unicode", body.ToString(), e);
        }
    }

    private sealed class UnreadableBody : Exception
    {
        public UnreadableBody(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }
}
