using System;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace RecipeExtractor;

/// <summary>
/// Lets the OpenAI .NET SDK read chat completions from OpenAI-compatible servers that send a <c>finish_reason</c>
/// outside OpenAI's own set. The SDK accepts only <c>stop</c>, <c>length</c>, <c>content_filter</c>,
/// <c>tool_calls</c> and <c>function_call</c>, and throws <see cref="ArgumentOutOfRangeException"/> for anything else,
/// such as <c>"eos"</c> (Together), <c>null</c> (Jan, mlx-lm) or <c>""</c>. This policy rewrites such a
/// value in the response body before the SDK reads it: the usual end-of-generation spellings and anything unknown
/// become <c>stop</c>, the token-limit spellings become <c>length</c>.
/// </summary>
/// <remarks>
/// Add it once to the client options:
/// <code>
/// var options = new OpenAIClientOptions { Endpoint = new Uri(baseUrl) };
/// options.AddPolicy(new FinishReasonPolicy(), PipelinePosition.PerCall);
/// </code>
/// Only buffered (non-streaming) JSON responses are touched; everything else passes through unchanged.
/// </remarks>
public sealed class FinishReasonPolicy : PipelinePolicy
{
    private static readonly string[] Known = { "stop", "length", "content_filter", "tool_calls", "function_call" };
    private static readonly string[] LengthSpellings = { "max_tokens", "model_length", "max_length" };

    /// <inheritdoc/>
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Rewrite(message);
    }

    /// <inheritdoc/>
    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        Rewrite(message);
    }

    /// <summary>The value the SDK can read for a finish reason a server sent.</summary>
    /// <param name="finishReason">The value sent; null for a JSON null.</param>
    /// <returns>The value unchanged when the SDK knows it; otherwise <c>length</c> or <c>stop</c>.</returns>
    public static string Normalize(string? finishReason)
    {
        foreach (string known in Known)
        {
            if (string.Equals(finishReason, known, StringComparison.OrdinalIgnoreCase))
            {
                return finishReason!;
            }
        }

        foreach (string length in LengthSpellings)
        {
            if (string.Equals(finishReason, length, StringComparison.OrdinalIgnoreCase))
            {
                return "length";
            }
        }

        return "stop";
    }

    private static void Rewrite(PipelineMessage message)
    {
        if (!message.BufferResponse || message.Response is not { IsError: false } response)
        {
            return;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(response.Content);
        }
        catch (JsonException)
        {
            return;
        }

        if (root?["choices"] is not JsonArray choices)
        {
            return;
        }

        bool changed = false;
        foreach (var choice in choices)
        {
            if (choice is JsonObject item && item.TryGetPropertyValue("finish_reason", out JsonNode? node))
            {
                string? sent = node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
                string readable = Normalize(sent);
                if (!string.Equals(sent, readable, StringComparison.Ordinal))
                {
                    item["finish_reason"] = readable;
                    changed = true;
                }
            }
        }

        if (changed)
        {
            response.ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(root.ToJsonString()));
        }
    }
}
