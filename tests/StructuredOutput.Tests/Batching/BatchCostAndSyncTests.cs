using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Batching;

namespace StructuredOutput.Tests.Batching;

/// <summary>
/// A run's cost at the caller's prices, and when the journal is synced to the disk: each durable record at once, other
/// records at most once per interval and when the journal is closed.
/// </summary>
public sealed class BatchCostAndSyncTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("so-cost-").FullName;

    private string JournalPath => Path.Combine(_folder, "run.journal");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_cost_is_the_tokens_at_the_prices_per_million_with_cached_input_at_its_own_price_when_given()
    {
        var usage = new UsageDetails { InputTokenCount = 2_000_000, OutputTokenCount = 300_000, CachedInputTokenCount = 500_000 };

        Assert.Equal((2m * 1.25m) + (0.3m * 5m), new BatchPricing(1.25m, 5m).CostOf(usage));
        Assert.Equal((1.5m * 1.25m) + (0.5m * 0.125m) + (0.3m * 5m), new BatchPricing(1.25m, 5m) { CachedInputPerMillionTokens = 0.125m }.CostOf(usage));
        Assert.Equal(0m, new BatchPricing(1m, 1m).CostOf(new UsageDetails()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPricing(-1m, 1m));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPricing(1m, 1m) { CachedInputPerMillionTokens = -0.5m });
    }

    [Fact]
    public async Task A_local_run_costs_its_responses_usage_at_the_prices_resumed_items_included()
    {
        string[] inputs = { "good 0", "bad 1", "good 2" };
        var pricing = new BatchPricing(2m, 8m);
        var first = new LocalBatchExtractor<Point>(new BatchTestClient(), new LocalBatchOptions { Pricing = pricing, JournalPath = JournalPath });
        await LocalBatchTests.Collect(first.ExtractAsync(BatchTestClient.Items(inputs)));

        // good: 10 in, 5 out; bad: 10 + 20 in, 5 + 5 out.
        BatchSummary summary = first.Summary;
        Assert.Equal(50, summary.Usage.InputTokenCount);
        Assert.Equal(20, summary.Usage.OutputTokenCount);
        Assert.Equal(((50 * 2m) + (20 * 8m)) / 1_000_000m, summary.Cost);
        Assert.Equal(0, summary.Resubmitted);

        var resumed = new LocalBatchExtractor<Point>(new BatchTestClient(), new LocalBatchOptions { Pricing = pricing, JournalPath = JournalPath });
        await LocalBatchTests.Collect(resumed.ExtractAsync(BatchTestClient.Items(inputs)));
        Assert.Equal(3, resumed.Summary.Resumed);
        Assert.Equal(summary.Cost, resumed.Summary.Cost);

        var unpriced = new LocalBatchExtractor<Point>(new BatchTestClient());
        await LocalBatchTests.Collect(unpriced.ExtractAsync(BatchTestClient.Items(inputs)));
        Assert.Null(unpriced.Summary.Cost);
    }

    [Fact]
    public async Task Durable_records_are_synced_at_once_others_once_per_interval_and_at_close()
    {
        var clock = new ManualClock();
        BatchJournal journal = BatchJournal.Open(JournalPath, "Contract", clock);
        Assert.Equal(1, journal.Syncs); // the new file's header

        for (int i = 0; i < 50; i++)
        {
            await journal.AppendResultAsync("id-" + i, Array.Empty<JournalAnswer>(), CancellationToken.None);
        }

        Assert.Equal(1, journal.Syncs); // results written to the system, not each synced

        clock.Advance(BatchJournal.SyncInterval);
        await journal.AppendResultAsync("id-50", Array.Empty<JournalAnswer>(), CancellationToken.None);
        Assert.Equal(2, journal.Syncs); // the interval passed: this one and the fifty before it

        await journal.AppendStateAsync(w => w.WriteString("batch", "b1"), "batch", durable: true, CancellationToken.None);
        Assert.Equal(3, journal.Syncs);
        await journal.AppendStateAsync(w => w.WriteString("batch", "b1"), "batchDone", durable: false, CancellationToken.None);
        Assert.Equal(3, journal.Syncs);

        journal.Dispose(); // closing syncs what is left
        using (BatchJournal reopened = BatchJournal.Open(JournalPath, "Contract", clock))
        {
            Assert.Equal(51, reopened.ResultCount);
            Assert.Equal(2, reopened.States.Count);
            Assert.Equal(0, reopened.Syncs); // nothing to write, nothing to sync
        }

        // The sync count of the close is not observable after it; a journal closed with nothing unsynced does not sync.
        BatchJournal idle = BatchJournal.Open(JournalPath, "Contract", clock);
        await idle.AppendStateAsync(w => w.WriteString("batch", "b2"), "batch", durable: true, CancellationToken.None);
        Assert.Equal(1, idle.Syncs);
        idle.Dispose();
    }

    [Fact]
    public async Task Many_concurrent_results_are_synced_once_per_interval_not_once_each()
    {
        var clock = new ManualClock();
        BatchJournal journal = BatchJournal.Open(JournalPath, "Contract", clock);
        var writes = Enumerable.Range(0, 200).Select(i => journal.AppendResultAsync("id-" + i, Array.Empty<JournalAnswer>(), CancellationToken.None));
        await Task.WhenAll(writes);
        Assert.Equal(1, journal.Syncs);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        await journal.AppendResultAsync("id-200", Array.Empty<JournalAnswer>(), CancellationToken.None);
        Assert.Equal(1, journal.Syncs);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await journal.AppendResultAsync("id-201", Array.Empty<JournalAnswer>(), CancellationToken.None);
        Assert.Equal(2, journal.Syncs);
        journal.Dispose();
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}

/// <summary>The ids of a whole run, kept as digests: a repeat is caught, and different ids are never taken for one.</summary>
public sealed class BatchIdSetTests
{
    [Fact]
    public void A_repeat_is_caught_and_different_ids_are_different_whatever_their_case_script_or_length()
    {
        var ids = new BatchIdSet();
        string longest = string.Concat(Enumerable.Repeat("\U0001F600", BatchItem.MaxIdLength / 2)); // 64 UTF-16 characters, 128 UTF-8 bytes

        Assert.True(ids.Add("invoice-1"));
        Assert.True(ids.Add("Invoice-1"));
        Assert.True(ids.Add("invoice-1 "));
        Assert.True(ids.Add(longest));
        Assert.True(ids.Add(longest[..^2] + "\u00e9\u00e9"));
        Assert.False(ids.Add("invoice-1"));
        Assert.False(ids.Add(new string(longest.ToCharArray())));
        Assert.Equal(5, ids.Count);

        for (int i = 0; i < 200_000; i++)
        {
            Assert.True(ids.Add("item-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.False(ids.Add("item-123456"));
        Assert.Equal(200_005, ids.Count);
    }
}
