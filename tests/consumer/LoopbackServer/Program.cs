// Test-only: answers POST /v1/chat/completions on 127.0.0.1 (a free port) with the contents of the answer files given
// as arguments, one per request in order (the last one repeats), in the OpenAI wire format. It prints
// "LISTENING http://127.0.0.1:PORT/v1" when ready, and one line per request on standard error.
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

string[] answers = args.Select(File.ReadAllText).ToArray();
if (answers.Length == 0)
{
    Console.Error.WriteLine("usage: LoopbackServer ANSWER_FILE...");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
var app = builder.Build();
int served = 0;
app.MapPost("/v1/chat/completions", async (HttpContext context) =>
{
    using var request = await JsonDocument.ParseAsync(context.Request.Body);
    string model = request.RootElement.GetProperty("model").GetString() ?? "unknown";
    string format = request.RootElement.TryGetProperty("response_format", out var rf) && rf.TryGetProperty("type", out var t)
        ? t.GetString() ?? "?"
        : "none";
    int n = Interlocked.Increment(ref served);
    Console.Error.WriteLine($"request {n}: model={model} response_format={format} authorization={context.Request.Headers.Authorization}");
    var body = new JsonObject
    {
        ["id"] = "chatcmpl-loopback" + n,
        ["object"] = "chat.completion",
        ["created"] = 1_764_000_000 + n,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answers[Math.Min(n, answers.Length) - 1] },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 100, ["completion_tokens"] = 50, ["total_tokens"] = 150 },
    };
    context.Response.ContentType = "application/json";
    await context.Response.WriteAsync(body.ToJsonString());
});
await app.StartAsync();
string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
Console.WriteLine($"LISTENING http://127.0.0.1:{new Uri(address).Port}/v1");
await app.WaitForShutdownAsync();
return 0;
