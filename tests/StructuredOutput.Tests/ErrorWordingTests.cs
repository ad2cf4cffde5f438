using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Tests;

/// <summary>
/// The exact words a model (or a developer) reads for each kind of error, and the exact re-ask. Each message names
/// what was expected and shows a bounded excerpt of what was found; they are short because every word costs tokens.
/// </summary>
public class ErrorWordingTests
{
    private static readonly string SixtyBadChildren =
        "{\"label\":\"r\",\"children\":[" + string.Join(",", Enumerable.Repeat("{\"label\":1,\"children\":[]}", 60)) + "]}";

    /// <summary>One answer per kind that <c>Parse</c> can produce: the kind, the answer, the error's path and exact message.</summary>
    public static TheoryData<ExtractionErrorKind, Func<string, ParseResult<object>>, string, string, string> ParseCases => new()
    {
        { ExtractionErrorKind.NoJson, Parse<Point>, "Sure! Here is the point you asked for.", "$", "expected one JSON object, found \"Sure! Here is the point you asked for.\"" },
        { ExtractionErrorKind.InvalidJson, Parse<Point>, """{"x":1,"y":2 oops}""", "$.y", "is not valid JSON: expected ',' or '}' after $.y, found \"oops}\" at line 1, column 14" },
        { ExtractionErrorKind.TooLarge, Parse<Point>, "{\"x\":1,\"y\":2}" + new string(' ', 4_000_000), "$", "the answer is 4,000,013 characters long, more than the 4,000,000 that are read; answer with the JSON object only" },
        { ExtractionErrorKind.TooDeep, Parse<TreeNode>, string.Concat(Enumerable.Repeat("{\"label\":\"a\",\"children\":[", 40)) + string.Concat(Enumerable.Repeat("]}", 40)), "$", "the JSON nests arrays and objects more than 64 levels deep" },
        { ExtractionErrorKind.Truncated, Parse<Point>, """{"x":1,"y":""", "$", "the answer ends before the JSON is complete (with 1 bracket left open)" },
        { ExtractionErrorKind.MultipleValues, Parse<Point>, """{"x":1,"y":2} {"x":3,"y":4}""", "$", "the answer holds more than one JSON object; answer with exactly one" },
        { ExtractionErrorKind.MissingProperty, Parse<Point>, """{"x":1}""", "$.y", "is required but missing; expected an integer" },
        { ExtractionErrorKind.DuplicateProperty, Parse<Point>, """{"x":1,"y":2,"x":[3]}""", "$.x", "expected once per object, found again with an array" },
        { ExtractionErrorKind.NullNotAllowed, Parse<Point>, """{"x":null,"y":2}""", "$.x", "expected an integer, found null" },
        { ExtractionErrorKind.WrongKind, Parse<Point>, """{"x":"one","y":2}""", "$.x", "expected an integer, found \"one\"" },
        { ExtractionErrorKind.NotAnInteger, Parse<Point>, """{"x":1.5,"y":2}""", "$.x", "expected an integer, found 1.5" },
        { ExtractionErrorKind.OutOfRange, Parse<Point>, """{"x":3000000000,"y":2}""", "$.x", "expected an integer from -2147483648 to 2147483647, found 3000000000" },
        { ExtractionErrorKind.UnknownEnumValue, Parse<Nullables>, """{"text":null,"flag":null,"count":null,"big":null,"ratio":null,"price":null,"color":"Teal","inner":null,"numbers":null}""", "$.color", "expected one of \"Red\", \"Green\", \"Blue\" or null, found \"Teal\"" },
        { ExtractionErrorKind.InvalidString, Parse<ChatTurn>, """{"prompt":"a\ud800b","answer":"c"}""", "$.prompt", "expected a valid Unicode string, found \"a\\ud800b\" (a lone surrogate escape)" },
        { ExtractionErrorKind.ConstructionFailed, Parse<Percentage>, """{"value":140}""", "$", "was rejected by the type: must be from 0 to 100 (Parameter 'Value')" },
        { ExtractionErrorKind.TooManyErrors, Parse<TreeNode>, SixtyBadChildren, "$", "10 more errors are not listed" },
        { ExtractionErrorKind.InvalidFormat, Parse<TypeSpace.Optionals>, """{"count":null,"day":"May 1","id":null,"link":null,"shade":null,"times":null,"initial":null}""", "$.day", "expected a date such as \"2024-05-01\" (YYYY-MM-DD) or null, found \"May 1\"" },
        { ExtractionErrorKind.ConstraintViolated, Parse<TypeSpace.Rating>, """{"stars":9}""", "$.stars", "expected a number from 1 to 5, found 9" },
        { ExtractionErrorKind.RuleViolated, Parse<TypeSpace.CheckedInvoice>, """{"items":[{"description":"a","amount":1}],"total":2}""", "$.total", "total must equal the sum of line items" },
        { ExtractionErrorKind.UnknownDiscriminator, Parse<Unions.Catalog>, """{"byName":{},"steps":[{"op":"mul","value":2}]}""", "$.steps[0].op", "expected one of \"num\", \"add\", \"neg\", found \"mul\"" },
    };

