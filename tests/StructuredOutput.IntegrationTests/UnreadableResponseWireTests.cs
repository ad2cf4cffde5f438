using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// Responses the OpenAI SDK cannot read, through the real SDK and HTTP: with the response check
/// (<c>OpenAIClientOptions.AddResponseCheck()</c>) each is an <see cref="ExtractionFailureKind.UnreadableResponse"/>
/// whose attempt keeps the body exactly as sent; without it, what the SDK throws decides (docs/compatible-servers.md).
/// </summary>
public sealed class UnreadableResponseWireTests : ServerTestBase
{
    private const string AdaText = "Ada Lovelace, 36.";
    private const string GoodAda = """{"name":"Ada Lovelace","age":36,"email":null}""";
    private const string AgeAsWord = """{"name":"Ada Lovelace","age":"thirty-six","email":null}""";

    /// <summary>Bodies a 200 response may carry that are no chat completion the SDK can read, and the reason each gives.</summary>
    public static TheoryData<string, string, string> Bodies => new()
    {
        { "not JSON", "<html><body>502 Bad Gateway</body></html>", "the body is not JSON" },
        { "empty body", "", "the body is not JSON" },
        { "empty choices", Completion("\"choices\":[]"), "\"choices\" is empty" },
        { "missing choices", Completion(null), "the body has no \"choices\" array" },
        { "error in a 200", """{"error":{"message":"upstream failed after generation started","code":502}}""", "the body is an error, not a completion: upstream failed after generation started" },
        { "lone surrogate in content", Completion(Choice("\"content\":\"{\\\"name\\\":\\\"Ada\\ud800\\\",\\\"age\\\":36,\\\"email\\\":null}\"", "\"stop\"")), "choices[0].message.content is not valid Unicode" },
        { "lone low surrogate in refusal", Completion(Choice("\"content\":null,\"refusal\":\"no \\udc00\"", "\"stop\"")), "choices[0].message.refusal is not valid Unicode" },
        { "numeric content", Completion(Choice("\"content\":42", "\"stop\"")), "choices[0].message.content is 42, not a string" },
        { "unknown finish reason", Completion(Choice("\"content\":" + Quote(GoodAda), "\"banana\"")), "choices[0].finish_reason is \"banana\", which the OpenAI SDK cannot read" },
        { "numeric finish reason", Completion(Choice("\"content\":" + Quote(GoodAda), "7")), "choices[0].finish_reason is 7, not a string" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task With_the_response_check_an_unreadable_body_is_a_typed_failure_that_keeps_the_body(string what, string body, string reason)
    {
        using var client = FakeOpenAIServer.CreateChatClient(_server.CreateClientOptions().AddResponseCheck());
        _server.EnqueueCompletion(AgeAsWord);
        _server.Enqueue(new RawResponse(200, body));
        _server.Fallback = _ => new CompletionResponse(GoodAda, "stop", 10, 5); // would answer a further request

        var result = await client.TryExtractAsync<Person>(AdaText, new ExtractOptions { MaxRetries = 3 });

        Assert.True(result.FailureKind == ExtractionFailureKind.UnreadableResponse, what + ": " + result.FailureKind);
        Assert.Equal(2, result.Attempts.Count);
        Assert.Equal(AgeAsWord, result.Attempts[0].RawResponse);
        var attempt = result.Attempts[1];
        Assert.Equal(ExtractionFailureKind.UnreadableResponse, attempt.FailureKind);
        Assert.Equal(body, attempt.ResponseBody);
        Assert.Null(attempt.RawResponse);
        Assert.Empty(attempt.Errors);
        Assert.StartsWith("the chat client could not read the provider's response: " + reason, attempt.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(2, _server.Requests.Count); // not asked again

        var e = await Assert.ThrowsAsync<ExtractionException>(() => RunAgainAsync(client, body));
        Assert.Equal(ExtractionFailureKind.UnreadableResponse, e.FailureKind);
        var inner = Assert.IsType<UnreadableResponseException>(e.InnerException);
        Assert.Equal(body, inner.ResponseBody);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_response_check_a_good_response_passes_unchanged()
    {
        using var client = FakeOpenAIServer.CreateChatClient(_server.CreateClientOptions().AddResponseCheck());
        _server.EnqueueCompletion("""{"name":"Ada \ud83d\ude00 Lovelace","age":36,"email":null}""");

        var result = await client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal("Ada \ud83d\ude00 Lovelace", result.Value!.Name);
        Assert.Null(result.Attempts[0].ResponseBody);
    }

    [Fact]
    public async Task With_the_response_check_http_errors_still_propagate_as_the_sdks_own()
    {
        using var client = FakeOpenAIServer.CreateChatClient(_server.CreateClientOptions().AddResponseCheck());
        _server.EnqueueError(400, "bad request", "invalid_request_error");

        var e = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => client.ExtractAsync<Person>(AdaText));
        Assert.Equal(400, e.Status);
    }

    /// <summary>Without the check, a body that is not JSON still ends typed (the SDK throws a JsonException), but without the body.</summary>
    [Theory]
    [InlineData("<html>502</html>")]
    [InlineData("")]
    public async Task Without_the_response_check_a_body_that_is_not_json_is_typed_but_has_no_body(string body)
    {
        _server.Enqueue(new RawResponse(200, body));

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.Equal(ExtractionFailureKind.UnreadableResponse, result.FailureKind);
        Assert.Null(result.Attempts[0].ResponseBody);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(await CauseAsync(body));
        Assert.Equal(2, _server.Requests.Count); // one per extraction: not asked again
    }

    /// <summary>Without the check, the SDK's own exceptions for the other bodies propagate unchanged.</summary>
    [Theory]
    [InlineData("empty choices", typeof(ArgumentOutOfRangeException))]
    [InlineData("lone surrogate in content", typeof(InvalidOperationException))]
    [InlineData("unknown finish reason", typeof(ArgumentOutOfRangeException))]
    [InlineData("missing choices", typeof(ArgumentOutOfRangeException))]
    [InlineData("lone low surrogate in refusal", typeof(InvalidOperationException))]
    [InlineData("error in a 200", typeof(ArgumentOutOfRangeException))]
    [InlineData("numeric content", typeof(System.ClientModel.ClientResultException))]
    public async Task Without_the_response_check_the_sdks_own_exception_propagates(string what, Type thrown)
    {
        string body = (string)Bodies.Single(row => (string)row[0] == what)[1];
        _server.Enqueue(new RawResponse(200, body));

        var e = await Record.ExceptionAsync(() => _client.ExtractAsync<Person>(AdaText));

        Assert.NotNull(e);
        Assert.IsType(thrown, e);
    }

    private async Task<Exception?> CauseAsync(string body)
    {
        _server.Enqueue(new RawResponse(200, body));
        var e = await Assert.ThrowsAsync<ExtractionException>(() => _client.ExtractAsync<Person>(AdaText));
        return e.InnerException;
    }

    private Task<Person> RunAgainAsync(IChatClient client, string body)
    {
        _server.Enqueue(new RawResponse(200, body));
        return client.ExtractAsync<Person>(AdaText);
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string Choice(string message, string finishReason) =>
        "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\"," + message + "},\"finish_reason\":" + finishReason + ",\"logprobs\":null}]";

    private static string Completion(string? choices) =>
        "{\"id\":\"chatcmpl-raw\",\"object\":\"chat.completion\",\"created\":1764000000,\"model\":\"test-model\","
        + (choices is null ? string.Empty : choices + ",")
        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
}
