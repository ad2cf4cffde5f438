using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using OpenAI;

namespace StructuredOutput.IntegrationTests;

/// <summary>One scripted answer of the fake server.</summary>
public abstract record ScriptedResponse;

/// <summary>
/// A normal <c>chat.completion</c>, optionally with a refusal instead of content, with calls of the tools named in
/// <paramref name="ToolCalls"/> (arguments <c>{}</c>), or with the calls in <paramref name="Calls"/> as scripted.
/// </summary>
public sealed record CompletionResponse(
    string? Content,
    string? FinishReason,
    int PromptTokens,
    int CompletionTokens,
    string? Refusal = null,
    bool IncludeUsage = true,
    bool OmitFinishReason = false,
    IReadOnlyList<string>? ToolCalls = null,
    IReadOnlyList<ScriptedToolCall>? Calls = null) : ScriptedResponse;

/// <summary>One call in a scripted completion: the function's name, its arguments as the exact text sent, and its id.</summary>
public sealed record ScriptedToolCall(string Name, string Arguments, string Id = "call_0");

/// <summary>Any body with any status, sent as it is (a body that is not JSON, a completion without choices…).</summary>
public sealed record RawResponse(int Status, string Body, string ContentType = "application/json") : ScriptedResponse;

/// <summary>
/// An HTTP error in OpenAI's error format, or with <paramref name="RawBody"/> as the body when given (LM Studio, for
/// one, sends <c>{"error":"..."}</c>). <paramref name="RetryAfterSeconds"/> adds a <c>Retry-After</c> header.
/// </summary>
public sealed record ErrorResponse(int Status, string Message, string? Code, string? RawBody = null, int? RetryAfterSeconds = null) : ScriptedResponse;

/// <summary>Answers with <paramref name="Then"/> after <paramref name="Delay"/>, unless the client aborts first.</summary>
public sealed record DelayedResponse(TimeSpan Delay, ScriptedResponse Then) : ScriptedResponse;

