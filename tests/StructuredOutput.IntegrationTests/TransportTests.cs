using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests;

/// <summary>HTTP errors, cancellation, finish reasons of OpenAI-compatible servers, and concurrency.</summary>
public sealed class TransportTests : ServerTestBase
{
    private const string AdaText = "Ada Lovelace, 36.";
    private const string GoodAda = """{"name":"Ada Lovelace","age":36,"email":null}""";
    private const string AgeAsWord = """{"name":"Ada Lovelace","age":"thirty-six","email":null}""";

    [Fact]
    public async Task Http_400_propagates_as_ClientResultException_with_the_provider_message_and_no_reask()
    {
        _server.EnqueueError(400, "Invalid 'messages': the model `test-model` does not exist.", "model_not_found");
        _server.EnqueueCompletion(GoodAda); // would be used by a re-ask

        var e = await Assert.ThrowsAsync<ClientResultException>(() => _client.ExtractAsync<Person>(AdaText));

        Assert.Equal(400, e.Status);
        Assert.Contains("the model `test-model` does not exist", e.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
        Assert.False(e.Data.Contains(ExtractionException.AttemptsDataKey)); // no earlier attempt to attach
    }

    [Fact]
    public async Task Http_400_also_propagates_from_TryExtractAsync()
    {
        _server.EnqueueError(400, "context_length_exceeded somewhere", "context_length_exceeded");

        var e = await Assert.ThrowsAsync<ClientResultException>(() => _client.TryExtractAsync<Person>(AdaText));

        Assert.Equal(400, e.Status);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Flawed_answer_then_http_400_attaches_the_first_attempt_to_the_exception()
    {
        _server.EnqueueCompletion(AgeAsWord);
        _server.EnqueueError(400, "Request too large for the re-ask.", "request_too_large");

        var e = await Assert.ThrowsAsync<ClientResultException>(() => _client.ExtractAsync<Person>(AdaText));

        Assert.Equal(400, e.Status);
        Assert.Contains("Request too large for the re-ask.", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, _server.Requests.Count);
        var attempts = Assert.IsAssignableFrom<IReadOnlyList<ExtractionAttempt>>(e.Data[ExtractionException.AttemptsDataKey]);
        var attempt = Assert.Single(attempts);
        Assert.Equal(AgeAsWord, attempt.RawResponse);
        Assert.Equal("$.age", Assert.Single(attempt.Errors).Path);
    }

    /// <summary>
    /// 401, 429 and 500 after a flawed first answer: the SDK's exception surfaces with the status and the provider's
    /// message, the first answer is attached, and the extractor sends no request of its own after the error. The SDK's
    /// retry policy (kept as it is; the server's Retry-After of 0 keeps the test fast) re-sends 429 and 500 itself:
    /// every request after the first is the same re-ask, byte for byte.
    /// </summary>
    [Theory]
    [InlineData(401, "Incorrect API key provided: test-key.", "invalid_api_key", 1)]
    [InlineData(429, "Rate limit reached for test-model on tokens per min (TPM).", "rate_limit_exceeded", 4)]
    [InlineData(500, "The server had an error while processing your request.", null, 4)]
    public async Task Http_errors_surface_with_status_and_provider_message_and_are_never_reasked(int status, string message, string? code, int sends)
    {
        _server.EnqueueCompletion(AgeAsWord);
        _server.Fallback = _ => new ErrorResponse(status, message, code, RetryAfterSeconds: 0);

        var e = await Assert.ThrowsAsync<ClientResultException>(() => _client.ExtractAsync<Person>(AdaText));

        Assert.Equal(status, e.Status);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        var attempts = Assert.IsAssignableFrom<IReadOnlyList<ExtractionAttempt>>(e.Data[ExtractionException.AttemptsDataKey]);
        Assert.Equal(AgeAsWord, Assert.Single(attempts).RawResponse);

        var requests = _server.Requests;
        Assert.Equal(1 + sends, requests.Count);
        Assert.Equal(2, requests[0].Messages.Count);
        Assert.Equal(4, requests[1].Messages.Count);
        Assert.All(requests.Skip(1), r => Assert.Equal(requests[1].Raw, r.Raw));
    }

    [Fact]
    public async Task A_non_standard_error_body_is_still_reachable_from_the_exception()
    {
        // LM Studio sends "error" as a plain string rather than OpenAI's object.
        _server.Enqueue(new ErrorResponse(400, string.Empty, null, RawBody: """{"error":"Model 'test-model' is not loaded."}"""));

        var e = await Assert.ThrowsAsync<ClientResultException>(() => _client.ExtractAsync<Person>(AdaText));

        Assert.Equal(400, e.Status);
        string body = e.GetRawResponse()!.Content.ToString();
        Assert.Contains("Model 'test-model' is not loaded.", body, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Cancelling_a_request_in_flight_throws_OperationCanceledException_and_aborts_the_http_request()
    {
        _server.EnqueueHang();
        using var cts = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();

        Task<Person> call = _client.ExtractAsync<Person>(AdaText, cancellationToken: cts.Token);
        await WaitUntilAsync(() => _server.Requests.Count == 1, "the server to receive the request");
        cts.CancelAfter(TimeSpan.FromMilliseconds(100));

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {watch.Elapsed}"); // liveness only
        Assert.False(e.Data.Contains(ExtractionException.AttemptsDataKey));
        await WaitUntilAsync(() => _server.AbortedRequests == 1, "the server to see the request aborted");
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        _server.EnqueueCompletion(GoodAda);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _client.ExtractAsync<Person>(AdaText, cancellationToken: new CancellationToken(canceled: true)));

        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData("tool_calls")]
    [InlineData("function_call")] // the legacy spelling; the SDK maps it to tool_calls
    public async Task Other_known_finish_reasons_with_a_valid_answer_succeed(string finishReason)
    {
        _server.EnqueueCompletion(GoodAda, finishReason);

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess);
        Assert.Equal(36, result.Value!.Age);
        Assert.Equal(ChatFinishReason.ToolCalls, result.Attempts[0].FinishReason);
    }

    [Fact]
    public async Task A_missing_finish_reason_is_read_as_stop_by_the_sdk_and_extraction_succeeds()
    {
        _server.Enqueue(new CompletionResponse(GoodAda, null, 10, 5, OmitFinishReason: true));

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess);
        Assert.Equal("Ada Lovelace", result.Value!.Name);
        Assert.Equal(ChatFinishReason.Stop, result.Attempts[0].FinishReason);
    }

    /// <summary>
    /// Without the response check, the OpenAI SDK (2.15.0) rejects any finish_reason outside its enum, including an
    /// explicit JSON null and "" (which some OpenAI-compatible servers send), with an
    /// <see cref="ArgumentOutOfRangeException"/> thrown while it reads the response. The extractor does not guess from
    /// the exception's wording: it propagates unchanged, with the earlier answers attached.
    /// </summary>
    [Theory]
    [InlineData("eos")]
    [InlineData(null)]
    [InlineData("")]
    public async Task Without_the_response_check_an_unreadable_finish_reason_propagates_with_the_earlier_answers(string? finishReason)
    {
        _server.EnqueueCompletion(AgeAsWord);
        _server.EnqueueCompletion(GoodAda, finishReason);

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.ExtractAsync<Person>(AdaText));

        Assert.Equal("OpenAI", e.TargetSite?.DeclaringType?.Assembly.GetName().Name); // thrown by the SDK itself
        var attempts = Assert.IsAssignableFrom<IReadOnlyList<ExtractionAttempt>>(e.Data[ExtractionException.AttemptsDataKey]);
        Assert.Equal(AgeAsWord, Assert.Single(attempts).RawResponse);
        Assert.Equal(2, _server.Requests.Count);
    }