    /// <summary>
    /// The outcomes that end the extraction loop without a value, each from a scripted response: the failure kind, the
    /// attempt's <see cref="ExtractionAttempt.FailureMessage"/> (null when the answer's text says it all) and the first
    /// error of its text (null when it has none).
    /// </summary>
    public static TheoryData<ExtractionFailureKind, object, string?, string?> LoopCases => new()
    {
        {
            ExtractionFailureKind.Truncated, Answer("""{"x":1,"y""", ChatFinishReason.Length),
            null,
            "$: the answer was cut off at the output token limit (finish reason \"length\"), so a value read from it would be a guess; raise ChatOptions.MaxOutputTokens (now 50) or extract less per call"
        },
        {
            ExtractionFailureKind.Refusal,
            new ChatResponse(new ChatMessage(ChatRole.Assistant, new List<AIContent> { new ErrorContent("I can't help with that.") { ErrorCode = "Refusal" } })),
            "the model refused: I can't help with that.",
            null
        },
        {
            ExtractionFailureKind.Refusal,
            new ChatResponse(new ChatMessage(ChatRole.Assistant, new List<AIContent> { new ErrorContent(" ") { ErrorCode = "Refusal" } })),
            "the model refused: (no reason given)",
            null
        },
        {
            ExtractionFailureKind.ContentFilter, Answer(string.Empty, ChatFinishReason.ContentFilter),
            "the provider's content filter stopped the answer (finish reason \"content_filter\")",
            "$: the answer is empty; expected one JSON object"
        },
        {
            ExtractionFailureKind.TimedOut, new Hang(),
            "no answer within the attempt time-out of 0.05 s (ExtractOptions.AttemptTimeout); raise it or extract less per call",
            null
        },
        {
            ExtractionFailureKind.UnreadableResponse,
            new UnreadableResponseException("the body has no choices", "{\"choices\":[]}"),
            "the chat client could not read the provider's response: the body has no choices",
            null
        },
        {
            ExtractionFailureKind.UnreadableResponse,
            new System.Text.Json.JsonException("'<' is an invalid start of a value."),
            "the chat client could not read the provider's response: its body is not the JSON of a chat completion ('<' is an invalid start of a value.)",
            null
        },
    };