/// <summary>Holds the request open until the client aborts it (or the server stops).</summary>
public sealed record HangResponse : ScriptedResponse;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) that speaks enough of the OpenAI Chat Completions wire format for
/// the official SDK: <c>POST /v1/chat/completions</c>. It records every request and answers from a queue of scripted
/// responses, or from <see cref="Fallback"/> when the queue is empty.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private LoopbackServer _host = null!;
    private int _completionCounter;

    private FakeOpenAIServer()
    {
    }

    /// <summary>http://127.0.0.1:PORT/v1</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>
    /// http://127.0.0.1:PORT/v1beta/openai, the path of Gemini's OpenAI-compatible endpoint: requests there get HTTP 400
    /// in Gemini's error format when their response schema holds what Gemini's schema rejects (<see cref="GeminiSchemaCheck"/>).
    /// </summary>
    public string GeminiBaseUrl => BaseUrl.Substring(0, BaseUrl.Length - "/v1".Length) + GeminiPath;

    private const string GeminiPath = "/v1beta/openai";

    /// <summary>Answers requests when the script is empty; when null, such requests get HTTP 400 "no scripted response".</summary>
    public Func<RecordedRequest, ScriptedResponse>? Fallback { get; set; }

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _host.Requests;

    /// <summary>How many held or delayed requests (<see cref="EnqueueHang"/>, <see cref="DelayedResponse"/>) the client aborted.</summary>
    public int AbortedRequests => _host.AbortedRequests;

    /// <summary>The body of the last response sent.</summary>
    public string? LastResponseBody => _host.LastResponseBody;

    /// <summary>How many scripted responses have not been used yet.</summary>
    public int PendingResponses => _script.Count;

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var server = new FakeOpenAIServer();
        server._host = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v1/chat/completions", server.HandleAsync);
            app.MapPost(GeminiPath + "/chat/completions", server.HandleAsync);
        });
        server.BaseUrl = server._host.Origin + "/v1";
        return server;
    }

    /// <summary>A normal answer.</summary>
    public void EnqueueCompletion(string? content, string? finishReason = "stop", int promptTokens = 10, int completionTokens = 5) =>
        _script.Enqueue(new CompletionResponse(content, finishReason, promptTokens, completionTokens));

    /// <summary>An answer that is one call of <paramref name="name"/> with <paramref name="arguments"/> as sent, finish reason <c>tool_calls</c>.</summary>
    public void EnqueueToolCall(string name, string arguments, string id = "call_0") =>
        _script.Enqueue(new CompletionResponse(null, "tool_calls", 10, 5, Calls: new[] { new ScriptedToolCall(name, arguments, id) }));

    /// <summary>Any scripted response.</summary>
    public void Enqueue(ScriptedResponse response) => _script.Enqueue(response);

    /// <summary>A refusal: <c>content</c> null, <c>refusal</c> set, finish reason <c>stop</c>.</summary>
    public void EnqueueRefusal(string refusal, int promptTokens = 10, int completionTokens = 5) =>
        _script.Enqueue(new CompletionResponse(null, "stop", promptTokens, completionTokens, refusal));

    /// <summary>An HTTP error with OpenAI's error body.</summary>
    public void EnqueueError(int status, string message, string? code = null) =>
        _script.Enqueue(new ErrorResponse(status, message, code));

    /// <summary>An answer that never comes: the request is held until the client aborts it.</summary>
    public void EnqueueHang() => _script.Enqueue(new HangResponse());

    /// <summary>An SDK-backed chat client with extra pipeline policies (added per call).</summary>
    public IChatClient CreateChatClient(params PipelinePolicy[] policies) => CreateChatClient(CreateClientOptions(), policies);

    /// <summary>An SDK-backed chat client from the given options, with extra pipeline policies (added per call).</summary>
    public static IChatClient CreateChatClient(OpenAIClientOptions options, params PipelinePolicy[] policies)
    {
        foreach (var policy in policies)
        {
            options.AddPolicy(policy, PipelinePosition.PerCall);
        }

        return new OpenAI.Chat.ChatClient("test-model", new ApiKeyCredential("test-key"), options).AsIChatClient();
    }

    /// <summary>
    /// An <see cref="IChatClient"/> through the official OpenAI SDK, pointed at the Gemini-style path; wrapped in
    /// <see cref="SchemaDialectChatClient"/> (as <see cref="OpenAIEndpoint.CreateChatClient"/> does) unless
    /// <paramref name="sendDialectSchemasAsGenerated"/> is false.
    /// </summary>
    public IChatClient CreateGeminiChatClient(bool sendDialectSchemasAsGenerated = true)
    {
        var client = new OpenAI.Chat.ChatClient("gemini-test", new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = new Uri(GeminiBaseUrl) }).AsIChatClient();
        return sendDialectSchemasAsGenerated ? new SchemaDialectChatClient(client) : client;
    }

    /// <summary>An <see cref="IChatClient"/> through the official OpenAI SDK, pointed at this server.</summary>
    public IChatClient CreateChatClient(string model = "test-model") =>
        new OpenAI.Chat.ChatClient(model, new ApiKeyCredential("test-key"), CreateClientOptions()).AsIChatClient();

    /// <summary>SDK options pointed at this server. The SDK's default retry policy is kept (it does not retry 400).</summary>
    public OpenAIClientOptions CreateClientOptions() => new()
    {
        Endpoint = new Uri(BaseUrl),
        NetworkTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The OpenAI wire JSON of a completion, as this server sends it.</summary>
    public static string CompletionJson(CompletionResponse r, string model, string id, long created)
    {
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = r.Content,
            ["refusal"] = r.Refusal,
            ["annotations"] = new JsonArray(),
        };
        if (r.ToolCalls is { Count: > 0 } tools)
        {
            message["tool_calls"] = new JsonArray(tools.Select((name, i) => (JsonNode)new JsonObject
            {
                ["id"] = "call_" + i,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = name, ["arguments"] = "{}" },
            }).ToArray());
        }

        if (r.Calls is { Count: > 0 } calls)
        {
            message["tool_calls"] = new JsonArray(calls.Select(call => (JsonNode)new JsonObject
            {
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments },
            }).ToArray());
        }

        var body = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = r.FinishReason,
                ["logprobs"] = null,
            }),
            ["system_fingerprint"] = "fp_fake",
        };
        if (r.OmitFinishReason)
        {
            body["choices"]![0]!.AsObject().Remove("finish_reason");
        }

        if (r.IncludeUsage)
        {
            body["usage"] = new JsonObject
            {
                ["prompt_tokens"] = r.PromptTokens,
                ["completion_tokens"] = r.CompletionTokens,
                ["total_tokens"] = r.PromptTokens + r.CompletionTokens,
            };
        }

        return body.ToJsonString();
    }

    /// <summary>The OpenAI wire JSON of an error.</summary>
    public static string ErrorJson(string message, string? code) => new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = "invalid_request_error",
            ["param"] = null,
            ["code"] = code,
        },
    }.ToJsonString();

    private async Task HandleAsync(HttpContext context)
    {
        if (await _host.RecordAsync(context, message => ErrorJson(message, "bad_json")) is not { } request)
        {
            return;
        }

        if (request.Path.StartsWith(GeminiPath + "/", StringComparison.Ordinal) && GeminiSchemaCheck.Problems(request.Json) is { Count: > 0 } problems)
        {
            await WriteJsonAsync(context, 400, GeminiSchemaCheck.ErrorBody(problems));
            return;
        }

        ScriptedResponse? response = _script.TryDequeue(out var next) ? next : Fallback?.Invoke(request);
        if (response is DelayedResponse delayed)
        {
            if (!await _host.WaitAsync(context, delayed.Delay))
            {
                return;
            }

            response = delayed.Then;
        }

        switch (response)
        {
            case null:
                await WriteJsonAsync(context, 400, ErrorJson("fake server: no scripted response left", "no_script"));
                break;
            case CompletionResponse completion:
                int n = Interlocked.Increment(ref _completionCounter);
                string model = (string?)request.Json["model"] ?? "unknown-model";
                await WriteJsonAsync(context, 200, CompletionJson(completion, model, "chatcmpl-fake" + n, 1_764_000_000 + n));
                break;
            case ErrorResponse error:
                if (error.RetryAfterSeconds is int seconds)
                {
                    context.Response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await WriteJsonAsync(context, error.Status, error.RawBody ?? ErrorJson(error.Message, error.Code));
                break;
            case RawResponse rawResponse:
                await _host.WriteAsync(context, rawResponse.Status, rawResponse.ContentType, rawResponse.Body);
                break;
            case HangResponse:
                await _host.WaitAsync(context, Timeout.InfiniteTimeSpan);
                break;
        }
    }

    private Task WriteJsonAsync(HttpContext context, int status, string json) => _host.WriteAsync(context, status, "application/json", json);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