    /// <summary>With the response check, the spellings of compatible servers read as the SDK's own values.</summary>
    [Theory]
    [InlineData("eos")]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("end")]
    [InlineData("end_turn")]
    [InlineData("STOP")]
    public async Task With_the_response_check_a_non_standard_end_of_generation_reads_as_stop(string? finishReason)
    {
        using var client = FakeOpenAIServer.CreateChatClient(_server.CreateClientOptions().AddResponseCheck());
        _server.EnqueueCompletion(GoodAda, finishReason);

        var result = await client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Person("Ada Lovelace", 36, null), result.Value);
        Assert.Equal(ChatFinishReason.Stop, result.Attempts[0].FinishReason);
        Assert.Equal(15, result.Usage?.TotalTokenCount);
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("model_length")]
    [InlineData("LENGTH")]
    public async Task With_the_response_check_a_token_limit_spelling_still_reads_as_length(string finishReason)
    {
        using var client = FakeOpenAIServer.CreateChatClient(_server.CreateClientOptions().AddResponseCheck());
        _server.EnqueueCompletion("""{"name":"Ada Lov""", finishReason);

        var result = await client.TryExtractAsync<Person>(AdaText);

        Assert.Equal(ExtractionFailureKind.Truncated, result.FailureKind);
        Assert.Equal(ChatFinishReason.Length, result.Attempts[0].FinishReason);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Eight_parallel_extractions_on_one_client_each_get_their_own_value()
    {
        // Each answer is derived from the request's own document; even-numbered people get a flawed first answer so
        // that re-asks interleave with first requests.
        _server.Fallback = request =>
        {
            int n = int.Parse(Regex.Match(request.Text(1), @"person number (\d+)").Groups[1].Value);
            bool firstTry = request.Messages.Count == 2;
            string age = firstTry && n % 2 == 0 ? "\"old\"" : (20 + n).ToString();
            return new CompletionResponse($$"""{"name":"Person {{n}}","age":{{age}},"email":"p{{n}}@example.org"}""", "stop", 10 + n, 1);
        };

        var calls = Enumerable.Range(1, 8)
            .Select(n => Task.Run(() => _client.TryExtractAsync<Person>($"This is person number {n}.")))
            .ToArray();
        var results = await Task.WhenAll(calls);

        for (int i = 0; i < results.Length; i++)
        {
            int n = i + 1;
            var result = results[i];
            Assert.True(result.IsSuccess, $"person {n}: {string.Join("; ", result.Errors)}");
            Assert.Equal(new Person($"Person {n}", 20 + n, $"p{n}@example.org"), result.Value);
            Assert.Equal(n % 2 == 0 ? 2 : 1, result.Attempts.Count);
            Assert.Equal((10 + n) * result.Attempts.Count, result.Usage?.InputTokenCount);
        }

        Assert.Equal(12, _server.Requests.Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }
}
