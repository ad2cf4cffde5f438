using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using StructuredOutput.Benchmarks.Payloads;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// The local batch mode (<c>LocalBatchExtractor&lt;T&gt;</c>) at concurrency 64. On a zero-latency in-process chat
/// client, without and with its journal, next to the same items extracted one call at a time with
/// <c>ExtractAsync&lt;T&gt;</c>: the difference is what the batch machinery costs per item. Over HTTP, against a
/// loopback server that answers at once, through the official OpenAI SDK (<c>OpenAIEndpoint.CreateChatClient</c>),
/// next to the same requests sent by that client alone, 64 at a time: the difference is the library's cost per item
/// on a real transport. <c>Items</c> is the number of items in a run.
/// </summary>
[MemoryDiagnoser]
public class LocalBatchBenchmarks
{
    private const int Concurrency = 64;

    private FakeChatClient _client = null!;
    private LoopbackChatServer _server = null!;
    private IChatClient _httpClient = null!;
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
        _server = LoopbackChatServer.StartAsync(PayloadTexts.Recipe).GetAwaiter().GetResult();
        _httpClient = new OpenAIEndpoint("gpt-4o-mini", OpenAIEndpoint.NoKey, _server.BaseUrl).CreateChatClient();

        // Every item must come back extracted, once, or the figures mean nothing.
        foreach (int succeeded in new[]
        {
            Concurrency64().GetAwaiter().GetResult(), Concurrency64_Journal().GetAwaiter().GetResult(), OneCallAtATime().GetAwaiter().GetResult(),
            Concurrency64_Loopback().GetAwaiter().GetResult(), ClientAlone64_Loopback().GetAwaiter().GetResult(),
        })
        {
            if (succeeded != Items)
            {
                throw new InvalidOperationException($"{succeeded} of {Items} items were extracted.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        File.Delete(_journalPath);
        _httpClient.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

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

    /// <summary>The local batch mode, 64 items in flight, over HTTP to the loopback server through the OpenAI SDK.</summary>
    [Benchmark]
    public Task<int> Concurrency64_Loopback() => RunAsync(null, _httpClient);

    /// <summary>The floor under it: the same client sends one request per item, 64 at a time, and reads nothing.</summary>
    [Benchmark]
    public async Task<int> ClientAlone64_Loopback()
    {
        var messages = new[] { new ChatMessage(ChatRole.User, PayloadTexts.Input) };
        int answered = 0;
        await Parallel.ForEachAsync(_items, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (_, token) =>
        {
            ChatResponse response = await _httpClient.GetResponseAsync(messages, null, token).ConfigureAwait(false);
            if (response.Text.Length > 0)
            {
                Interlocked.Increment(ref answered);
            }
        }).ConfigureAwait(false);
        return answered;
    }

    private async Task<int> RunAsync(string? journalPath, IChatClient? client = null)
    {
        var extractor = new LocalBatchExtractor<Recipe>(client ?? _client, new LocalBatchOptions { MaxConcurrency = Concurrency, JournalPath = journalPath });
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
