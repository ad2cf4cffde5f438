using System;
using System.ClientModel;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Azure.AI.OpenAI;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests.Providers;

/// <summary>
/// One scripted answer of the Azure OpenAI server: an OpenAI completion, with the content filter's verdict on the
/// answer (<paramref name="FilteredCategory"/> filtered at <paramref name="Severity"/>, or nothing filtered).
/// </summary>
public sealed record AzureCompletion(CompletionResponse Completion, string? FilteredCategory = null, string Severity = "safe");

/// <summary>
/// A loopback server that speaks Azure OpenAI's chat completions as <c>Azure.AI.OpenAI</c> sends them:
/// <c>POST /openai/deployments/{deployment}/chat/completions?api-version=…</c> with the <c>api-key</c> header, answered
/// in OpenAI's format (<see cref="FakeOpenAIServer.CompletionJson"/>) plus Azure's content-filter annotations:
/// <c>prompt_filter_results</c> beside the choices and <c>content_filter_results</c> in each choice, with a choice
/// stopped by the filter ending in <c>finish_reason: "content_filter"</c>; a prompt the filter blocks is HTTP 400 with
/// code <c>content_filter</c> and Azure's <c>innererror</c>.
/// </summary>
public sealed class AzureOpenAIServer : IAsyncDisposable
{
    /// <summary>The only key the server accepts.</summary>
    public const string ApiKey = "test-azure-key";

    /// <summary>The filter categories Azure reports on every prompt and answer.</summary>
    public static readonly string[] FilterCategories = { "hate", "self_harm", "sexual", "violence" };

    /// <summary>The model behind every deployment, as Azure names it in answers.</summary>
    public const string Model = "gpt-4o-mini-2024-07-18";

    private readonly ConcurrentQueue<object> _script = new();
    private LoopbackServer _host = null!;
    private int _counter;

    private AzureOpenAIServer()
    {
    }

    /// <summary>http://127.0.0.1:PORT/, the resource endpoint.</summary>
    public string Endpoint => _host.Origin + "/";

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _host.Requests;

    public static async Task<AzureOpenAIServer> StartAsync()
    {
        var server = new AzureOpenAIServer();
        server._host = await LoopbackServer.StartAsync(app => app.MapPost("/openai/deployments/{deployment}/chat/completions", server.HandleAsync));
        return server;
    }

    /// <summary>A normal answer, nothing filtered.</summary>
    public void EnqueueCompletion(string? content, string finishReason = "stop", int promptTokens = 10, int completionTokens = 5) =>
        _script.Enqueue(new AzureCompletion(new CompletionResponse(content, finishReason, promptTokens, completionTokens)));

    /// <summary>One call of the tool <paramref name="name"/> with <paramref name="arguments"/> (<c>finish_reason: "tool_calls"</c>), nothing filtered.</summary>
    public void EnqueueToolCall(string name, string arguments, string id = "call_0") =>
        _script.Enqueue(new AzureCompletion(new CompletionResponse(null, "tool_calls", 10, 5, Calls: new[] { new ScriptedToolCall(name, arguments, id) })));

    /// <summary>An answer the content filter stopped: <c>finish_reason: "content_filter"</c>, <paramref name="category"/> filtered.</summary>
    public void EnqueueFiltered(string? content, string category, string severity = "high") =>
        _script.Enqueue(new AzureCompletion(new CompletionResponse(content, "content_filter", 10, 5), category, severity));

    /// <summary>A prompt the content filter blocked: HTTP 400, code <c>content_filter</c>.</summary>
    public void EnqueuePromptFiltered(string category) => _script.Enqueue(category);

    /// <summary>An Azure OpenAI <see cref="IChatClient"/>: <see cref="AzureOpenAIClient"/> pointed at this server, for <paramref name="deployment"/>.</summary>
    public IChatClient CreateChatClient(string deployment = "test-deployment", AzureOpenAIClientOptions? options = null) =>
        new AzureOpenAIClient(new Uri(Endpoint), new ApiKeyCredential(ApiKey), options ?? new AzureOpenAIClientOptions())
            .GetChatClient(deployment)
            .AsIChatClient();

    /// <summary>Azure's verdict per category; <paramref name="filtered"/> is marked filtered at <paramref name="severity"/>.</summary>
    public static JsonObject FilterResults(string? filtered = null, string severity = "safe") =>
        new(FilterCategories.Select(c => new KeyValuePair<string, JsonNode?>(c, new JsonObject
        {
            ["filtered"] = c == filtered,
            ["severity"] = c == filtered ? severity : "safe",
        })));

    /// <summary>The wire JSON of an Azure OpenAI completion: OpenAI's, with the content-filter annotations.</summary>
    public static string CompletionJson(AzureCompletion c, string model, string id, long created)
    {
        var body = JsonNode.Parse(FakeOpenAIServer.CompletionJson(c.Completion, model, id, created))!.AsObject();
        body["prompt_filter_results"] = new JsonArray(new JsonObject { ["prompt_index"] = 0, ["content_filter_results"] = FilterResults() });
        body["choices"]![0]!["content_filter_results"] = FilterResults(c.FilteredCategory, c.Severity);
        return body.ToJsonString();
    }

    /// <summary>Azure's error for a prompt its filter blocked.</summary>
    public static string PromptFilteredJson(string category)
    {
        var filter = FilterResults(category, "high");
        filter["jailbreak"] = new JsonObject { ["filtered"] = false, ["detected"] = false };
        return new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
                ["type"] = null,
                ["param"] = "prompt",
                ["code"] = "content_filter",
                ["status"] = 400,
                ["innererror"] = new JsonObject { ["code"] = "ResponsibleAIPolicyViolation", ["content_filter_result"] = filter },
            },
        }.ToJsonString();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (await _host.RecordAsync(context, message => FakeOpenAIServer.ErrorJson(message, "bad_json")) is not { } request)
        {
            return;
        }

        if (!request.Headers.TryGetValue("api-key", out var key) || key != ApiKey)
        {
            await WriteJsonAsync(context, 401, """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}""");
            return;
        }

        if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            await WriteJsonAsync(context, 404, """{"error":{"code":"404","message":"Resource not found"}}""");
            return;
        }

        int n = Interlocked.Increment(ref _counter);
        context.Response.Headers["apim-request-id"] = Guid.NewGuid().ToString();
        switch (_script.TryDequeue(out var next) ? next : null)
        {
            case AzureCompletion completion:
                await WriteJsonAsync(context, 200, CompletionJson(completion, Model, "chatcmpl-azure" + n, 1_764_000_000 + n));
                break;
            case string category:
                await WriteJsonAsync(context, 400, PromptFilteredJson(category));
                break;
            default:
                await WriteJsonAsync(context, 400, FakeOpenAIServer.ErrorJson("fake server: no scripted response left", "no_script"));
                break;
        }
    }

    private Task WriteJsonAsync(HttpContext context, int status, string json) => _host.WriteAsync(context, status, "application/json", json);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
