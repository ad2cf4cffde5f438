using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Tests.Batching;

/// <summary>
/// A chat client for batch runs: answers each request from the input it carries and the attempt's number (see
/// <see cref="Answer"/>), counts requests in flight, and can hold requests until the test lets them go.
/// </summary>
internal sealed class BatchTestClient : IChatClient
{
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _calls = new();
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>Awaited before each answer, with the input; null to answer at once.</summary>
    public Func<string, CancellationToken, Task>? Hold { get; set; }

    /// <summary>Called as each request arrives, with the number of requests so far (this one included).</summary>
    public Action<int>? OnRequest { get; set; }

    /// <summary>The inputs of every request, in arrival order.</summary>
    public IReadOnlyList<string> Calls => _calls.ToArray();

    /// <summary>The most requests that were in flight at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>
    /// The scripted answer to attempt <paramref name="attempt"/> for <paramref name="input"/>, a word and a number:
    /// <c>good N</c> answers x = N; <c>bad N</c> a wrong answer first, then x = N; <c>worse N</c> always a wrong one;
    /// <c>refuse N</c> a refusal; <c>cut N</c> an answer cut at the token limit; <c>tool N</c> a tool call, then x = N;
    /// <c>fail N</c> throws an HTTP error.
    /// </summary>
    public static ChatResponse Answer(string input, int attempt)
    {
        string[] parts = input.Split(' ');
        string n = parts[1];
        string good = "{\"x\":" + n + ",\"y\":0}";
        return parts[0] switch
        {
            "good" => Text(good, 10, 5),
            "bad" => attempt == 1 ? Text("{\"x\":\"n" + n + "\",\"y\":0}", 10, 5) : Text(good, 20, 5),
            "worse" => Text("{\"x\":\"n" + n + "\"}", 10, 5),
            "refuse" => new ChatResponse(new ChatMessage(ChatRole.Assistant, new List<AIContent> { new ErrorContent("I cannot.") { ErrorCode = "Refusal" } }))
            {
                FinishReason = ChatFinishReason.Stop,
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 1, TotalTokenCount = 11 },
            },
            "cut" => new ChatResponse(new ChatMessage(ChatRole.Assistant, "{\"x\":" + n + ",\"y\":")) { FinishReason = ChatFinishReason.Length },
            "tool" => attempt == 1
                ? new ChatResponse(new ChatMessage(ChatRole.Assistant, new List<AIContent> { new FunctionCallContent("c", "lookup") })) { FinishReason = ChatFinishReason.ToolCalls }
                : Text(good, 10, 5),
            "fail" => throw new System.Net.Http.HttpRequestException("HTTP 500 from the provider"),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input, null),
        };
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        string input = ExtractionLoopTests.DelimitedInput(messages.ElementAt(1).Text, out _);
        _calls.Enqueue(input);
        OnRequest?.Invoke(_calls.Count);
        int attempt = _attempts.AddOrUpdate(input, 1, (_, n) => n + 1);
        int now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        try
        {
            await Task.Yield();
            if (Hold is { } hold)
            {
                await hold(input, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return Answer(input, attempt);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    /// <summary>The items <c>word 0</c> … <c>word (count-1)</c>, with ids <c>id-0</c> …, as an async stream.</summary>
    public static async IAsyncEnumerable<BatchItem> Items(IEnumerable<string> inputs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int i = 0;
        foreach (string input in inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new BatchItem("id-" + i++, input);
        }
    }

    private static ChatResponse Text(string text, int input, int output) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
        };
}

/// <summary>Keeps every report, synchronously (<see cref="Progress{T}"/> would post them later).</summary>
internal sealed class RecordingProgress : IProgress<BatchProgress>
{
    private readonly ConcurrentQueue<BatchProgress> _reports = new();

    public IReadOnlyList<BatchProgress> Reports => _reports.ToArray();

    public void Report(BatchProgress value) => _reports.Enqueue(value);
}
