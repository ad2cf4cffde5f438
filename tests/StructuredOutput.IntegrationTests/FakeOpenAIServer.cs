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
/// A streamed answer, served as OpenAI's server-sent events (<c>text/event-stream</c>) to a request with
/// <c>"stream": true</c>: a first chunk with the role, one <c>chat.completion.chunk</c> per piece of
/// <paramref name="Pieces"/> (content pieces, or the argument pieces of one tool call when <see cref="ToolName"/> is set),
/// a chunk with the finish reason, a usage chunk with no choices when the request asks
/// <c>stream_options.include_usage</c>, and <c>data: [DONE]</c>. To a request without <c>"stream": true</c> the same
/// answer is one plain completion of the joined pieces, so one script serves both kinds of request.
/// </summary>
public sealed record StreamedResponse(IReadOnlyList<string> Pieces) : ScriptedResponse
{
    /// <summary>The finish reason of the last choice chunk; null sends <c>null</c>.</summary>
    public string? FinishReason { get; init; } = "stop";

    /// <summary>Input tokens in the usage chunk.</summary>
    public int PromptTokens { get; init; } = 10;

    /// <summary>Output tokens in the usage chunk.</summary>
    public int CompletionTokens { get; init; } = 5;

    /// <summary>Sends no usage chunk even when the request asks for one.</summary>
    public bool OmitUsage { get; init; }

    /// <summary>Refusal pieces (<c>delta.refusal</c>) sent after the content pieces.</summary>
    public IReadOnlyList<string>? RefusalPieces { get; init; }

    /// <summary>When set, the pieces are the arguments of one call of this function (<c>delta.tool_calls[0]</c>).</summary>
    public string? ToolName { get; init; }

    /// <summary>The id of the tool call.</summary>
    public string ToolCallId { get; init; } = "call_0";

    /// <summary>Sends a <c>: keep-alive</c> comment line before every piece (clients must skip them).</summary>
    public bool Comments { get; init; }

    /// <summary>
    /// Aborts the connection after this many pieces were sent and flushed (and <see cref="CutWhen"/> completed): no finish
    /// reason, no <c>[DONE]</c>.
    /// </summary>
    public int? CutAfter { get; init; }

    /// <summary>
    /// What the cut waits for: an abort resets the connection, and a reset can discard what the client has not read yet,
    /// so a test that wants the pieces before the cut delivered completes this once the client has shown them.
    /// </summary>
    public Task? CutWhen { get; init; }

    /// <summary>The wait before each piece after the first; the client going away during it ends the stream.</summary>
    public TimeSpan PieceDelay { get; init; }

    /// <summary>Holds the rest of the stream, after <see cref="HoldAfter"/> pieces, until this task completes.</summary>
    public Task? Hold { get; init; }

    /// <summary>How many pieces are sent before <see cref="Hold"/> is awaited.</summary>
    public int HoldAfter { get; init; }

    /// <summary>The pieces joined: the whole answer text.</summary>
    public string Text => string.Concat(Pieces);

    /// <summary>Splits <paramref name="text"/> into pieces of <paramref name="size"/> characters.</summary>
    public static StreamedResponse Chunked(string text, int size)
    {
        var pieces = new List<string>();
        for (int i = 0; i < text.Length; i += size)
        {
            pieces.Add(text.Substring(i, Math.Min(size, text.Length - i)));
        }

        return new StreamedResponse(pieces);
    }
}