    [Theory]
    [MemberData(nameof(LoopCases))]
    public async Task Each_loop_outcome_has_exact_wording_and_is_not_re_asked(ExtractionFailureKind failure, object answer, string? failureMessage, string? firstError)
    {
        var client = new ScriptClient(answer, Answer("""{"x":1,"y":2}"""));
        var options = new ExtractOptions
        {
            AttemptTimeout = TimeSpan.FromMilliseconds(50),
            ChatOptions = new ChatOptions { MaxOutputTokens = 50 },
        };

        var result = await client.TryExtractAsync<Point>("in", options);

        Assert.Equal(failure, result.FailureKind);
        Assert.Equal(1, client.Calls);
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(failure, attempt.FailureKind);
        Assert.False(attempt.IsSuccess);
        Assert.Equal(failureMessage, attempt.FailureMessage);
        Assert.Equal(firstError, result.Errors.Count == 0 ? null : result.Errors[0].ToString());

        var thrown = await Assert.ThrowsAsync<ExtractionException>(() => new ScriptClient(answer).ExtractAsync<Point>("in", options));
        Assert.Equal(failure, thrown.FailureKind);
        Assert.Contains(failureMessage ?? firstError!, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_kind_has_a_wording_case()
    {
        var covered = ParseCases.Select(row => (ExtractionErrorKind)row[0]).ToHashSet();
        Assert.All(Enum.GetValues<ExtractionErrorKind>(), kind => Assert.Contains(kind, covered));
    }

    [Fact]
    public void Every_failure_kind_that_ends_the_loop_has_a_wording_case()
    {
        var covered = LoopCases.Select(row => (ExtractionFailureKind)row[0]).ToHashSet();
        covered.Add(ExtractionFailureKind.None);
        covered.Add(ExtractionFailureKind.InvalidAnswer); // its wording is the errors' own (ParseCases)
        covered.Add(ExtractionFailureKind.Interrupted); // streamed only: worded in Streaming/StreamingExtractionTests
        Assert.All(Enum.GetValues<ExtractionFailureKind>(), kind => Assert.Contains(kind, covered));
    }

    [Fact]
    public async Task A_tool_call_instead_of_an_answer_is_named_in_the_error_and_the_re_ask()
    {
        var call = new ChatResponse(new ChatMessage(ChatRole.Assistant, new List<AIContent>
        {
            new FunctionCallContent("c1", "get_weather"),
            new FunctionCallContent("c2", "lookup"),
        }))
        {
            FinishReason = ChatFinishReason.ToolCalls,
        };
        var client = new ScriptClient(call, Answer("""{"x":1,"y":2}"""));

        var result = await client.TryExtractAsync<Point>("in");

        Assert.True(result.IsSuccess);
        var error = Assert.Single(result.Attempts[0].Errors);
        Assert.Equal(ExtractionErrorKind.NoJson, error.Kind);
        Assert.Equal("$: the answer is a call of the tools \"get_weather\", \"lookup\" instead of the JSON object; answer with the JSON object itself, not a tool call", error.ToString());
        Assert.Equal("(no text: a call of the tools \"get_weather\", \"lookup\")", client.LastMessages[2].Text);
        Assert.Equal(
            "Your answer could not be used:\n- $: the answer is a call of the tools \"get_weather\", \"lookup\" instead of the JSON object; answer with the JSON object itself, not a tool call\nAnswer again with the complete corrected JSON object only.",
            client.LastMessages[3].Text);
    }

    [Fact]
    public async Task The_re_ask_shows_the_answer_and_lists_every_error_by_path()
    {
        const string answer = """{"x":"one","x":2}""";
        var client = new ScriptClient(Answer(answer), Answer("""{"x":1,"y":2}"""));

        await client.ExtractAsync<Point>("in");

        var reask = client.LastMessages;
        Assert.Equal(4, reask.Count);
        Assert.Equal(ChatRole.Assistant, reask[2].Role);
        Assert.Equal(answer, reask[2].Text);
        Assert.Equal(ChatRole.User, reask[3].Role);
        Assert.Equal(
            """
            Your answer could not be used:
            - $.x: expected an integer, found "one"
            - $.x: expected once per object, found again with 2
            - $.y: is required but missing; expected an integer
            Answer again with the complete corrected JSON object only.
            """.ReplaceLineEndings("\n"),
            reask[3].Text);
    }

    [Fact]
    public async Task A_long_failed_answer_is_echoed_cut_to_a_bounded_length()
    {
        string answer = "{\"x\":\"" + new string('a', 20_000) + "\",\"y\":2}";
        var client = new ScriptClient(Answer(answer), Answer("""{"x":1,"y":2}"""));

        await client.ExtractAsync<Point>("in");

        string echoed = client.LastMessages[2].Text;
        Assert.Equal(answer.Substring(0, 16_000) + "\n[… answer cut here: " + (answer.Length - 16_000) + " more characters]", echoed);
        string reask = client.LastMessages[3].Text;
        Assert.Equal("Your answer could not be used:\n- $.x: expected an integer, found \"" + new string('a', 60) + "…\"\nAnswer again with the complete corrected JSON object only.", reask);
    }

    private static ParseResult<object> Parse<T>(string answer) where T : ILlmExtractable<T>
    {
        var result = LlmContract<T>.Parse(answer);
        return result.IsSuccess ? ParseResult<object>.Success(result.Value!, result.Repairs) : ParseResult<object>.Failure(result.Errors, result.Repairs);
    }

    private static ChatResponse Answer(string text, ChatFinishReason? finish = null) =>
        new(new ChatMessage(ChatRole.Assistant, text)) { FinishReason = finish ?? ChatFinishReason.Stop };

    private sealed class Hang
    {
    }

    /// <summary>Answers from a script: a response, an exception to throw, or a request that waits until cancelled.</summary>
    private sealed class ScriptClient : IChatClient
    {
        private readonly Queue<object> _script;

        public ScriptClient(params object[] script) => _script = new Queue<object>(script);

        public int Calls { get; private set; }

        public IList<ChatMessage> LastMessages { get; private set; } = Array.Empty<ChatMessage>();

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            LastMessages = messages.ToList();
            switch (_script.Dequeue())
            {
                case ChatResponse response:
                    return response;
                case Exception exception:
                    throw exception;
                default:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    throw new InvalidOperationException("not reached");
            }
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
