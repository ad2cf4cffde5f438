using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using OllamaSharp;

namespace StructuredOutput.IntegrationTests.Providers;

/// <summary>A call of a tool in an Ollama answer: its name and its arguments as a JSON object.</summary>
public sealed record OllamaToolCall(string Name, string ArgumentsJson);

/// <summary>
/// One scripted answer of the Ollama server: the message's content, the <c>done_reason</c> (<c>stop</c>, <c>length</c>,
/// <c>load</c>), the token counts (<c>prompt_eval_count</c>, <c>eval_count</c>) and any tool calls.
/// </summary>
public sealed record OllamaReply(string Content, string DoneReason = "stop", int PromptEvalCount = 10, int EvalCount = 5, IReadOnlyList<OllamaToolCall>? ToolCalls = null);

/// <summary>An HTTP error in Ollama's format, <c>{"error": "..."}</c>.</summary>
public sealed record OllamaError(int Status, string Message);

/// <summary>
/// A loopback server that speaks Ollama's native chat API as OllamaSharp uses it: <c>POST /api/chat</c> with
/// <c>model</c>, <c>messages</c>, <c>format</c> (<c>"json"</c> or a JSON Schema), <c>options</c>, <c>tools</c> and
/// <c>stream</c>; it answers one JSON object when <c>stream</c> is false and newline-delimited JSON chunks
/// (<c>application/x-ndjson</c>) otherwise (Ollama streams when <c>stream</c> is left out), the last chunk with
/// <c>done: true</c>, <c>done_reason</c> and the token counts. Errors are <c>{"error": "..."}</c>.
/// </summary>
public sealed class OllamaServer : IAsyncDisposable
{
    // Ollama streams a few characters per chunk; any split must give the same answer.
    private const int ChunkLength = 7;

    private readonly ConcurrentQueue<object> _script = new();
    private LoopbackServer _host = null!;

    private OllamaServer()
    {
    }

    /// <summary>http://127.0.0.1:PORT, Ollama's base address (no <c>/v1</c>: that is its OpenAI-compatible endpoint).</summary>
    public string BaseUrl => _host.Origin;

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _host.Requests;

    /// <summary>The body of the last response sent (for a stream, every line).</summary>
    public string? LastResponseBody => _host.LastResponseBody;

    public static async Task<OllamaServer> StartAsync()
    {
        var server = new OllamaServer();
        server._host = await LoopbackServer.StartAsync(app => app.MapPost("/api/chat", server.HandleAsync));
        return server;
    }

    /// <summary>A text answer.</summary>
    public void EnqueueReply(string content, string doneReason = "stop", int promptEvalCount = 10, int evalCount = 5) =>
        _script.Enqueue(new OllamaReply(content, doneReason, promptEvalCount, evalCount));

    /// <summary>A call of the tool <paramref name="name"/> with <paramref name="argumentsJson"/>, and no text.</summary>
    public void EnqueueToolCall(string name, string argumentsJson) =>
        _script.Enqueue(new OllamaReply(string.Empty, ToolCalls: new[] { new OllamaToolCall(name, argumentsJson) }));

    /// <summary>An HTTP error in Ollama's format.</summary>
    public void Enqueue(OllamaError error) => _script.Enqueue(error);

    /// <summary>An OllamaSharp <see cref="IChatClient"/> pointed at this server.</summary>
    public IChatClient CreateChatClient(string model = "llama-test") => new OllamaApiClient(new Uri(BaseUrl), model);

    private static string CreatedAt(int n) => new DateTime(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc).AddSeconds(n).ToString("O");

    // One chunk of an answer; the last (done) one carries the reason and the counts.
    private static JsonObject Chunk(string model, int n, string content, IReadOnlyList<OllamaToolCall>? toolCalls, OllamaReply? done)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (toolCalls is { Count: > 0 })
        {
            message["tool_calls"] = new JsonArray(toolCalls.Select(c => (JsonNode)new JsonObject
            {
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = JsonNode.Parse(c.ArgumentsJson) },
            }).ToArray());
        }

        var chunk = new JsonObject { ["model"] = model, ["created_at"] = CreatedAt(n), ["message"] = message, ["done"] = done is not null };
        if (done is not null)
        {
            chunk["done_reason"] = done.DoneReason;
            chunk["total_duration"] = 1_200_000_000L;
            chunk["load_duration"] = 20_000_000L;
            chunk["prompt_eval_count"] = done.PromptEvalCount;
            chunk["prompt_eval_duration"] = 100_000_000L;
            chunk["eval_count"] = done.EvalCount;
            chunk["eval_duration"] = 900_000_000L;
        }

        return chunk;
    }

    /// <summary>Ollama's non-streamed answer: one object with the whole message and <c>done: true</c>.</summary>
    public static string ReplyJson(OllamaReply reply, string model) =>
        Chunk(model, 0, reply.Content, reply.ToolCalls, reply).ToJsonString();

    /// <summary>Ollama's streamed answer: the content in chunks, one JSON object a line, then the done chunk.</summary>
    public static string ReplyNdjson(OllamaReply reply, string model)
    {
        var lines = new StringBuilder();
        int n = 0;
        for (int i = 0; i < reply.Content.Length; i += ChunkLength)
        {
            string piece = reply.Content.Substring(i, Math.Min(ChunkLength, reply.Content.Length - i));
            lines.Append(Chunk(model, n++, piece, null, null).ToJsonString()).Append('\n');
        }

        if (reply.ToolCalls is { Count: > 0 })
        {
            lines.Append(Chunk(model, n++, string.Empty, reply.ToolCalls, null).ToJsonString()).Append('\n');
        }

        lines.Append(Chunk(model, n, string.Empty, null, reply).ToJsonString()).Append('\n');
        return lines.ToString();
    }

    /// <summary>Ollama's error body.</summary>
    public static string ErrorJson(string message) => new JsonObject { ["error"] = message }.ToJsonString();

    private async Task HandleAsync(HttpContext context)
    {
        if (await _host.RecordAsync(context, ErrorJson) is not { } request)
        {
            return;
        }

        if (Reject(request) is { } rejection)
        {
            await WriteAsync(context, rejection);
            return;
        }

        string model = (string)request.Json["model"]!;
        switch (_script.TryDequeue(out var next) ? next : null)
        {
            case OllamaReply reply when (bool?)request.Json["stream"] == false:
                await _host.WriteAsync(context, 200, "application/json; charset=utf-8", ReplyJson(reply, model));
                break;
            case OllamaReply reply:
                await _host.WriteAsync(context, 200, "application/x-ndjson", ReplyNdjson(reply, model));
                break;
            case OllamaError error:
                await WriteAsync(context, error);
                break;
            default:
                await WriteAsync(context, new OllamaError(400, "fake server: no scripted response left"));
                break;
        }
    }

    // What Ollama answers with an error before any generation.
    private static OllamaError? Reject(RecordedRequest request)
    {
        if (request.Json["model"] is null)
        {
            return new OllamaError(400, "model is required");
        }

        return request.Json["format"] switch
        {
            null or JsonObject => null,
            JsonValue v when v.TryGetValue(out string? format) && format is "json" or "" => null,
            var other => new OllamaError(400, "invalid format: " + other.ToJsonString()),
        };
    }

    private Task WriteAsync(HttpContext context, OllamaError error) =>
        _host.WriteAsync(context, error.Status, "application/json; charset=utf-8", ErrorJson(error.Message));

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
