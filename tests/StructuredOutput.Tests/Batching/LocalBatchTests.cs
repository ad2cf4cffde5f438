using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Tests.Batching;

/// <summary>Batch runs on a chat client: every item once, the concurrency and rate limits, progress, and the ids.</summary>
public class LocalBatchTests
{
    [Fact]
    public async Task Every_item_comes_back_once_with_its_outcome_and_the_summary_counts_them()
    {
        string[] inputs = { "good 0", "bad 1", "refuse 2", "cut 3", "tool 4", "worse 5", "good 6" };
        var client = new BatchTestClient();
        var progress = new RecordingProgress();
        var extractor = new LocalBatchExtractor<Point>(client, new LocalBatchOptions { MaxConcurrency = 3, Progress = progress });

        var results = await Collect(extractor.ExtractAsync(BatchTestClient.Items(inputs)));

        Assert.Equal(Enumerable.Range(0, 7).Select(i => "id-" + i).Order(), results.Select(r => r.Id).Order());
        var byId = results.ToDictionary(r => r.Id, r => r.Result);
        Assert.Equal(new Point(0, 0), byId["id-0"].Value);
        Assert.Equal(new Point(1, 0), byId["id-1"].Value);
        Assert.Equal(2, byId["id-1"].Attempts.Count);
        Assert.Equal(ExtractionFailureKind.Refusal, byId["id-2"].FailureKind);
        Assert.Equal(ExtractionFailureKind.Truncated, byId["id-3"].FailureKind);
        Assert.Equal(new Point(4, 0), byId["id-4"].Value);
        Assert.Equal(ExtractionFailureKind.InvalidAnswer, byId["id-5"].FailureKind);
        Assert.All(results, r => Assert.False(r.Resumed));

        BatchSummary summary = extractor.Summary;
        Assert.Equal(7, summary.Items);
        Assert.Equal(4, summary.Succeeded);
        Assert.Equal(3, summary.Failed);
        Assert.Equal(1, summary.Count(ExtractionFailureKind.Refusal));
        Assert.Equal(1, summary.Count(ExtractionFailureKind.Truncated));
        Assert.Equal(1, summary.Count(ExtractionFailureKind.InvalidAnswer));
        Assert.Equal(0, summary.Count(ExtractionFailureKind.TimedOut));
        Assert.Equal(results.Sum(r => r.Result.Usage?.InputTokenCount ?? 0), summary.Usage.InputTokenCount);

        BatchProgress last = progress.Reports[^1];
        Assert.Equal(7, last.Submitted);
        Assert.Equal(3, last.Retried); // bad 1, tool 4, worse 5
        Assert.Equal(0, last.InFlight);
        Assert.Equal(4, last.Succeeded);
        Assert.Equal(3, last.Failed);
        Assert.Equal(7, last.Done);
        Assert.Equal(summary.Usage.InputTokenCount, last.InputTokens);
        Assert.Equal(summary.Usage.OutputTokenCount, last.OutputTokens);
        Assert.Equal(client.Calls.Count, last.Submitted + last.Retried);
        Assert.True(progress.Reports.Zip(progress.Reports.Skip(1)).All(p => p.First.Done <= p.Second.Done && p.First.Submitted <= p.Second.Submitted));
        Assert.True(progress.Reports.All(p => p.InFlight >= 0 && p.InFlight <= 3));
    }

    [Fact]
    public async Task Items_may_be_messages_with_images_and_are_asked_with_them()
    {
        var image = new DataContent(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3 }, "image/png");
        var photo = ExtractionInput.FromMessage(new ChatMessage(ChatRole.User, new List<AIContent> { new TextContent("good 7"), image }));
        var conversation = new ExtractionConversation<Point>(photo);
        Assert.Same(image, conversation.Messages[1].Contents[1]);

