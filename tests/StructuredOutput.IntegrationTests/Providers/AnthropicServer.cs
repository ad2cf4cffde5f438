using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Anthropic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests.Providers;

/// <summary>
/// One scripted answer of the Anthropic server: a message with these content blocks and this <c>stop_reason</c>
/// (<c>end_turn</c>, <c>max_tokens</c>, <c>stop_sequence</c>, <c>tool_use</c>, <c>refusal</c>, <c>pause_turn</c>).
/// </summary>
public sealed record AnthropicMessage(IReadOnlyList<JsonObject> Content, string StopReason, int InputTokens = 10, int OutputTokens = 5);

/// <summary>An HTTP error in the Messages API's error format (<c>{"type":"error","error":{"type":…,"message":…}}</c>).</summary>
public sealed record AnthropicError(int Status, string Type, string Message);

/// <summary>
/// A loopback server that speaks Anthropic's Messages API as the official <c>Anthropic</c> SDK expects it:
/// <c>POST /v1/messages</c> with the API key (<c>x-api-key</c>, or <c>Authorization: Bearer</c> as the SDK sends it) and
/// the <c>anthropic-version</c> header, <c>system</c> as a top-level
/// field, content blocks in and out, <c>stop_reason</c>, <c>usage</c> in input and output tokens, the <c>request-id</c>
/// header, and the API's error body. It checks what the real API rejects (a missing header, <c>max_tokens</c> or
/// <c>model</c>, a <c>system</c> role inside <c>messages</c>, a <c>tool_use</c> block not answered by a <c>tool_result</c>
/// block in the next message) and answers from a queue of scripted messages.
/// </summary>
public sealed class AnthropicServer : IAsyncDisposable
{
    /// <summary>The only key the server accepts.</summary>
    public const string ApiKey = "test-anthropic-key";

    // The API escapes only what JSON requires (backticks, quotes in text and non-ASCII letters arrive as they are).
    private static readonly JsonSerializerOptions s_wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConcurrentQueue<object> _script = new();
    private LoopbackServer _host = null!;
    private int _counter;

    private AnthropicServer()
    {
    }

    /// <summary>http://127.0.0.1:PORT (the SDK appends <c>/v1/messages</c>).</summary>
    public string BaseUrl => _host.Origin;

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _host.Requests;

    /// <summary>The body of the last response sent.</summary>
    public string? LastResponseBody => _host.LastResponseBody;

    public static async Task<AnthropicServer> StartAsync()
    {
        var server = new AnthropicServer();
        server._host = await LoopbackServer.StartAsync(app => app.MapPost("/v1/messages", server.HandleAsync));
        return server;
    }

    /// <summary>A text answer.</summary>
    public void EnqueueText(string text, string stopReason = "end_turn", int inputTokens = 10, int outputTokens = 5) =>
        _script.Enqueue(new AnthropicMessage(new[] { TextBlock(text) }, stopReason, inputTokens, outputTokens));

