using System;
using System.ClientModel;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
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
using OpenAI;

namespace StructuredOutput.IntegrationTests.Batching;

/// <summary>What the fake Batch API does with one request line: answer it, report it in the error file, or not run it.</summary>
public abstract record LineOutcome;

/// <summary>A chat completion in the output file (<see cref="FakeOpenAIServer.CompletionJson"/>).</summary>
public sealed record AnsweredLine(CompletionResponse Completion) : LineOutcome;

/// <summary>A line of the error file with an HTTP status and OpenAI's error body.</summary>
public sealed record FailedLine(int Status, string Message) : LineOutcome;

/// <summary>A line whose response body is not a chat completion the SDK can read.</summary>
public sealed record UnreadableLine(string Body) : LineOutcome;

/// <summary>
/// How one batch ends: its final status, how many of its lines run before it ends (null: all), and the usage it
/// reports: by default, as OpenAI's Batch API does, the sum of its answers' usage (with a quarter of the input tokens
/// as cached); <see cref="Usage"/> replaces it (input, output), and <see cref="ReportUsage"/> false leaves it out.
/// </summary>
public sealed record BatchPlan(string FinalStatus = "completed", int? LinesRun = null, string? ErrorCode = null, (long Input, long Output)? Usage = null, bool ReportUsage = true);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) that speaks enough of OpenAI's Files and Batch APIs for the
/// official SDK: <c>POST /v1/files</c> (multipart upload), <c>GET /v1/files/{id}/content</c>, <c>POST /v1/batches</c>,
/// <c>GET /v1/batches/{id}</c> and <c>POST /v1/batches/{id}/cancel</c>. A batch moves one state per retrieval
/// (validating, in_progress, finalizing, then its plan's final status: completed, failed, expired or cancelled) and
/// writes its output and error files from <see cref="Answer"/> when it ends.
/// </summary>
public sealed class FakeBatchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly ConcurrentDictionary<string, FakeBatch> _batches = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly List<string> _uploads = new();
    private readonly List<string> _events = new();
    private int _counter;
    private int _active;
    private int _maxActive;

    private FakeBatchServer(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:PORT/v1</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The outcome of a request line, from its input text (the delimited input of its user message) and the attempt's number.</summary>
    public Func<string, int, LineOutcome> Answer { get; set; } = DefaultAnswer;

    /// <summary>How the batch of the given number (1, 2…) ends; all complete by default.</summary>
    public Func<int, BatchPlan> Plan { get; set; } = _ => new BatchPlan();

    /// <summary>The content of every uploaded file, in order.</summary>
    public IReadOnlyList<string> Uploads
    {
        get
        {
            lock (_uploads)
            {
                return _uploads.ToArray();
            }
        }
    }

    /// <summary>
    /// What happened, in order: <c>upload file-N</c>, <c>create batch_N</c>, and <c>end batch_N STATUS</c> when a
    /// retrieval first shows a batch in its final state.
    /// </summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    /// <summary>The most batches active (created, not yet ended) at once.</summary>
    public int MaxActive
    {
        get
        {
            lock (_events)
            {
                return _maxActive;
            }
        }
    }

    /// <summary>How many batches were created.</summary>
    public int BatchCount => _batches.Count;

    /// <summary>Called as each request arrives, before it is handled (a test stops its client there).</summary>
    public Action? RequestArrived { get; set; }

    /// <summary>How many times each batch was retrieved.</summary>
    public int Retrievals { get; private set; }

    public static async Task<FakeBatchServer> StartAsync()
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
        var server = new FakeBatchServer(app);
        app.Use((context, next) =>
        {
            server.RequestArrived?.Invoke();
            return next(context);
        });
        app.MapPost("/v1/files", server.UploadAsync);
        app.MapGet("/v1/files/{id}/content", (string id) => server._files.TryGetValue(id, out var bytes)
            ? Results.Bytes(bytes, "application/octet-stream")
            : Results.NotFound());
        app.MapPost("/v1/batches", server.CreateAsync);
        app.MapGet("/v1/batches/{id}", (string id) => server.Retrieve(id));
        app.MapPost("/v1/batches/{id}/cancel", (string id) => server.Cancel(id));
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

    /// <summary>The SDK's client pointed at this server.</summary>
    public OpenAIClient CreateClient() => new(new ApiKeyCredential("test-key"), new OpenAIClientOptions
    {
        Endpoint = new Uri(BaseUrl),
        NetworkTimeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>
    /// The default script, by the input's first word and its number: <c>good N</c> answers x = N; <c>bad N</c> answers
    /// text that is not JSON first, then x = N; <c>refuse N</c> refuses; <c>cut N</c> is cut at the token limit;
    /// <c>error N</c> is in the error file first, then x = N; <c>down N</c> is always in the error file;
    /// <c>garbled N</c> has a body the SDK cannot read first, then x = N.
    /// </summary>
    public static LineOutcome DefaultAnswer(string input, int attempt)
    {
        string[] parts = input.Split(' ');
        string good = "{\"x\":" + parts[1] + ",\"y\":0}";
        return parts[0] switch
        {
            "good" => new AnsweredLine(new CompletionResponse(good, "stop", 20, 5)),
            "bad" => new AnsweredLine(new CompletionResponse(attempt == 1 ? "I could not find a point." : good, "stop", 20, 5)),
            "refuse" => new AnsweredLine(new CompletionResponse(null, "stop", 20, 2, Refusal: "I cannot help with that.")),
            "cut" => new AnsweredLine(new CompletionResponse("{\"x\":" + parts[1] + ",\"y\":", "length", 20, 5)),
            "error" => attempt == 1 ? new FailedLine(500, "The server had an error.") : new AnsweredLine(new CompletionResponse(good, "stop", 20, 5)),
            "down" => new FailedLine(503, "The engine is overloaded."),
            "garbled" => attempt == 1 ? new UnreadableLine("{\"choices\":\"none\"}") : new AnsweredLine(new CompletionResponse(good, "stop", 20, 5)),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input, null),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task UploadAsync(HttpContext context)
    {
        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted);
        IFormFile file = form.Files["file"]!;
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, context.RequestAborted);
        string id = "file-" + Interlocked.Increment(ref _counter);
        _files[id] = buffer.ToArray();
        lock (_uploads)
        {
            _uploads.Add(Encoding.UTF8.GetString(buffer.ToArray()));
        }

        lock (_events)
        {
            _events.Add("upload " + id);
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["id"] = id,
            ["object"] = "file",
            ["bytes"] = buffer.Length,
            ["created_at"] = 1_764_000_000,
            ["filename"] = file.FileName,
            ["purpose"] = (string?)form["purpose"] ?? "batch",
            ["status"] = "processed",
        });
    }

    private async Task CreateAsync(HttpContext context)
    {
        JsonObject request = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        string inputFile = (string)request["input_file_id"]!;
        if (!_files.ContainsKey(inputFile) || (string?)request["endpoint"] != "/v1/chat/completions" || (string?)request["completion_window"] != "24h")
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync(FakeOpenAIServer.ErrorJson("fake server: bad batch request " + request.ToJsonString(), "invalid_request"));
            return;
        }

        int number = _batches.Count + 1;
        var batch = new FakeBatch("batch_" + number, inputFile, Plan(number));
        _batches[batch.Id] = batch;
        lock (_events)
        {
            _events.Add("create " + batch.Id);
            _maxActive = Math.Max(_maxActive, ++_active);
        }

        await context.Response.WriteAsJsonAsync(batch.Json());
    }

    private IResult Retrieve(string id)
    {
        if (!_batches.TryGetValue(id, out FakeBatch? batch))
        {
            return Results.NotFound();
        }

        Retrievals++;
        lock (batch)
        {
            bool ended = IsFinal(batch.Status);
            batch.Status = batch.Status switch
            {
                "validating" => batch.Plan.FinalStatus == "failed" ? "failed" : "in_progress",
                "in_progress" => "finalizing",
                "finalizing" => batch.Plan.FinalStatus,
                "cancelling" => "cancelled",
                _ => batch.Status,
            };
            if (batch.Status is "completed" or "expired" or "cancelled" && batch.OutputFileId is null && batch.ErrorFileId is null)
            {
                Finish(batch);
            }

            if (!ended && IsFinal(batch.Status))
            {
                lock (_events)
                {
                    _events.Add("end " + batch.Id + " " + batch.Status);
                    _active--;
                }
            }

            return Results.Json(batch.Json());
        }
    }

    private static bool IsFinal(string status) => status is "completed" or "failed" or "expired" or "cancelled";

    private IResult Cancel(string id)
    {
        if (!_batches.TryGetValue(id, out FakeBatch? batch))
        {
            return Results.NotFound();
        }

        lock (batch)
        {
            if (batch.Status is "validating" or "in_progress" or "finalizing")
            {
                batch.Status = "cancelling";
            }

            return Results.Json(batch.Json());
        }
    }

    // Runs the batch's lines (all, or as many as its plan allows) into an output file and an error file.
    private void Finish(FakeBatch batch)
    {
        var output = new StringBuilder();
        var errors = new StringBuilder();
        string[] lines = Encoding.UTF8.GetString(_files[batch.InputFileId]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int run = batch.Plan.LinesRun ?? lines.Length;
        foreach (string line in lines.Take(run))
        {
            JsonObject request = JsonNode.Parse(line)!.AsObject();
            string customId = (string)request["custom_id"]!;
            JsonObject body = request["body"]!.AsObject();
            var recorded = new RecordedRequest((string)request["url"]!, body.ToJsonString());
            string input = Wire.DelimitedInput(recorded.Text(1), out _);
            int attempt = _attempts.AddOrUpdate(input, 1, (_, n) => n + 1);
            string requestId = "batch_req_" + Interlocked.Increment(ref _counter);
            switch (Answer(input, attempt))
            {
                case AnsweredLine answered:
                    batch.Completed++;
                    batch.InputTokens += answered.Completion.PromptTokens;
                    batch.OutputTokens += answered.Completion.CompletionTokens;
                    output.Append(Line(requestId, customId, 200, JsonNode.Parse(FakeOpenAIServer.CompletionJson(answered.Completion, (string)body["model"]!, "chatcmpl-" + requestId, 1_764_000_000))!));
                    break;
                case UnreadableLine unreadable:
                    batch.Completed++;
                    output.Append(Line(requestId, customId, 200, JsonNode.Parse(unreadable.Body)!));
                    break;
                case FailedLine failed:
                    batch.Failed++;
                    errors.Append(Line(requestId, customId, failed.Status, JsonNode.Parse(FakeOpenAIServer.ErrorJson(failed.Message, null))!));
                    break;
            }
        }

        batch.Total = lines.Length;
        if (output.Length > 0)
        {
            batch.OutputFileId = "file-" + Interlocked.Increment(ref _counter);
            _files[batch.OutputFileId] = Encoding.UTF8.GetBytes(output.ToString());
        }

        if (errors.Length > 0)
        {
            batch.ErrorFileId = "file-" + Interlocked.Increment(ref _counter);
            _files[batch.ErrorFileId] = Encoding.UTF8.GetBytes(errors.ToString());
        }
    }

    private static string Line(string requestId, string customId, int status, JsonNode body) => new JsonObject
    {
        ["id"] = requestId,
        ["custom_id"] = customId,
        ["response"] = new JsonObject { ["status_code"] = status, ["request_id"] = "req_" + requestId, ["body"] = body },
        ["error"] = null,
    }.ToJsonString() + "\n";

    private sealed class FakeBatch
    {
        public FakeBatch(string id, string inputFileId, BatchPlan plan)
        {
            Id = id;
            InputFileId = inputFileId;
            Plan = plan;
        }

        public string Id { get; }

        public string InputFileId { get; }

        public BatchPlan Plan { get; }

        public string Status { get; set; } = "validating";

        public string? OutputFileId { get; set; }

        public string? ErrorFileId { get; set; }

        public int Total { get; set; }

        public int Completed { get; set; }

        public int Failed { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public JsonObject Json() => new()
        {
            ["usage"] = UsageJson(),
            ["id"] = Id,
            ["object"] = "batch",
            ["endpoint"] = "/v1/chat/completions",
            ["errors"] = Status == "failed"
                ? new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = new JsonArray(new JsonObject { ["code"] = Plan.ErrorCode ?? "failed", ["message"] = "Enqueued token limit reached for the model.", ["param"] = null, ["line"] = null }),
                }
                : null,
            ["input_file_id"] = InputFileId,
            ["completion_window"] = "24h",
            ["status"] = Status,
            ["output_file_id"] = OutputFileId,
            ["error_file_id"] = ErrorFileId,
            ["created_at"] = 1_764_000_000,
            ["expires_at"] = 1_764_086_400,
            ["request_counts"] = new JsonObject { ["total"] = Total, ["completed"] = Completed, ["failed"] = Failed },
            ["metadata"] = null,
        };

        // The Batch object's usage, in the Responses API's names, once the batch has ended.
        private JsonObject? UsageJson()
        {
            if (!Plan.ReportUsage || Status is not ("completed" or "expired" or "cancelled" or "failed"))
            {
                return null;
            }

            (long input, long output) = Plan.Usage ?? (InputTokens, OutputTokens);
            return new JsonObject
            {
                ["input_tokens"] = input,
                ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = input / 4 },
                ["output_tokens"] = output,
                ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                ["total_tokens"] = input + output,
            };
        }
    }
}
