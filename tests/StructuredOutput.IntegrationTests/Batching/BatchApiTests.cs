using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests.Batching;

/// <summary>A point in a text.</summary>
/// <param name="X">The x coordinate.</param>
/// <param name="Y">The y coordinate.</param>
[LlmExtract(Instructions = "Extract the point.")]
public partial record BatchPoint(int X, int Y);

/// <summary>
/// The Batch API engine against a loopback server that speaks OpenAI's Files and Batch APIs, driven by the official SDK:
/// request lines, re-asks in follow-up batches, the error file, failed and expired batches, and resuming from the journal.
/// </summary>
public sealed class BatchApiTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("so-batch-").FullName;
    private readonly List<TimeSpan> _delays = new();
    private FakeBatchServer _server = null!;

    private string JournalPath => Path.Combine(_folder, "batch.journal");

    public async Task InitializeAsync() => _server = await FakeBatchServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Each_item_is_asked_as_ExtractAsync_asks_and_its_answer_judged_with_re_asks_in_a_follow_up_batch()
    {
        string[] inputs = { "good 0", "bad 1", "refuse 2", "cut 3", "error 4", "garbled 5", "good 6" };
        var progress = new Progress();
        var extractor = Extractor(o => o.Progress = progress);

        var results = await Collect(extractor.ExtractAsync(Items(inputs)));

        Assert.Equal(Ids(7), results.Select(r => r.Id).Order());
        var byId = results.ToDictionary(r => r.Id, r => r.Result);
        Assert.Equal(new BatchPoint(0, 0), byId["id-0"].Value);
        Assert.Equal(new BatchPoint(1, 0), byId["id-1"].Value);
        Assert.Equal(ExtractionFailureKind.InvalidAnswer, byId["id-1"].Attempts[0].FailureKind);
        Assert.Equal("I could not find a point.", byId["id-1"].Attempts[0].RawResponse);
        Assert.Equal(ExtractionFailureKind.Refusal, byId["id-2"].FailureKind);
        Assert.Equal("I cannot help with that.", byId["id-2"].Attempts[0].Refusal);
        Assert.Equal(ExtractionFailureKind.Truncated, byId["id-3"].FailureKind);
        Assert.Equal("{\"x\":3,\"y\":", byId["id-3"].Attempts[0].RawResponse);
        Assert.Equal(new BatchPoint(4, 0), byId["id-4"].Value); // the error file's request was sent again
        Assert.Single(byId["id-4"].Attempts);
        Assert.Equal(new BatchPoint(5, 0), byId["id-5"].Value); // so was the one whose body the SDK could not read
        Assert.Equal(40, byId["id-1"].Usage!.InputTokenCount);

        // The first file holds every item; then the requests sent again (still first requests) and the re-ask of
        // "bad 1" (a second attempt), each round in its own file.
        Assert.Equal(3, _server.Uploads.Count);
        JsonObject[] first = Lines(_server.Uploads[0]);
        Assert.Equal(Ids(7), first.Select(l => (string)l["custom_id"]!).Order());
        Assert.All(first, l =>
        {
            Assert.Equal("POST", (string)l["method"]!);
            Assert.Equal("/v1/chat/completions", (string)l["url"]!);
            Assert.Equal("batch-model", (string)l["body"]!["model"]!);
            Assert.Equal("json_object", (string)l["body"]!["response_format"]!["type"]!);
            var request = new RecordedRequest("/v1/chat/completions", l["body"]!.ToJsonString());
            Assert.Equal("system", request.Role(0));
            Assert.Equal(LlmContract<BatchPoint>.Prompt + "\n\n" + Wire.InputRule, request.Text(0));
            Assert.Equal(inputs[int.Parse(((string)l["custom_id"]!).Substring(3))], Wire.DelimitedInput(request.Text(1), out _));
        });
        Assert.Equal(new[] { "id-4", "id-5" }, Lines(_server.Uploads[1]).Select(l => (string)l["custom_id"]!).Order());
        JsonObject second = Assert.Single(Lines(_server.Uploads[2]));
        Assert.Equal("id-1", (string)second["custom_id"]!);
        var reask = new RecordedRequest("/v1/chat/completions", second["body"]!.ToJsonString());
        Assert.Equal(new[] { "system", "user", "assistant", "user" }, reask.Conversation.Select(m => m.Role));
        Assert.Equal("I could not find a point.", reask.Text(2));
        Assert.StartsWith("Your answer could not be used:\n- $: ", reask.Text(3), StringComparison.Ordinal);

        BatchSummary summary = extractor.Summary;
        Assert.Equal(7, summary.Items);
        Assert.Equal(5, summary.Succeeded);
        Assert.Equal(1, summary.Count(ExtractionFailureKind.Refusal));
        Assert.Equal(1, summary.Count(ExtractionFailureKind.Truncated));
        BatchProgress last = progress.Last!;
        Assert.Equal(7, last.Submitted);
        Assert.Equal(1, last.Retried); // the re-ask; requests sent again are neither submitted nor retried
        Assert.Equal(0, last.InFlight);
        Assert.Equal(7, last.Done);
        Assert.Equal(summary.Usage.InputTokenCount, last.InputTokens);

        // Polled with back-off: each wait twice the last, up to the maximum, from the first interval again once a batch is read.
        Assert.Equal(TimeSpan.FromSeconds(30), _delays[0]);
        Assert.Contains(TimeSpan.FromSeconds(60), _delays);
        Assert.All(_delays.Zip(_delays.Skip(1)), p => Assert.True(
            p.Second == p.First * 2 || p.Second == TimeSpan.FromMinutes(10) || p.Second == TimeSpan.FromSeconds(30),
            $"{p.First} then {p.Second}"));
    }

    [Fact]
    public async Task Requests_are_split_into_files_by_count_and_by_size()
    {
        var byCount = await Collect(Extractor(o => o.MaxRequestsPerFile = 3).ExtractAsync(Items(Enumerable.Range(0, 7).Select(i => "good " + i))));

        Assert.Equal(7, byCount.Count);
        Assert.Equal(new[] { 3, 3, 1 }, _server.Uploads.Select(u => Lines(u).Length));

        int lineBytes = System.Text.Encoding.UTF8.GetByteCount(_server.Uploads[0].Split('\n')[0]) + 1;
        var bySize = await Collect(Extractor(o => o.MaxBytesPerFile = (lineBytes * 2) + 10).ExtractAsync(Items(Enumerable.Range(10, 5).Select(i => "good " + i))));

        Assert.Equal(5, bySize.Count);
        Assert.Equal(new[] { 2, 2, 1 }, _server.Uploads.Skip(3).Select(u => Lines(u).Length));
    }

    [Fact]
    public async Task A_failed_batch_ends_the_run_naming_its_errors_and_the_rerun_submits_it_again()
    {
        _server.Plan = n => n == 1 ? new BatchPlan("failed", ErrorCode: "token_limit_exceeded") : new BatchPlan();
        string[] inputs = { "good 0", "good 1", "good 2" };

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Collect(Extractor().ExtractAsync(Items(inputs))));
        Assert.Contains("token_limit_exceeded", e.Message, StringComparison.Ordinal);

        var results = await Collect(Extractor().ExtractAsync(Items(inputs)));
        Assert.Equal(Ids(3), results.Select(r => r.Id).Order());
        Assert.All(results, r => Assert.True(r.Result.IsSuccess));
        Assert.Equal(2, _server.BatchCount);
    }

    [Fact]
    public async Task A_batch_that_expires_half_done_has_only_its_missing_requests_sent_again()
    {
        _server.Plan = n => n == 1 ? new BatchPlan("expired", LinesRun: 3) : new BatchPlan();
        string[] inputs = Enumerable.Range(0, 6).Select(i => "good " + i).ToArray();

        var results = await Collect(Extractor().ExtractAsync(Items(inputs)));

        Assert.Equal(Ids(6), results.Select(r => r.Id).Order());
        Assert.All(results, r => Assert.Equal(int.Parse(r.Id.Substring(3)), r.Result.Value!.X));
        Assert.Equal(2, _server.Uploads.Count);
        string[] resent = Lines(_server.Uploads[1]).Select(l => (string)l["custom_id"]!).ToArray();
        string[] firstThree = Lines(_server.Uploads[0]).Take(3).Select(l => (string)l["custom_id"]!).ToArray();
        Assert.Equal(3, resent.Length);
        Assert.Empty(resent.Intersect(firstThree));
    }

    [Fact]
    public async Task A_cancelled_batch_has_its_requests_sent_again()
    {
        _server.Plan = n => n == 1 ? new BatchPlan("cancelled", LinesRun: 0) : new BatchPlan();

        var results = await Collect(Extractor().ExtractAsync(Items(new[] { "good 0", "good 1" })));

        Assert.Equal(2, results.Count(r => r.Result.IsSuccess));
        Assert.Equal(2, _server.BatchCount);
    }

    [Fact]
    public async Task Requests_in_the_error_file_beyond_the_resubmissions_end_typed_with_the_error()
    {
        var results = await Collect(Extractor(o => o.MaxResubmissions = 1).ExtractAsync(Items(new[] { "down 0", "good 1" })));

        ExtractionResult<BatchPoint> down = results.Single(r => r.Id == "id-0").Result;
        Assert.Equal(ExtractionFailureKind.UnreadableResponse, down.FailureKind);
        Assert.Contains("HTTP 503", down.Attempts[0].FailureMessage, StringComparison.Ordinal);
        Assert.Contains("The engine is overloaded.", down.Attempts[0].ResponseBody, StringComparison.Ordinal);
        Assert.True(results.Single(r => r.Id == "id-1").Result.IsSuccess);
        Assert.Equal(2, _server.BatchCount);
    }

    [Fact]
    public async Task A_run_stopped_while_polling_resumes_by_polling_its_batch_not_submitting_it_again()
    {
        string[] inputs = { "good 0", "bad 1", "refuse 2", "good 3" };
        using var stop = new CancellationTokenSource();
        var killed = Extractor(o => o.Delay = (t, token) =>
        {
            stop.Cancel(); // the process dies while waiting for its first batch
            return Task.FromCanceled(stop.Token);
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Collect(killed.ExtractAsync(Items(inputs), stop.Token)));
        Assert.Single(_server.Uploads);

        var results = await Collect(Extractor().ExtractAsync(Items(inputs)));

        Assert.Equal(Ids(4), results.Select(r => r.Id).Order());
        Assert.Equal(new BatchPoint(1, 0), results.Single(r => r.Id == "id-1").Result.Value);
        Assert.Equal(2, _server.Uploads.Count); // the first batch polled again; only the re-ask is new
        Assert.Equal(new[] { "id-1" }, Lines(_server.Uploads[1]).Select(l => (string)l["custom_id"]!));
    }

    [Fact]
    public async Task A_run_killed_at_any_request_resumes_with_every_item_once_and_the_values_of_an_unbroken_run()
    {
        string[] inputs = { "good 0", "bad 1", "refuse 2", "cut 3", "error 4", "good 5", "bad 6" };
        void Configure(OpenAIBatchOptions o)
        {
            o.MaxRequestsPerFile = 2;
            o.MaxBatchesInFlight = 2;
            o.Delay = (_, token) => token.IsCancellationRequested ? Task.FromCanceled(token) : Task.CompletedTask;
        }

        int requests = 0;
        _server.RequestArrived = () => Interlocked.Increment(ref requests);
        var unbroken = (await Collect(Extractor(Configure).ExtractAsync(Items(inputs)))).ToDictionary(r => r.Id, r => r.Result);
        int total = requests;
        Assert.True(total > 10, $"only {total} requests");

        int killedWithResults = 0;
        for (int kill = 1; kill <= total; kill++)
        {
            // A provider of its own for each kill: the fake answers by how often it has seen an input.
            await _server.DisposeAsync();
            _server = await FakeBatchServer.StartAsync();
            File.Delete(JournalPath);
            using var stop = new CancellationTokenSource();
            int seen = 0;
            _server.RequestArrived = () =>
            {
                if (Interlocked.Increment(ref seen) == kill)
                {
                    stop.Cancel(); // the process dies while this request is on its way
                }
            };

            var before = new List<BatchItemResult<BatchPoint>>();
            try
            {
                await foreach (var r in Extractor(Configure).ExtractAsync(Items(inputs), stop.Token))
                {
                    before.Add(r);
                }
            }
            catch (OperationCanceledException)
            {
            }

            _server.RequestArrived = null;
            var after = await Collect(Extractor(Configure).ExtractAsync(Items(inputs)));

            // Every item once, with the value or failure of the unbroken run; none returned afresh twice. (A request the
            // killed run had sent, in a batch it had not journaled yet, is sent again: the provider may answer it anew.)
            Assert.Equal(Ids(inputs.Length), after.Select(r => r.Id).Order());
            foreach (var r in after)
            {
                ExtractionResult<BatchPoint> expected = unbroken[r.Id];
                Assert.True((expected.IsSuccess, expected.Value, expected.FailureKind) == (r.Result.IsSuccess, r.Result.Value, r.Result.FailureKind), $"{r.Id} after a kill at request {kill}");
                Assert.NotEmpty(r.Result.Attempts);
            }

            Assert.All(before, b => Assert.True(after.Single(a => a.Id == b.Id).Resumed, $"{b.Id} returned again afresh after a kill at request {kill}"));
            killedWithResults += before.Count > 0 && before.Count < inputs.Length ? 1 : 0;
        }

        Assert.True(killedWithResults > 0, "no kill fell between two results");
    }

    [Fact]
    public async Task A_journal_cut_mid_line_loses_nothing_and_sends_nothing_again()
    {
        string[] inputs = Enumerable.Range(0, 5).Select(i => "good " + i).ToArray();
        var original = await Collect(Extractor().ExtractAsync(Items(inputs)));
        byte[] whole = File.ReadAllBytes(JournalPath);
        string text = System.Text.Encoding.UTF8.GetString(whole);
        int lastResult = text.LastIndexOf("{\"record\":\"result\"", StringComparison.Ordinal);
        File.WriteAllBytes(JournalPath, whole.AsSpan(0, lastResult + 20).ToArray());

        var results = await Collect(Extractor().ExtractAsync(Items(inputs)));

        Assert.Equal(Ids(5), results.Select(r => r.Id).Order());
        Assert.Equal(4, results.Count(r => r.Resumed));
        Assert.Single(_server.Uploads); // the cut item's answer was read again from its batch's output file
        Assert.All(results, r => Assert.Equal(original.Single(o => o.Id == r.Id).Result.Value, r.Result.Value));

        var again = await Collect(Extractor().ExtractAsync(Items(inputs)));
        Assert.Equal(5, again.Count(r => r.Resumed));
    }

    [Fact]
    public async Task The_summary_has_the_batches_own_usage_and_its_cost_at_the_callers_prices_and_a_resumed_run_the_same()
    {
        // The first batch reports a usage of its own (not its answers' sum); the second none, so its answers' counts.
        _server.Plan = n => n switch
        {
            1 => new BatchPlan(Usage: (1_000, 200)),
            2 => new BatchPlan(ReportUsage: false),
            _ => new BatchPlan(),
        };
        string[] inputs = { "good 0", "bad 1", "good 2" };
        var pricing = new BatchPricing(1.25m, 5m) { CachedInputPerMillionTokens = 0.625m };
        var progress = new Progress();
        var extractor = Extractor(o =>
        {
            o.Pricing = pricing;
            o.Progress = progress;
        });

        await Collect(extractor.ExtractAsync(Items(inputs)));

        BatchSummary summary = extractor.Summary;
        Assert.Equal(2, _server.BatchCount);
        Assert.Equal(1_000 + 20, summary.Usage.InputTokenCount); // the re-ask of "bad 1" answered with 20 in, 5 out
        Assert.Equal(200 + 5, summary.Usage.OutputTokenCount);
        Assert.Equal(1_200 + 25, summary.Usage.TotalTokenCount);
        Assert.Equal(250, summary.Usage.CachedInputTokenCount); // the first batch's input_tokens_details
        Assert.Equal((((1_020 - 250) * 1.25m) + (250 * 0.625m) + (205 * 5m)) / 1_000_000m, summary.Cost);
        Assert.Equal(pricing.CostOf(summary.Usage), summary.Cost);
        Assert.Equal(4 * 20, progress.Last!.InputTokens); // the progress counts the answers as they are read

        var resumed = Extractor(o => o.Pricing = pricing);
        var again = await Collect(resumed.ExtractAsync(Items(inputs)));
        Assert.All(again, r => Assert.True(r.Resumed));
        Assert.Equal(summary.Usage.InputTokenCount, resumed.Summary.Usage.InputTokenCount);
        Assert.Equal(summary.Usage.OutputTokenCount, resumed.Summary.Usage.OutputTokenCount);
        Assert.Equal(summary.Cost, resumed.Summary.Cost);
        Assert.Equal(2, _server.BatchCount);
    }

    [Fact]
    public async Task Resubmissions_are_journaled_so_a_resumed_run_counts_on_from_them_and_keeps_the_limit()
    {
        string[] inputs = { "down 0", "good 1" };
        using var stop = new CancellationTokenSource();
        var progress = new Progress();
        var killed = Extractor(o =>
        {
            o.MaxResubmissions = 1;
            o.Progress = progress;
            o.Delay = (t, token) =>
            {
                if (_server.BatchCount == 2)
                {
                    stop.Cancel(); // the process dies while waiting for the batch that sends "down 0" again
                }

                return stop.IsCancellationRequested ? Task.FromCanceled(stop.Token) : Task.CompletedTask;
            };
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Collect(killed.ExtractAsync(Items(inputs), stop.Token)));
        Assert.Equal(1, progress.Last!.Resubmitted);
        Assert.Equal(2, _server.BatchCount);

        var resumedProgress = new Progress();
        var resumed = Extractor(o =>
        {
            o.MaxResubmissions = 1;
            o.Progress = resumedProgress;
        });
        var results = await Collect(resumed.ExtractAsync(Items(inputs)));

        // The journal says "down 0" was sent again once already: its second error ends it, with no third batch.
        ExtractionResult<BatchPoint> down = results.Single(r => r.Id == "id-0").Result;
        Assert.Equal(ExtractionFailureKind.UnreadableResponse, down.FailureKind);
        Assert.Equal(2, _server.BatchCount);
        Assert.Equal(1, resumed.Summary.Resubmitted);
        Assert.Equal(1, resumedProgress.Last!.Resubmitted);
    }

    [Fact]
    public async Task A_repeated_id_at_the_end_of_the_input_is_caught_before_anything_is_uploaded()
    {
        string[] inputs = { "good 0", "good 1", "good 2", "good 3" };
        async IAsyncEnumerable<BatchItem> WithRepeat()
        {
            await foreach (BatchItem item in Items(inputs))
            {
                yield return item;
            }

            yield return new BatchItem("id-0", "good 9"); // in the third window of two
        }

        var seen = new List<BatchItemResult<BatchPoint>>();
        var e = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var r in Extractor(o => o.MaxRequestsPerFile = 2).ExtractAsync(WithRepeat()))
            {
                seen.Add(r);
            }
        });
        Assert.Contains("'id-0' is repeated", e.Message, StringComparison.Ordinal);
        Assert.Empty(seen);
        Assert.Empty(_server.Uploads);
        Assert.Equal(0, _server.BatchCount);

        var fixedRun = await Collect(Extractor(o => o.MaxRequestsPerFile = 2).ExtractAsync(Items(inputs.Append("good 4"))));
        Assert.Equal(Ids(5), fixedRun.Select(r => r.Id).Order());
        Assert.All(fixedRun, r => Assert.False(r.Resumed));
        Assert.All(fixedRun, r => Assert.Equal(int.Parse(r.Id.Substring(3)), r.Result.Value!.X));
        Assert.Equal(new[] { 2, 2, 1 }, _server.Uploads.Select(u => Lines(u).Length));
    }

    [Fact]
    public async Task A_run_is_one_span_with_its_batches_as_events_and_its_counts_and_usage_as_tags()
    {
        const string model = "batch-span-model";
        var spans = new List<Activity>();
        using ActivityListener listener = ListenToRuns(model, spans);
        string[] inputs = { "good 0", "bad 1", "error 2", "refuse 3" };
        var extractor = new OpenAIBatchExtractor<BatchPoint>(_server.CreateClient(), model, new OpenAIBatchOptions
        {
            JournalPath = JournalPath,
            Delay = (_, _) => Task.CompletedTask,
            Pricing = new BatchPricing(1m, 2m),
        });

        await Collect(extractor.ExtractAsync(Items(inputs)));

        Activity span = Assert.Single(spans);
        Assert.Equal("batch_extract " + model, span.DisplayName);
        Assert.Equal("batch_extract", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(model, span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("openai", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(typeof(BatchPoint).FullName, span.GetTagItem("structured_output.contract.type"));
        Assert.Equal("success", span.GetTagItem("structured_output.outcome"));
        Assert.Equal(4L, span.GetTagItem("structured_output.batch.items"));
        Assert.Equal(3, span.GetTagItem("structured_output.batch.batches")); // all, "error 2" again, the re-ask of "bad 1"
        Assert.Equal(1L, span.GetTagItem("structured_output.batch.resubmitted"));
        Assert.Equal(1L, span.GetTagItem("structured_output.batch.retried"));
        Assert.Equal(3L, span.GetTagItem("structured_output.batch.outcome.success"));
        Assert.Equal(1L, span.GetTagItem("structured_output.batch.outcome.refusal"));
        Assert.Equal(extractor.Summary.Usage.InputTokenCount, span.GetTagItem("structured_output.usage.input_tokens"));
        Assert.Equal(extractor.Summary.Usage.OutputTokenCount, span.GetTagItem("structured_output.usage.output_tokens"));
        Assert.Equal((double)extractor.Summary.Cost!.Value, span.GetTagItem("structured_output.batch.cost"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        ActivityEvent[] submitted = span.Events.Where(e => e.Name == "structured_output.batch.submitted").ToArray();
        Assert.Equal(new[] { 4, 1, 1 }, submitted.Select(e => (int)e.Tags.Single(t => t.Key == "structured_output.batch.requests").Value!).OrderDescending());
        Assert.Equal(3, span.Events.Count(e => e.Name == "structured_output.batch.read"));
        ActivityEvent[] polls = span.Events.Where(e => e.Name == "structured_output.batch.polled").ToArray();
        Assert.True(polls.Length >= 9, $"{polls.Length} polls"); // validating, in_progress, finalizing, completed per batch
        Assert.Contains(polls, e => (string?)e.Tags.Single(t => t.Key == "structured_output.batch.status").Value == "completed");
    }

    [Fact]
    public async Task A_run_the_caller_stops_reading_ends_its_span_as_cancelled_with_what_it_had()
    {
        const string model = "batch-stopped-model";
        var spans = new List<Activity>();
        using ActivityListener listener = ListenToRuns(model, spans);
        var extractor = new OpenAIBatchExtractor<BatchPoint>(_server.CreateClient(), model, new OpenAIBatchOptions { Delay = (_, _) => Task.CompletedTask });

        await foreach (var first in extractor.ExtractAsync(Items(new[] { "good 0", "good 1", "good 2" })))
        {
            break;
        }

        Activity span = Assert.Single(spans);
        Assert.Equal("cancelled", span.GetTagItem("structured_output.outcome"));
        Assert.Equal(3L, span.GetTagItem("structured_output.batch.items")); // the batch was read whole: three results, one returned
        Assert.Equal(1, span.GetTagItem("structured_output.batch.batches"));
        Assert.Null(span.GetTagItem("error.type"));
    }

    [Fact]
    public async Task A_run_that_fails_ends_its_span_with_the_error()
    {
        const string model = "batch-failing-model";
        var spans = new List<Activity>();
        using ActivityListener listener = ListenToRuns(model, spans);
        _server.Plan = _ => new BatchPlan("failed", ErrorCode: "token_limit_exceeded");
        var extractor = new OpenAIBatchExtractor<BatchPoint>(_server.CreateClient(), model, new OpenAIBatchOptions { Delay = (_, _) => Task.CompletedTask });

        await Assert.ThrowsAsync<InvalidOperationException>(() => Collect(extractor.ExtractAsync(Items(new[] { "good 0" }))));

        Activity span = Assert.Single(spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("exception", span.GetTagItem("structured_output.outcome"));
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Several_batches_are_active_at_once_up_to_MaxBatchesInFlight_and_every_item_comes_back_once()
    {
        string[] inputs = Enumerable.Range(0, 7).Select(i => "good " + i).ToArray();
        var progress = new Progress();

        var results = await Collect(Extractor(o =>
        {
            o.MaxRequestsPerFile = 2;
            o.MaxBatchesInFlight = 3;
            o.Progress = progress;
        }).ExtractAsync(Items(inputs)));

        Assert.Equal(Ids(7), results.Select(r => r.Id).Order());
        Assert.All(results, r => Assert.Equal(new BatchPoint(int.Parse(r.Id.Substring(3)), 0), r.Result.Value));
        Assert.Equal(new[] { 2, 2, 2, 1 }, _server.Uploads.Select(u => Lines(u).Length));
        Assert.Equal(4, _server.BatchCount);
        Assert.Equal(3, _server.MaxActive);

        // The first three batches were created before any ended; the fourth only after one had.
        string[] events = _server.Events.ToArray();
        int firstEnd = Array.FindIndex(events, e => e.StartsWith("end ", StringComparison.Ordinal));
        Assert.Equal(3, events.Take(firstEnd).Count(e => e.StartsWith("create ", StringComparison.Ordinal)));
        Assert.True(Array.IndexOf(events, "create batch_4") > firstEnd);
        Assert.Equal(7, progress.Last!.Submitted);
        Assert.Equal(0, progress.Last.InFlight);
        Assert.Equal(7, progress.Last.Done);
    }

    [Fact]
    public async Task MaxEnqueuedTokens_for_one_file_keeps_one_batch_active_at_a_time()
    {
        // The estimate of a file of two requests, from a first run (every line of these inputs has the same length).
        await Collect(Extractor(o => o.MaxRequestsPerFile = 2).ExtractAsync(Items(new[] { "good 0", "good 1" })));
        long fileTokens = _server.Uploads[0].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Sum(l => (System.Text.Encoding.UTF8.GetByteCount(l) + 3L) / 4);

        var results = await Collect(Extractor(o =>
        {
            o.MaxRequestsPerFile = 2;
            o.MaxEnqueuedTokens = fileTokens;
        }).ExtractAsync(Items(Enumerable.Range(2, 5).Select(i => "good " + i))));

        Assert.Equal(5, results.Count(r => r.Result.IsSuccess));
        Assert.Equal(new[] { 2, 2, 2, 1 }, _server.Uploads.Select(u => Lines(u).Length));
        Assert.Equal(1, _server.MaxActive);

        // A request larger than the whole limit still goes, alone.
        var alone = await Collect(Extractor(o => o.MaxEnqueuedTokens = 1).ExtractAsync(Items(new[] { "good 7", "good 8", "good 9" })));
        Assert.Equal(3, alone.Count(r => r.Result.IsSuccess));
        Assert.Equal(new[] { 1, 1, 1 }, _server.Uploads.Skip(4).Select(u => Lines(u).Length));
        Assert.Equal(1, _server.MaxActive);
    }

    [Fact]
    public async Task A_token_limit_exceeded_batch_while_another_is_active_waits_for_it_and_the_run_keeps_to_fewer_batches()
    {
        _server.Plan = n => n == 2 ? new BatchPlan("failed", ErrorCode: "token_limit_exceeded") : new BatchPlan();
        string[] inputs = Enumerable.Range(0, 6).Select(i => "good " + i).ToArray();
        var progress = new Progress();
        var extractor = Extractor(o =>
        {
            o.MaxRequestsPerFile = 2;
            o.MaxBatchesInFlight = 3;
            o.MaxResubmissions = 0; // the failed batch's requests are not "sent again" against this limit
            o.Progress = progress;
        });

        var results = await Collect(extractor.ExtractAsync(Items(inputs)));

        Assert.Equal(Ids(6), results.Select(r => r.Id).Order());
        Assert.All(results, r => Assert.Equal(new BatchPoint(int.Parse(r.Id.Substring(3)), 0), r.Result.Value));
        Assert.Equal(4, _server.BatchCount);
        string[] failedIds = Lines(_server.Uploads[1]).Select(l => (string)l["custom_id"]!).Order().ToArray();
        Assert.Equal(failedIds, Lines(_server.Uploads[3]).Select(l => (string)l["custom_id"]!).Order());

        // Three at once before the failure; after it, at most the two that were active then, and the failed batch's
        // requests only after one of those ended.
        string[] events = _server.Events.ToArray();
        int failed = Array.IndexOf(events, "end batch_2 failed");
        Assert.True(failed > 0, string.Join(", ", events));
        Assert.Equal(3, _server.MaxActive);
        int active = 0;
        for (int i = 0; i < events.Length; i++)
        {
            active += events[i].StartsWith("create ", StringComparison.Ordinal) ? 1 : events[i].StartsWith("end ", StringComparison.Ordinal) ? -1 : 0;
            if (i > failed)
            {
                Assert.True(active <= 2, $"{active} active after the failure: {string.Join(", ", events)}");
            }
        }

        int resent = Array.IndexOf(events, "create batch_4");
        Assert.Contains(events.Skip(failed + 1).Take(resent - failed), e => e.StartsWith("end batch_", StringComparison.Ordinal));

        // The journal has the failed batch done, so a resumed run neither polls nor counts it.
        JsonObject done = JournalRecords().Single(r => (string?)r["record"] == "batchDone" && (string?)r["batch"] == "batch_2");
        Assert.Equal("failed", (string?)done["status"]);
        Assert.Null(done["resubmitted"]);
        Assert.Equal(0, extractor.Summary.Resubmitted);
        Assert.Equal(6, progress.Last!.Submitted);
        Assert.Equal(0, progress.Last.InFlight);

        var again = await Collect(Extractor().ExtractAsync(Items(inputs)));
        Assert.All(again, r => Assert.True(r.Resumed));
        Assert.Equal(4, _server.BatchCount);
    }

    [Fact]
    public async Task A_run_stopped_with_two_batches_active_resumes_by_polling_both_without_new_batches_for_their_items()
    {
        string[] inputs = Enumerable.Range(0, 6).Select(i => "good " + i).ToArray();
        var stopped = new List<BatchItemResult<BatchPoint>>();
        await foreach (var r in Extractor(o =>
        {
            o.MaxRequestsPerFile = 2;
            o.MaxBatchesInFlight = 3;
        }).ExtractAsync(Items(inputs)))
        {
            stopped.Add(r);
            break; // the caller stops after the first result, with two more batches at the provider
        }

        Assert.Single(stopped);
        Assert.Equal(3, _server.BatchCount);
        Assert.Single(_server.Events, e => e.StartsWith("end ", StringComparison.Ordinal));

        var results = await Collect(Extractor(o => o.MaxRequestsPerFile = 2).ExtractAsync(Items(inputs)));

        Assert.Equal(Ids(6), results.Select(r => r.Id).Order());
        Assert.Equal(2, results.Count(r => r.Resumed)); // the first batch's two, from the journal
        Assert.All(results, r => Assert.Equal(new BatchPoint(int.Parse(r.Id.Substring(3)), 0), r.Result.Value));
        Assert.Equal(3, _server.BatchCount); // the two open batches were polled, not submitted again
        Assert.Equal(3, _server.Uploads.Count);
        Assert.Equal(Ids(6), _server.Uploads.SelectMany(u => Lines(u)).Select(l => (string)l["custom_id"]!).Order());
        Assert.Equal(3, _server.Events.Count(e => e.StartsWith("end ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_run_stopped_after_a_re_ask_was_journaled_but_not_submitted_submits_it_when_resumed()
    {
        string[] inputs = { "good 0", "bad 1" };
        await foreach (var first in Extractor().ExtractAsync(Items(inputs)))
        {
            break; // the first batch is read ("bad 1" judged and to be re-asked), its re-ask not yet submitted
        }

        Assert.Equal(1, _server.BatchCount);

        var results = await Collect(Extractor().ExtractAsync(Items(inputs)));

        Assert.Equal(Ids(2), results.Select(r => r.Id).Order());
        Assert.True(results.Single(r => r.Id == "id-0").Resumed);
        ExtractionResult<BatchPoint> reasked = results.Single(r => r.Id == "id-1").Result;
        Assert.Equal(new BatchPoint(1, 0), reasked.Value);
        Assert.Equal(2, reasked.Attempts.Count);
        Assert.Equal(2, _server.BatchCount);
        JsonObject line = Assert.Single(Lines(_server.Uploads[1]));
        Assert.Equal("id-1", (string)line["custom_id"]!);
        Assert.Equal("I could not find a point.", new RecordedRequest("/v1/chat/completions", line["body"]!.ToJsonString()).Text(2));
    }

    [Fact]
    public async Task An_input_with_an_image_goes_through_the_spool_with_its_image_part()
    {
        byte[] png = TestMedia.Png(24, 16, seed: 11);
        async IAsyncEnumerable<BatchItem> WithImage()
        {
            await Task.Yield();
            yield return new BatchItem("id-0", "good 0");
            yield return new BatchItem("id-7", ExtractionInput.FromMessage(new ChatMessage(ChatRole.User, new List<AIContent> { new TextContent("good 7"), new DataContent(png, "image/png") })));
        }

        var results = await Collect(Extractor().ExtractAsync(WithImage()));

        Assert.Equal(new BatchPoint(7, 0), results.Single(r => r.Id == "id-7").Result.Value);
        JsonObject line = Lines(Assert.Single(_server.Uploads)).Single(l => (string)l["custom_id"]! == "id-7");
        var request = new RecordedRequest("/v1/chat/completions", line["body"]!.ToJsonString());
        IReadOnlyList<JsonObject> parts = request.Parts(1);
        Assert.Equal(new[] { "text", "image_url" }, parts.Select(p => (string?)p["type"]));
        Assert.Equal("good 7", Wire.DelimitedInput((string)parts[0]["text"]!, out _));
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), (string)parts[1]["image_url"]!["url"]!);
    }

    [Fact]
    public async Task An_input_that_cannot_be_spooled_is_an_error_naming_its_item_before_anything_is_uploaded()
    {
        async IAsyncEnumerable<BatchItem> WithUnknownContent()
        {
            await Task.Yield();
            yield return new BatchItem("id-0", "good 0");
            yield return new BatchItem("id-odd", ExtractionInput.FromMessage(new ChatMessage(ChatRole.User, new List<AIContent> { new TextContent("good 1"), new UnknownContent() })));
        }

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Collect(Extractor().ExtractAsync(WithUnknownContent())));

        Assert.Contains("'id-odd'", e.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Uploads);
    }

    [Fact]
    public void The_in_flight_limits_are_checked_when_set()
    {
        var options = new OpenAIBatchOptions();
        Assert.Equal(4, options.MaxBatchesInFlight);
        Assert.Null(options.MaxEnqueuedTokens);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxBatchesInFlight = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxEnqueuedTokens = 0);
        options.MaxBatchesInFlight = 1;
        options.MaxEnqueuedTokens = 90_000;
        options.MaxEnqueuedTokens = null;
        Assert.Equal(1, options.MaxBatchesInFlight);
        Assert.Null(options.MaxEnqueuedTokens);
    }

    // Each journal line is a record, a space and its checksum.
    private IEnumerable<JsonObject> JournalRecords() =>
        File.ReadAllLines(JournalPath).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l.Substring(0, l.LastIndexOf(' ')))!.AsObject());

    /// <summary>A content part Microsoft.Extensions.AI's serialization does not know.</summary>
    private sealed class UnknownContent : AIContent
    {
    }

    private OpenAIBatchExtractor<BatchPoint> Extractor(Action<OpenAIBatchOptions>? configure = null)
    {
        var options = new OpenAIBatchOptions
        {
            JournalPath = JournalPath,
            Delay = (delay, token) =>
            {
                lock (_delays)
                {
                    _delays.Add(delay);
                }

                return Task.CompletedTask;
            },
        };
        configure?.Invoke(options);
        return new OpenAIBatchExtractor<BatchPoint>(_server.CreateClient(), "batch-model", options);
    }

    // Collects the spans of the runs on model as they end.
    private static ActivityListener ListenToRuns(string model, List<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ExtractionTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName.EndsWith(model, StringComparison.Ordinal))
                {
                    lock (spans)
                    {
                        spans.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static IEnumerable<string> Ids(int count) => Enumerable.Range(0, count).Select(i => "id-" + i).Order();

    private static JsonObject[] Lines(string file) =>
        file.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

    private static async IAsyncEnumerable<BatchItem> Items(IEnumerable<string> inputs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (string input in inputs)
        {
            await Task.Yield();
            yield return new BatchItem("id-" + input.Split(' ')[1], input);
        }
    }

    private static async Task<List<BatchItemResult<BatchPoint>>> Collect(IAsyncEnumerable<BatchItemResult<BatchPoint>> results)
    {
        var list = new List<BatchItemResult<BatchPoint>>();
        await foreach (var r in results)
        {
            Assert.DoesNotContain(list, x => x.Id == r.Id); // never twice in a run
            list.Add(r);
        }

        return list;
    }

    private sealed class Progress : IProgress<BatchProgress>
    {
        public BatchProgress? Last { get; private set; }

        public void Report(BatchProgress value) => Last = value;
    }
}