    /// <summary>
    /// A call of the tool <paramref name="name"/> with <paramref name="inputJson"/>, after an optional text block, ending
    /// with <paramref name="stopReason"/> (<c>max_tokens</c> for a call cut off by the token limit).
    /// </summary>
    public void EnqueueToolUse(string name, string inputJson, string? text = null, string stopReason = "tool_use")
    {
        var blocks = new List<JsonObject>();
        if (text is not null)
        {
            blocks.Add(TextBlock(text));
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = "toolu_fake" + Interlocked.Increment(ref _counter),
            ["name"] = name,
            ["input"] = JsonNode.Parse(inputJson),
        });
        _script.Enqueue(new AnthropicMessage(blocks, stopReason));
    }

    /// <summary>Any scripted message or error.</summary>
    public void Enqueue(AnthropicMessage message) => _script.Enqueue(message);

    /// <summary>An HTTP error in the API's format.</summary>
    public void Enqueue(AnthropicError error) => _script.Enqueue(error);

    /// <summary>A <c>text</c> content block.</summary>
    public static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };

    /// <summary>An Anthropic <see cref="IChatClient"/>: the official SDK pointed at this server, through its own adapter.</summary>
    public IChatClient CreateChatClient(string model = "claude-test", int? maxOutputTokens = null) =>
        new AnthropicClient { ApiKey = ApiKey, BaseUrl = BaseUrl, MaxRetries = 0 }.AsIChatClient(model, maxOutputTokens);

    /// <summary>The Messages API's wire JSON of a message.</summary>
    public static string MessageJson(AnthropicMessage m, string model, string id) => new JsonObject
    {
        ["id"] = id,
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = new JsonArray(m.Content.Select(b => (JsonNode)b.DeepClone()).ToArray()),
        ["stop_reason"] = m.StopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject
        {
            ["input_tokens"] = m.InputTokens,
            ["cache_creation_input_tokens"] = 0,
            ["cache_read_input_tokens"] = 0,
            ["output_tokens"] = m.OutputTokens,
            ["service_tier"] = "standard",
        },
    }.ToJsonString(s_wire);

    /// <summary>The Messages API's wire JSON of an error.</summary>
    public static string ErrorJson(string type, string message) => new JsonObject
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
        ["request_id"] = "req_fake",
    }.ToJsonString(s_wire);

    private async Task HandleAsync(HttpContext context)
    {
        if (await _host.RecordAsync(context, message => ErrorJson("invalid_request_error", message)) is not { } request)
        {
            return;
        }

        int n = Interlocked.Increment(ref _counter);
        context.Response.Headers["request-id"] = "req_fake" + n;
        if (Reject(request) is { } rejection)
        {
            await WriteAsync(context, rejection);
            return;
        }

        object? next = _script.TryDequeue(out var scripted) ? scripted : null;
        switch (next)
        {
            case AnthropicMessage message:
                await _host.WriteAsync(context, 200, "application/json", MessageJson(message, (string)request.Json["model"]!, "msg_fake" + n));
                break;
            case AnthropicError error:
                await WriteAsync(context, error);
                break;
            default:
                await WriteAsync(context, new AnthropicError(400, "invalid_request_error", "fake server: no scripted response left"));
                break;
        }
    }

    // What the real API answers with an error before any generation.
    private static AnthropicError? Reject(RecordedRequest request)
    {
        // The SDK sends its API key as a bearer token; the API also takes it as x-api-key.
        bool keyed = request.Headers.TryGetValue("x-api-key", out var key) ? key == ApiKey : request.Authorization == "Bearer " + ApiKey;
        if (!keyed)
        {
            return new AnthropicError(401, "authentication_error", "invalid x-api-key");
        }

        if (!request.Headers.ContainsKey("anthropic-version"))
        {
            return new AnthropicError(400, "invalid_request_error", "anthropic-version: header is required");
        }

        foreach (var field in new[] { "model", "max_tokens", "messages" })
        {
            if (request.Json[field] is null)
            {
                return new AnthropicError(400, "invalid_request_error", field + ": Field required");
            }
        }

        for (int i = 0; i < request.Messages.Count; i++)
        {
            string role = request.Role(i);
            if (role is not ("user" or "assistant"))
            {
                return new AnthropicError(400, "invalid_request_error", $"messages.{i}.role: Input should be 'user' or 'assistant'");
            }
        }

        if (UnansweredToolUse(request.Messages) is { } unanswered)
        {
            return unanswered;
        }

        if ((bool?)request.Json["stream"] == true)
        {
            return new AnthropicError(400, "invalid_request_error", "fake server: streaming is not scripted");
        }

        return null;
    }

    // Every tool_use block of an assistant turn must be answered by a tool_result block in the next (user) turn.
    private static AnthropicError? UnansweredToolUse(JsonArray messages)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            var ids = Blocks(messages[i], "tool_use").Select(b => (string)b["id"]!).ToList();
            if (ids.Count == 0)
            {
                continue;
            }

            var answered = i + 1 < messages.Count
                ? Blocks(messages[i + 1], "tool_result").Select(b => (string?)b["tool_use_id"]).ToHashSet()
                : new HashSet<string?>();
            var missing = ids.Where(id => !answered.Contains(id)).ToList();
            if (missing.Count > 0)
            {
                return new AnthropicError(400, "invalid_request_error", $"messages.{i + 1}: `tool_use` ids were found without `tool_result` blocks immediately after: {string.Join(", ", missing)}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
            }
        }

        return null;
    }

    private static IEnumerable<JsonNode> Blocks(JsonNode? message, string type) =>
        message?["content"] is JsonArray blocks ? blocks.Where(b => (string?)b?["type"] == type).Select(b => b!) : Enumerable.Empty<JsonNode>();

    private Task WriteAsync(HttpContext context, AnthropicError error) =>
        _host.WriteAsync(context, error.Status, "application/json", ErrorJson(error.Type, error.Message));

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
