using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// A Kestrel server on 127.0.0.1 (random port) that answers every <c>POST /v1/chat/completions</c> at once with the
/// same chat completion, in the OpenAI wire format: the loopback end of the local batch benchmark over HTTP.
/// </summary>
public sealed class LoopbackChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackChatServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>http://127.0.0.1:PORT/v1</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts a server that answers with <paramref name="content"/> as the assistant's message.</summary>
    public static async Task<LoopbackChatServer> StartAsync(string content)
    {
        byte[] completion = Completion(content);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = Array.Empty<string>(),
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        app.MapPost("/v1/chat/completions", async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = completion.Length;
            await context.Response.Body.WriteAsync(completion, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);

        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        if (address.Host != "127.0.0.1")
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException("The loopback server must listen on 127.0.0.1 only, not " + address);
        }

        return new LoopbackChatServer(app, new Uri($"http://127.0.0.1:{address.Port}/v1"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static byte[] Completion(string content)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", "chatcmpl-loopback");
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", 1_764_000_000);
            w.WriteString("model", "gpt-4o-mini-2024-07-18");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", content);
            w.WriteNull("refusal");
            w.WriteStartArray("annotations");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", "stop");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", 412);
            w.WriteNumber("completion_tokens", 236);
            w.WriteNumber("total_tokens", 648);
            w.WriteEndObject();
            w.WriteString("system_fingerprint", "fp_loopback");
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
