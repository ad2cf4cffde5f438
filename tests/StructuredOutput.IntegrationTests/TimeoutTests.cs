using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// <see cref="ExtractOptions.AttemptTimeout"/> and caller cancellation against a server that takes its time. The
/// server delays 30 s; each test finishing at all shows the request was abandoned. The only clock in these tests is a
/// hang guard far above any expected duration, never a speed assertion.
/// </summary>
public sealed class TimeoutTests : ServerTestBase
{
    private const string AdaText = "Ada Lovelace, 36.";
    private const string GoodAda = """{"name":"Ada Lovelace","age":36,"email":null}""";
    private const string AgeAsWord = """{"name":"Ada Lovelace","age":"thirty-six","email":null}""";
    private static readonly TimeSpan SlowServer = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    // Long enough for the request to reach the server on a loaded machine, far shorter than the server's delay.
    private static readonly TimeSpan AttemptLimit = TimeSpan.FromSeconds(2.5);

    private static DelayedResponse Slow(string content) => new(SlowServer, new CompletionResponse(content, "stop", 10, 5));

    [Fact]
    public async Task A_request_longer_than_the_attempt_timeout_is_a_typed_failure_without_a_reask()
    {
        _server.Enqueue(Slow(GoodAda));
        _server.EnqueueCompletion(GoodAda); // would be used by a re-ask
        var options = new ExtractOptions { AttemptTimeout = AttemptLimit };

        var result = await _client.TryExtractAsync<Person>(AdaText, options).WaitAsync(HangGuard);

        Assert.Equal(ExtractionFailureKind.TimedOut, result.FailureKind);
        var attempt = Assert.Single(result.Attempts);
        Assert.Null(attempt.RawResponse);
        Assert.Empty(attempt.Errors);
        Assert.Equal(ExtractionFailureKind.TimedOut, attempt.FailureKind);
        Assert.Equal("no answer within the attempt time-out of 2.5 s (ExtractOptions.AttemptTimeout); raise it or extract less per call", attempt.FailureMessage);
        Assert.Single(_server.Requests);
        Assert.Equal(1, _server.PendingResponses);
        await WaitUntilAsync(() => _server.AbortedRequests == 1, "the server to see the request abandoned");
    }

    [Fact]
    public async Task A_timed_out_reask_throws_ExtractionException_with_the_earlier_answer()
    {
        _server.EnqueueCompletion(AgeAsWord);
        _server.Enqueue(Slow(GoodAda));
        var options = new ExtractOptions { AttemptTimeout = AttemptLimit };

        var e = await Assert.ThrowsAsync<ExtractionException>(() => _client.ExtractAsync<Person>(AdaText, options).WaitAsync(HangGuard));

        Assert.Equal(ExtractionFailureKind.TimedOut, e.FailureKind);
        Assert.IsAssignableFrom<OperationCanceledException>(e.InnerException);
        Assert.Equal(2, e.Attempts.Count);
        Assert.Equal(AgeAsWord, e.Attempts[0].RawResponse);
        Assert.Equal(ExtractionFailureKind.TimedOut, e.Attempts[1].FailureKind);
        Assert.Contains("ran out of time", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task An_answer_within_the_attempt_timeout_is_used()
    {
        _server.Enqueue(new DelayedResponse(TimeSpan.FromMilliseconds(50), new CompletionResponse(GoodAda, "stop", 10, 5)));
        var options = new ExtractOptions { AttemptTimeout = TimeSpan.FromMinutes(5) };

        var person = await _client.ExtractAsync<Person>(AdaText, options).WaitAsync(HangGuard);

        Assert.Equal(36, person.Age);
    }

    [Fact]
    public async Task Caller_cancellation_with_an_attempt_timeout_set_is_cancellation_not_a_timeout()
    {
        _server.Enqueue(Slow(GoodAda));
        var options = new ExtractOptions { AttemptTimeout = TimeSpan.FromMinutes(5) };
        using var cts = new CancellationTokenSource();

        Task<Person> call = _client.ExtractAsync<Person>(AdaText, options, cts.Token);
        await WaitUntilAsync(() => _server.Requests.Count == 1, "the server to receive the request");
        cts.Cancel();

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(HangGuard));
        Assert.Equal(cts.Token, e.CancellationToken);
        await WaitUntilAsync(() => _server.AbortedRequests == 1, "the server to see the request aborted");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > HangGuard)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }
}