        var client = new BatchTestClient();
        var extractor = new LocalBatchExtractor<Point>(client);
        var results = await Collect(extractor.ExtractAsync(Items(new[] { new BatchItem("photo", photo), new BatchItem("text", "bad 8") })));

        var byId = results.ToDictionary(r => r.Id, r => r.Result);
        Assert.Equal(new Point(7, 0), byId["photo"].Value);
        Assert.Equal(new Point(8, 0), byId["text"].Value);
        Assert.Equal(2, byId["text"].Attempts.Count);
    }

    private static async IAsyncEnumerable<BatchItem> Items(IEnumerable<BatchItem> items)
    {
        foreach (BatchItem item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    [Fact]
    public async Task No_more_requests_are_in_flight_than_the_concurrency_allows()
    {
        var client = new BatchTestClient();
        var firstThree = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int held = 0;
        client.Hold = async (input, token) =>
        {
            // The first three wait for each other, so that the limit is reached, not merely allowed.
            if (Interlocked.Increment(ref held) <= 3)
            {
                if (held == 3)
                {
                    firstThree.SetResult();
                }

                await firstThree.Task.WaitAsync(token);
            }
        };
        var extractor = new LocalBatchExtractor<Point>(client, new LocalBatchOptions { MaxConcurrency = 3 });

        var results = await Collect(extractor.ExtractAsync(BatchTestClient.Items(Enumerable.Range(0, 30).Select(i => "bad " + i))));

        Assert.Equal(30, results.Count);
        Assert.Equal(60, client.Calls.Count);
        Assert.Equal(3, client.MaxInFlight);
    }

    [Fact]
    public async Task Each_request_waits_for_a_permit_of_the_request_limiter()
    {
        using var limiter = new GateLimiter();
        limiter.Grant(2);
        int granted = 2;
        var violations = new List<string>();
        TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new BatchTestClient
        {
            OnRequest = count =>
            {
                int allowed = Volatile.Read(ref granted);
                if (count > allowed)
                {
                    lock (violations)
                    {
                        violations.Add($"request {count} with {allowed} permits given");
                    }
                }

                if (count == allowed)
                {
                    reached.TrySetResult();
                }
            },
        };
        var extractor = new LocalBatchExtractor<Point>(client, new LocalBatchOptions { MaxConcurrency = 8, RequestLimiter = limiter });

        Task<List<BatchItemResult<Point>>> run = Collect(extractor.ExtractAsync(BatchTestClient.Items(Enumerable.Range(0, 5).Select(i => "bad " + i))));
        for (int round = 0; round < 4; round++)
        {
            await reached.Task.WaitAsync(TimeSpan.FromMinutes(1));
            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Add(ref granted, 2);
            limiter.Grant(2);
        }

        await reached.Task.WaitAsync(TimeSpan.FromMinutes(1)); // 10 requests: 5 items, each re-asked once
        var results = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Empty(violations);
        Assert.Equal(10, client.Calls.Count);
        Assert.Equal(5, results.Count(r => r.Result.IsSuccess));
    }

    [Fact]
    public async Task A_request_larger_than_the_token_limiter_can_ever_give_is_a_clear_error()
    {
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 100,
            TokensPerPeriod = 100,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 1000,
        });
        var client = new BatchTestClient();
        var extractor = new LocalBatchExtractor<Point>(client, new LocalBatchOptions
        {
            TokenLimiter = limiter,
            Extract = new ExtractOptions { ChatOptions = new Microsoft.Extensions.AI.ChatOptions { MaxOutputTokens = 500 } },
        });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Collect(extractor.ExtractAsync(BatchTestClient.Items(new[] { "good 1" }))));

        Assert.Contains("TokenLimiter", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxOutputTokens", e.Message, StringComparison.Ordinal);
        Assert.Empty(client.Calls);
    }

    [Fact]
    public async Task Tokens_are_counted_against_the_token_limiter_by_the_estimate()
    {
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1_000_000,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromHours(1),
            AutoReplenishment = false,
            QueueLimit = 0,
        });
        var client = new BatchTestClient();
        var extractor = new LocalBatchExtractor<Point>(client, new LocalBatchOptions
        {
            TokenLimiter = limiter,
            Extract = new ExtractOptions { ChatOptions = new Microsoft.Extensions.AI.ChatOptions { MaxOutputTokens = 1000 } },
        });

        await Collect(extractor.ExtractAsync(BatchTestClient.Items(new[] { "good 1", "good 2" })));

        long used = 1_000_000 - limiter.GetStatistics()!.CurrentAvailablePermits;
        int prompt = LlmContract<Point>.Prompt.Length / 4;
        Assert.InRange(used, 2 * (1000 + prompt), 2 * (1000 + prompt + 100)); // the input, boundaries and rule add a little
    }

    [Fact]
    public async Task A_repeated_id_is_an_error_before_its_item_is_sent()
    {
        var client = new BatchTestClient();
        var extractor = new LocalBatchExtractor<Point>(client);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Collect(extractor.ExtractAsync(Items(("a", "good 1"), ("b", "good 2"), ("a", "good 3")))));

        Assert.Contains("'a' is repeated", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("good 3", client.Calls);
    }

    [Fact]
    public void An_id_longer_than_the_Batch_API_allows_is_an_error()
    {
        Assert.Equal("x", new BatchItem(new string('x', 1), "t").Id);
        Assert.Equal(64, new BatchItem(new string('x', 64), "t").Id.Length);
        var e = Assert.Throws<ArgumentException>(() => new BatchItem(new string('x', 65), "t"));
        Assert.Contains("65 characters", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new BatchItem(string.Empty, "t"));
    }

    [Fact]
    public async Task A_failure_of_the_chat_client_ends_the_run_with_that_exception()
    {
        var client = new BatchTestClient();
        var extractor = new LocalBatchExtractor<Point>(client, new LocalBatchOptions { MaxConcurrency = 1 });
        var seen = new List<string>();

        await Assert.ThrowsAsync<System.Net.Http.HttpRequestException>(async () =>
        {
            await foreach (var r in extractor.ExtractAsync(BatchTestClient.Items(new[] { "good 0", "fail 1", "good 2" })))
            {
                seen.Add(r.Id);
            }
        });

        Assert.Equal(new[] { "id-0" }, seen);
        Assert.DoesNotContain("good 2", client.Calls);
    }

    /// <summary>Gives permits only when the test grants them: a rate limit whose time is the test's.</summary>
    private sealed class GateLimiter : RateLimiter
    {
        private readonly SemaphoreSlim _permits = new(0);

        public override TimeSpan? IdleDuration => null;

        public void Grant(int permits) => _permits.Release(permits);

        public override RateLimiterStatistics? GetStatistics() => new() { CurrentAvailablePermits = _permits.CurrentCount };

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => throw new NotSupportedException();

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            for (int i = 0; i < permitCount; i++)
            {
                await _permits.WaitAsync(cancellationToken);
            }

            return new Granted();
        }

        protected override void Dispose(bool disposing)
        {
            _permits.Dispose();
            base.Dispose(disposing);
        }

        private sealed class Granted : RateLimitLease
        {
            public override bool IsAcquired => true;

            public override IEnumerable<string> MetadataNames => Array.Empty<string>();

            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = null;
                return false;
            }
        }
    }

    internal static async Task<List<BatchItemResult<Point>>> Collect(IAsyncEnumerable<BatchItemResult<Point>> results)
    {
        var list = new List<BatchItemResult<Point>>();
        await foreach (var r in results)
        {
            list.Add(r);
        }

        return list;
    }

    internal static async IAsyncEnumerable<BatchItem> Items(params (string Id, string Input)[] items)
    {
        foreach (var (id, input) in items)
        {
            await Task.Yield();
            yield return new BatchItem(id, input);
        }
    }
}
