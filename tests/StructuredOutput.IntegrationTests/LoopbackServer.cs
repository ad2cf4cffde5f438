using System;
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
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StructuredOutput.IntegrationTests;

/// <summary>A request body a fake server received, raw and parsed, with the request line's path and query and its headers.</summary>
public sealed class RecordedRequest
{
    public RecordedRequest(string path, string query, IReadOnlyDictionary<string, string> headers, string raw)
    {
        Path = path;
        Query = query;
        Headers = headers;
        Authorization = headers.TryGetValue("Authorization", out var authorization) ? authorization : null;
        Raw = raw;
        Json = JsonNode.Parse(raw)!.AsObject();
    }

    /// <summary>A request body seen elsewhere than on the wire (a Batch API input line), with no query or headers.</summary>
    public RecordedRequest(string path, string raw)
        : this(path, string.Empty, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), raw)
    {
    }

    /// <summary>The request path, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>The query string with its <c>?</c>, or empty.</summary>
    public string Query { get; }

    /// <summary>Every request header, each one's values joined with commas; names compare case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

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
    /// The text of message <paramref name="index"/>: <c>content</c> is either a string or an array of parts, of which
    /// the <c>text</c> of each is joined into one string (OpenAI's <c>{"type":"text","text":...}</c> parts and
    /// Anthropic's text blocks alike).
    /// </summary>
    public string Text(int index) => ContentText(Messages[index]!["content"]);

    /// <summary>
    /// The content parts of message <paramref name="index"/> as sent (<c>text</c>, <c>image_url</c>, <c>file</c>,
    /// <c>input_audio</c>…); content sent as a string is one <c>text</c> part.
    /// </summary>
    public IReadOnlyList<JsonObject> Parts(int index) => Messages[index]!["content"] switch
    {
        JsonArray parts => parts.Select(p => p!.AsObject()).ToList(),
        JsonValue v => new[] { new JsonObject { ["type"] = "text", ["text"] = (string)v! } },
        var other => throw new InvalidOperationException("Unexpected content shape: " + other?.ToJsonString()),
    };

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

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port), the host of each fake provider: it records every request and
/// writes the provider's answers. The provider's server maps its own routes and wire format onto it.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<RecordedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _abortedRequests;

    private LoopbackServer(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:PORT, without a trailing slash.</summary>
    public string Origin { get; private set; } = string.Empty;

    /// <summary>A snapshot of every request recorded so far, in arrival order.</summary>
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

    /// <summary>How many held or delayed requests (<see cref="WaitAsync"/>) the client aborted.</summary>
    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    /// <summary>The body of the last response written.</summary>
    public string? LastResponseBody { get; private set; }

    /// <summary>Starts a server whose routes <paramref name="mapRoutes"/> maps; it listens on 127.0.0.1 only.</summary>
    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> mapRoutes)
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
        var server = new LoopbackServer(app);
        mapRoutes(app);
        await app.StartAsync();

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address);
        if (uri.Host != "127.0.0.1")
        {
            await server.DisposeAsync();
            throw new InvalidOperationException("The fake server must listen on 127.0.0.1 only, not " + address);
        }

        server.Origin = $"http://127.0.0.1:{uri.Port}";
        return server;
    }

    /// <summary>
    /// Reads the request body and records the request. A body that is not JSON is answered with HTTP 400 and
    /// <paramref name="errorBody"/> of the message, and null is returned.
    /// </summary>
    public async Task<RecordedRequest?> RecordAsync(HttpContext context, Func<string, string> errorBody)
    {
        string raw;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            raw = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        RecordedRequest request;
        try
        {
            request = new RecordedRequest(context.Request.Path, context.Request.QueryString.ToString(), headers, raw);
        }
        catch (JsonException e)
        {
            await WriteAsync(context, 400, "application/json", errorBody("fake server: the body is not JSON: " + e.Message));
            return null;
        }

        lock (_requests)
        {
            _requests.Add(request);
        }

        return request;
    }

    /// <summary>Waits, and tells whether the wait ran its course; false when the client went away (or the server stops).</summary>
    public async Task<bool> WaitAsync(HttpContext context, TimeSpan delay)
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

    /// <summary>Writes a whole response body.</summary>
    public async Task WriteAsync(HttpContext context, int status, string contentType, string body)
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
