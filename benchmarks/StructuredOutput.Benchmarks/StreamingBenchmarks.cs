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
/// <c>Parse</c> of the whole final text; against it: <c>ExtractStreamingAsync</c> consuming every update (the partial
/// view filled chunk by chunk, then the final judgement), the plain loop that only concatenates the chunks' text (what
/// any streaming caller pays anyway), and the time until the first member is complete.
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
    private StructuredOutput.Streaming.PartialAnswerReader _fedReader = null!;
    private string[] _chunkTexts = null!;

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

        // The streamed extraction must end with exactly what Parse gives, having shown the view grow on the way.
        Equality.AssertSame(parsed, Stream_every_update().GetAwaiter().GetResult(), "ExtractStreamingAsync against Parse");
        _chunkTexts = new string[_client.Updates.Count];
        for (int i = 0; i < _chunkTexts.Length; i++)
        {
            _chunkTexts[i] = _client.Updates[i].Text;
        }

        _fedReader = new StructuredOutput.Streaming.PartialAnswerReader(ShapeOf<Recipe>(), null);
        foreach (string chunk in _chunkTexts)
        {
            _fedReader.Append(chunk.AsSpan());
        }

        Equality.AssertSame(parsed, Final_value_from_the_view(), "the value built from the streamed view against Parse");
        int updates = Updates_until_first_member().GetAwaiter().GetResult();
        if (updates < 2 || updates > Chunks / 10)
        {
            throw new InvalidOperationException($"The first member was complete after {updates} updates, not within the answer's first chunks.");
        }
    }

    /// <summary>(a) <c>ExtractStreamingAsync</c>, every update consumed: the view filled as the chunks arrive, then the final value.</summary>
    [Benchmark, BenchmarkCategory(Category)]
    public async Task<Recipe> Stream_every_update()
    {
        ExtractionResult<Recipe>? result = null;
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(PayloadTexts.Input))
        {
            result = update.Result ?? result;
        }

        return result is { IsSuccess: true } ? result.Value! : throw new InvalidOperationException(string.Join("; ", result?.Errors ?? Array.Empty<ExtractionError>()));
    }

    /// <summary>
    /// (e) For reference, <c>TryExtractAsync</c> on the same client without streaming (one response, one parse): what the
    /// extraction loop itself costs around the parse, so that (a) minus this is what streaming adds.
    /// </summary>
    [Benchmark, BenchmarkCategory(Category)]
    public async Task<Recipe> Extract_without_streaming()
    {
        var result = await _client.TryExtractAsync<Recipe>(PayloadTexts.Input);
        return result.IsSuccess ? result.Value! : throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    /// <summary>
    /// (f) For reference, what joining the 1,001 updates into one <c>ChatResponse</c> costs (<c>ToChatResponse</c>, which
    /// a streamed extraction does once per attempt to judge the answer as an unstreamed one).
    /// </summary>
    [Benchmark, BenchmarkCategory(Category)]
    public ChatResponse Join_updates_into_a_response() => _client.Updates.ToChatResponse();

    /// <summary>(d) From the request to the first complete member (the recipe's name, a few chunks in); the rest is abandoned.</summary>
    [Benchmark, BenchmarkCategory(Category)]
    public async Task<int> Updates_until_first_member()
    {
        int updates = 0;
        await foreach (var update in _client.ExtractStreamingAsync<Recipe>(PayloadTexts.Input))
        {
            updates++;
            if (update.Partial is { } view && view.IsMemberComplete(nameof(Recipe.Name)))
            {
                return updates;
            }
        }

        throw new InvalidOperationException("The name never completed.");
    }

    /// <summary>
    /// (g) The incremental reader alone, fed the 1,000 chunks' texts (taken from the updates once, in setup: no chat
    /// client, no updates, no final judgement): the parse CPU a stream adds before the answer is judged whole.
    /// </summary>
    [Benchmark, BenchmarkCategory(Category)]
    public int Incremental_reader_alone()
    {
        var reader = new StructuredOutput.Streaming.PartialAnswerReader(ShapeOf<Recipe>(), null);
        int changes = 0;
        foreach (string chunk in _chunkTexts)
        {
            if (reader.Append(chunk.AsSpan()))
            {
                changes++;
            }
        }

        bool whole = reader.IsRootClosed && reader.ErrorCount == 0;
        reader.Release(); // as a streamed extraction does once the attempt is judged
        return whole ? changes : throw new InvalidOperationException("The reader did not read the answer whole and valid.");
    }

    /// <summary>
    /// (h) The final value built from the complete view of the reader of (g), as a streamed attempt is judged when the
    /// answer was read strictly with every member present: (g) + (h) is the parse CPU over the stream.
    /// </summary>
    [Benchmark, BenchmarkCategory(Category)]
    public Recipe Final_value_from_the_view() =>
        _fedReader.TryBuild(_text, out ParseResult<Recipe> built) ? built.Value! : throw new InvalidOperationException("The final value was not built from the view.");

    private static StructuredOutput.Streaming.PartialShape ShapeOf<T>()
        where T : ILlmExtractable<T> => T.StreamingShape ?? throw new InvalidOperationException($"{typeof(T).Name} has no partial view.");

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

    /// <summary>The pre-built updates, in order.</summary>
    public IReadOnlyList<ChatResponseUpdate> Updates => _updates;

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