/// <summary>What the server saw while it served one <see cref="StreamedResponse"/>.</summary>
public sealed class StreamLog
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _piecesSent;

    internal StreamLog(StreamedResponse response, RecordedRequest request)
    {
        Response = response;
        Request = request;
    }

    /// <summary>The script it served.</summary>
    public StreamedResponse Response { get; }

    /// <summary>The request it answered.</summary>
    public RecordedRequest Request { get; }

    /// <summary>How many pieces were written and flushed before the stream ended.</summary>
    public int PiecesSent => Volatile.Read(ref _piecesSent);

    /// <summary>Whether the client went away before the stream was written in full.</summary>
    public bool ClientAborted { get; private set; }

    /// <summary>Whether the server cut the connection (<see cref="StreamedResponse.CutAfter"/>).</summary>
    public bool Cut { get; private set; }

    /// <summary>Whether everything up to <c>data: [DONE]</c> was written.</summary>
    public bool Finished { get; private set; }

    /// <summary>Completes when the server is done with the stream, for whatever reason.</summary>
    public Task Ended => _ended.Task;

    internal void PieceSent() => Interlocked.Increment(ref _piecesSent);

    internal void End(bool finished, bool clientAborted, bool cut)
    {
        Finished = finished;
        ClientAborted = clientAborted;
        Cut = cut;
        _ended.TrySetResult();
    }
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) that speaks enough of the OpenAI Chat Completions wire format for
/// the official SDK: <c>POST /v1/chat/completions</c>. It records every request and answers from a queue of scripted
/// responses, or from <see cref="Fallback"/> when the queue is empty.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly List<StreamLog> _streams = new();
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

    /// <summary>A snapshot of every streamed answer served so far, in order, with what the server saw while serving it.</summary>
    public IReadOnlyList<StreamLog> Streams
    {
        get
        {
            lock (_streams)
            {
                return _streams.ToArray();
            }
        }
    }

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

    /// <summary>A streamed answer of <paramref name="text"/> in pieces of <paramref name="size"/> characters.</summary>
    public void EnqueueStream(string text, int size = 8) => _script.Enqueue(StreamedResponse.Chunked(text, size));

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
            case StreamedResponse streamed when !IsStreamRequest(request):
                n = Interlocked.Increment(ref _completionCounter);
                var whole = streamed.ToolName is { } tool
                    ? new CompletionResponse(null, streamed.FinishReason, streamed.PromptTokens, streamed.CompletionTokens, Calls: new[] { new ScriptedToolCall(tool, streamed.Text, streamed.ToolCallId) })
                    : new CompletionResponse(streamed.Text, streamed.FinishReason, streamed.PromptTokens, streamed.CompletionTokens, streamed.RefusalPieces is { } r ? string.Concat(r) : null);
                await WriteJsonAsync(context, 200, CompletionJson(whole, (string?)request.Json["model"] ?? "unknown-model", "chatcmpl-fake" + n, 1_764_000_000 + n));
                break;
            case StreamedResponse streamed:
                await StreamAsync(context, request, streamed);
                break;
        }
    }

    /// <summary>Whether the request asks for a streamed answer (<c>"stream": true</c>).</summary>
    public static bool IsStreamRequest(RecordedRequest request) => request.Json["stream"] is JsonValue v && v.TryGetValue(out bool b) && b;

    /// <summary>Whether the request asks for the usage chunk (<c>stream_options.include_usage</c>).</summary>
    public static bool AsksForUsage(RecordedRequest request) =>
        request.Json["stream_options"]?["include_usage"] is JsonValue v && v.TryGetValue(out bool b) && b;

    private async Task StreamAsync(HttpContext context, RecordedRequest request, StreamedResponse script)
    {
        var log = new StreamLog(script, request);
        lock (_streams)
        {
            _streams.Add(log);
        }

        int n = Interlocked.Increment(ref _completionCounter);
        string id = "chatcmpl-fake" + n;
        long created = 1_764_000_000 + n;
        string model = (string?)request.Json["model"] ?? "unknown-model";
        bool usage = AsksForUsage(request) && !script.OmitUsage;
        var aborted = context.RequestAborted;
        bool finished = false, cut = false;
        try
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.StartAsync(aborted);

            var first = new JsonObject { ["role"] = "assistant" };
            if (script.ToolName is null)
            {
                first["content"] = string.Empty;
                first["refusal"] = null;
            }

            await SendAsync(ChunkJson(id, created, model, first, null, usage));
            for (int i = 0; i < script.Pieces.Count; i++)
            {
                if (i == script.HoldAfter && script.Hold is { } hold)
                {
                    await hold.WaitAsync(aborted);
                }

                if (i > 0 && script.PieceDelay > TimeSpan.Zero && !await _host.WaitAsync(context, script.PieceDelay))
                {
                    return;
                }

                if (script.Comments)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", aborted);
                }

                JsonObject delta = script.ToolName is { } tool
                    ? new JsonObject
                    {
                        ["tool_calls"] = new JsonArray(i == 0
                            ? new JsonObject
                            {
                                ["index"] = 0,
                                ["id"] = script.ToolCallId,
                                ["type"] = "function",
                                ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = script.Pieces[i] },
                            }
                            : new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = script.Pieces[i] } }),
                    }
                    : new JsonObject { ["content"] = script.Pieces[i] };
                await SendAsync(ChunkJson(id, created, model, delta, null, usage));
                log.PieceSent();
                if (script.CutAfter == i + 1)
                {
                    await CutAsync();
                    return;
                }
            }

            if (script.CutAfter == 0)
            {
                await CutAsync();
                return;
            }

            foreach (string refusal in script.RefusalPieces ?? Array.Empty<string>())
            {
                await SendAsync(ChunkJson(id, created, model, new JsonObject { ["refusal"] = refusal }, null, usage));
            }

            await SendAsync(ChunkJson(id, created, model, new JsonObject(), script.FinishReason ?? (object?)null, usage));
            if (usage)
            {
                var last = new JsonObject
                {
                    ["id"] = id,
                    ["object"] = "chat.completion.chunk",
                    ["created"] = created,
                    ["model"] = model,
                    ["system_fingerprint"] = "fp_fake",
                    ["choices"] = new JsonArray(),
                    ["usage"] = new JsonObject
                    {
                        ["prompt_tokens"] = script.PromptTokens,
                        ["completion_tokens"] = script.CompletionTokens,
                        ["total_tokens"] = script.PromptTokens + script.CompletionTokens,
                    },
                };
                await SendAsync(last.ToJsonString());
            }

            await context.Response.WriteAsync("data: [DONE]\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
            finished = true;
        }
        catch (Exception e) when (e is OperationCanceledException or System.IO.IOException)
        {
            // The client went away while the server waited or wrote.
        }
        finally
        {
            log.End(finished, !finished && !cut, cut);
        }

        async Task CutAsync()
        {
            if (script.CutWhen is { } gate)
            {
                await gate.WaitAsync(aborted);
            }

            cut = true;
            context.Abort();
        }

        async Task SendAsync(string json)
        {
            await context.Response.WriteAsync("data: " + json + "\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
        }
    }

    /// <summary>One <c>chat.completion.chunk</c> with one choice.</summary>
    private static string ChunkJson(string id, long created, string model, JsonObject delta, object? finishReason, bool usage)
    {
        var chunk = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = created,
            ["model"] = model,
            ["system_fingerprint"] = "fp_fake",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["delta"] = delta,
                ["logprobs"] = null,
                ["finish_reason"] = finishReason is string reason ? JsonValue.Create(reason) : null,
            }),
        };
        if (usage)
        {
            chunk["usage"] = null;
        }

        return chunk.ToJsonString();
    }

    private Task WriteJsonAsync(HttpContext context, int status, string json) => _host.WriteAsync(context, status, "application/json", json);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
