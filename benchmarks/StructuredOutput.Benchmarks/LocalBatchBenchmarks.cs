using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using StructuredOutput.Benchmarks.Payloads;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// The local batch mode (<c>LocalBatchExtractor&lt;T&gt;</c>) at concurrency 64 on a zero-latency in-process chat client,
/// without and with its journal, next to the same items extracted one call at a time with <c>ExtractAsync&lt;T&gt;</c>:
/// the difference is what the batch machinery costs per item. <c>Items</c> is the number of items in a run.
/// </summary>
[MemoryDiagnoser]
public class LocalBatchBenchmarks
{
    private const int Concurrency = 64;

    private FakeChatClient _client = null!;
    private BatchItem[] _items = null!;
    private string _journalPath = null!;

    /// <summary>10,000 items; the CI smoke run (STRUCTUREDOUTPUT_BENCH_SMOKE=1) extracts 200.</summary>
    [ParamsSource(nameof(ItemCounts))]
    public int Items { get; set; }

    public static IEnumerable<int> ItemCounts() =>
        Environment.GetEnvironmentVariable("STRUCTUREDOUTPUT_BENCH_SMOKE") == "1" ? new[] { 200 } : new[] { 10_000 };

    [GlobalSetup]
    public void Setup()
    {
        _client = new FakeChatClient(PayloadTexts.Recipe);
        _items = new BatchItem[Items];
        for (int i = 0; i < Items; i++)
        {
            _items[i] = new BatchItem("recipe-" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture), PayloadTexts.Input);
        }

        _journalPath = Path.Combine(Path.GetTempPath(), $"structuredoutput-local-batch-{Environment.ProcessId}.journal");

        // Every item must come back extracted, once, or the figures mean nothing.
        foreach (int succeeded in new[] { Concurrency64().GetAwaiter().GetResult(), Concurrency64_Journal().GetAwaiter().GetResult(), OneCallAtATime().GetAwaiter().GetResult() })
        {
            if (succeeded != Items)
            {
                throw new InvalidOperationException($"{succeeded} of {Items} items were extracted.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_journalPath);

    /// <summary>The reference: each item extracted with <c>ExtractAsync&lt;T&gt;</c>, one after the other.</summary>
    [Benchmark]
    public async Task<int> OneCallAtATime()
    {
        int succeeded = 0;
        for (int i = 0; i < _items.Length; i++)
        {
            Recipe recipe = await _client.ExtractAsync<Recipe>(PayloadTexts.Input).ConfigureAwait(false); // every item's input
            succeeded += recipe.Ingredients.Count > 0 ? 1 : 0;
        }

        return succeeded;
    }

    /// <summary>The local batch mode, 64 items in flight, no journal.</summary>
    [Benchmark]
    public Task<int> Concurrency64() => RunAsync(null);

    /// <summary>The local batch mode, 64 items in flight, every result written to a fresh journal.</summary>
    [Benchmark]
    public Task<int> Concurrency64_Journal()
    {
        File.Delete(_journalPath); // a journal left by the previous run would resume it instead
        return RunAsync(_journalPath);
    }

    private async Task<int> RunAsync(string? journalPath)
    {
        var extractor = new LocalBatchExtractor<Recipe>(_client, new LocalBatchOptions { MaxConcurrency = Concurrency, JournalPath = journalPath });
        int succeeded = 0;
        await foreach (BatchItemResult<Recipe> result in extractor.ExtractAsync(ItemsAsync()).ConfigureAwait(false))
        {
            succeeded += result.Result.IsSuccess && !result.Resumed ? 1 : 0;
        }

        return succeeded;
    }

    private async IAsyncEnumerable<BatchItem> ItemsAsync()
    {
        foreach (BatchItem item in _items)
        {
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
