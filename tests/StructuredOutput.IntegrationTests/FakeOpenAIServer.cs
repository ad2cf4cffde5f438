using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace StructuredOutput.IntegrationTests;

/// <summary>A request body the fake server received, raw and parsed.</summary>
public sealed class RecordedRequest
{
    public RecordedRequest(string path, string? authorization, string raw)
    {
        Path = path;
        Authorization = authorization;
        Raw = raw;
        Json = JsonNode.Parse(raw)!.AsObject();
    }

    /// <summary>The request path, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>The Authorization header as sent.</summary>
    public string? Authorization { get; }

    /// <summary>The body exactly as received.</summary>
    public string Raw { get; }

    /// <summary>The body parsed.</summary>
    public JsonObject Json { get; }

    /// <summary>The <c>messages</c> array.</summary>
    public JsonArray Messages => Json["messages"]!.AsArray();

    /// <summary>The role of message <paramref name="index"/>.</summary>
    public string Role(int index) => (string)Messages[index]!["role"]!;

    /// <summary>
    /// The text of message <paramref name="index"/>: the SDK sends <c>content</c> either as a string or as an array of
    /// <c>{"type":"text","text":...}</c> parts; both are joined into one string.
    /// </summary>
    public string Text(int index) => ContentText(Messages[index]!["content"]);

    /// <summary>All messages as (role, text) pairs.</summary>
    public IReadOnlyList<(string Role, string Text)> Conversation =>
        Messages.Select(m => ((string)m!["role"]!, ContentText(m["content"]))).ToList();

    private static string ContentText(JsonNode? content) => content switch
    {
        null => string.Empty,
        JsonValue v => (string)v!,
        JsonArray parts => string.Concat(parts.Select(p => (string?)p?["text"] ?? string.Empty)),
        _ => throw new InvalidOperationException("Unexpected content shape: " + content.ToJsonString()),
    };
}

/// <summary>One scripted answer of the fake server.</summary>
public abstract record ScriptedResponse;

/// <summary>
/// A normal <c>chat.completion</c>, optionally with a refusal instead of content, or with calls of the tools named in
/// <paramref name="ToolCalls"/>.
/// </summary>
public sealed record CompletionResponse(
    string? Content,
    string? FinishReason,
    int PromptTokens,
    int CompletionTokens,
    string? Refusal = null,
    bool IncludeUsage = true,
    bool OmitFinishReason = false,
    IReadOnlyList<string>? ToolCalls = null) : ScriptedResponse;

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
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly List<RecordedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _completionCounter;
    private int _abortedRequests;

    private FakeOpenAIServer(WebApplication app) => _app = app;

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
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>How many held or delayed requests (<see cref="EnqueueHang"/>, <see cref="DelayedResponse"/>) the client aborted.</summary>
    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    /// <summary>The body of the last response sent.</summary>
    public string? LastResponseBody { get; private set; }

    /// <summary>How many scripted responses have not been used yet.</summary>
    public int PendingResponses => _script.Count;

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = Array.Empty<string>(),
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new FakeOpenAIServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        app.MapPost(GeminiPath + "/chat/completions", server.HandleAsync);
        await app.StartAsync();

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address);
        if (uri.Host != "127.0.0.1")
        {
            throw new InvalidOperationException("The fake server must listen on 127.0.0.1 only, not " + address);
        }

        server.BaseUrl = $"http://127.0.0.1:{uri.Port}/v1";
        return server;
    }

    /// <summary>A normal answer.</summary>
    public void EnqueueCompletion(string? content, string? finishReason = "stop", int promptTokens = 10, int completionTokens = 5) =>
        _script.Enqueue(new CompletionResponse(content, finishReason, promptTokens, completionTokens));

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
        string raw;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            raw = await reader.ReadToEndAsync(context.RequestAborted);
        }

        RecordedRequest request;
        try
        {
            request = new RecordedRequest(context.Request.Path, context.Request.Headers.Authorization.ToString(), raw);
        }
        catch (JsonException e)
        {
            await WriteJsonAsync(context, 400, ErrorJson("fake server: the body is not JSON: " + e.Message, "bad_json"));
            return;
        }

        lock (_requests)
        {
            _requests.Add(request);
        }

        if (request.Path.StartsWith(GeminiPath + "/", StringComparison.Ordinal) && GeminiSchemaCheck.Problems(request.Json) is { Count: > 0 } problems)
        {
            await WriteJsonAsync(context, 400, GeminiSchemaCheck.ErrorBody(problems));
            return;
        }

        ScriptedResponse? response = _script.TryDequeue(out var next) ? next : Fallback?.Invoke(request);
        if (response is DelayedResponse delayed)
        {
            if (!await WaitAsync(context, delayed.Delay))
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
                await WriteAsync(context, rawResponse.Status, rawResponse.ContentType, rawResponse.Body);
                break;
            case HangResponse:
                await WaitAsync(context, Timeout.InfiniteTimeSpan);
                break;
        }
    }

    // Waits, and tells whether the wait ran its course; false when the client went away (or the server stops).
    private async Task<bool> WaitAsync(HttpContext context, TimeSpan delay)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(delay, linked.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref _abortedRequests);
            }

            return false;
        }
    }

    private Task WriteJsonAsync(HttpContext context, int status, string json) => WriteAsync(context, status, "application/json", json);

    private async Task WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        LastResponseBody = body;
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
