using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;
using StructuredOutput.Benchmarks.Payloads;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// A streamed answer of about 10,000 tokens (a 40 KB recipe: 400 ingredients, 250 steps) delivered in 1,000 chunks by
/// an in-memory chat client that yields pre-built updates, so that only the reading is measured. The baseline is one
/// <c>Parse</c> of the whole final text; against it: the plain loop that only concatenates the chunks' text (what any
/// streaming caller pays anyway).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class StreamingBenchmarks
{
    private const string Category = "Recipe, 40 KB in 1,000 chunks";

    /// <summary>How many chunks the answer is cut into.</summary>
    public const int Chunks = 1_000;

    private string _text = null!;
    private ReplayChatClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        _text = PayloadTexts.StreamingRecipe;
        _client = new ReplayChatClient(_text, Chunks);
        var parsed = Parse_final_text();
        Equality.AssertRoundTrips(_text, System.Text.Json.JsonSerializer.Serialize(parsed, PayloadJsonContext.Default.Recipe), "Parse of the streamed answer");
        string joined = Plain_stream_concatenating_text().GetAwaiter().GetResult();
        if (joined != _text)
        {
            throw new InvalidOperationException("The replayed chunks do not join into the answer.");
        }
    }

    /// <summary>(b) One parse of the final text: what a caller that waits for the whole answer pays.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Category)]
    public Recipe Parse_final_text()
    {
        var result = LlmContract<Recipe>.Parse(_text);
        return result.IsSuccess ? result.Value! : throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    /// <summary>(c) The plain streaming loop: every update's text appended, nothing read.</summary>
    [Benchmark, BenchmarkCategory(Category)]
    public async Task<string> Plain_stream_concatenating_text()
    {
        var text = new StringBuilder();
        await foreach (var update in _client.GetStreamingResponseAsync(Array.Empty<ChatMessage>()))
        {
            text.Append(update.Text);
        }

        return text.ToString();
    }
}

/// <summary>
/// A chat client that replays one answer as pre-built streaming updates (built once, yielded each time with no delay),
/// so that a benchmark measures what reads the stream and not the making of the updates.
/// </summary>
public sealed class ReplayChatClient : IChatClient
{
    private readonly ChatResponseUpdate[] _updates;
    private readonly string _answer;

    /// <summary>Cuts <paramref name="answer"/> into <paramref name="chunks"/> pieces of nearly equal length, plus a last update with the finish reason.</summary>
    public ReplayChatClient(string answer, int chunks)
    {
        _answer = answer;
        _updates = new ChatResponseUpdate[chunks + 1];
        int size = (answer.Length + chunks - 1) / chunks;
        for (int i = 0; i < chunks; i++)
        {
            int start = Math.Min(i * size, answer.Length);
            int length = Math.Min(size, answer.Length - start);
            _updates[i] = new ChatResponseUpdate(ChatRole.Assistant, answer.Substring(start, length)) { ResponseId = "replay", MessageId = "replay" };
        }

        _updates[chunks] = new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = "replay", MessageId = "replay", FinishReason = ChatFinishReason.Stop };
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, _answer)) { FinishReason = ChatFinishReason.Stop });

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var update in _updates)
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
