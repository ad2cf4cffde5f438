using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Tests;

/// <summary>
/// The conversation without a chat client asks and judges exactly as <c>ExtractAsync</c> does: the same messages and
/// options, the same re-ask, the same attempts and outcomes.
/// </summary>
public class ExtractionConversationTests
{
    private const string Good = """{"x":1,"y":2}""";
    private const string Bad = """{"x":"one","y":2}""";

    [Fact]
    public async Task The_first_request_is_the_one_ExtractAsync_sends()
    {
        var options = new ExtractOptions { ChatOptions = new ChatOptions { ModelId = "m", Temperature = 0.2f, MaxOutputTokens = 99 } };
        var client = new ScriptedClient(Answer(Good));
        await client.ExtractAsync<Point>("The point is (1, 2).", options);

        var conversation = new ExtractionConversation<Point>("The point is (1, 2).", options);

        var sent = client.Calls.Single();
        Assert.False(conversation.IsFinished);
        Assert.Equal(sent.Options!.ResponseFormat, conversation.ChatOptions.ResponseFormat);
        Assert.Equal("m", conversation.ChatOptions.ModelId);
        Assert.Equal(99, conversation.ChatOptions.MaxOutputTokens);
        Assert.NotSame(options.ChatOptions, conversation.ChatOptions);
        Assert.Null(options.ChatOptions.ResponseFormat);
        Assert.Equal(Roles(sent.Messages), Roles(conversation.Messages));
        Assert.Equal(sent.Messages[0].Text, conversation.Messages[0].Text);
        Assert.Equal(
            ExtractionLoopTests.DelimitedInput(sent.Messages[1].Text, out _),
            ExtractionLoopTests.DelimitedInput(conversation.Messages[1].Text, out _));
    }

    [Fact]
    public void A_flawed_answer_prepares_the_re_ask_and_a_good_one_finishes_with_the_value()
    {
        var conversation = new ExtractionConversation<Point>("in");

        ExtractionAttempt first = conversation.Record(Answer(Bad, usage: (10, 5)));

        Assert.Equal(ExtractionFailureKind.InvalidAnswer, first.FailureKind);
        Assert.False(conversation.IsFinished);
        Assert.Equal(4, conversation.Messages.Count);
        Assert.Equal(ChatRole.Assistant, conversation.Messages[2].Role);
        Assert.Equal(Bad, conversation.Messages[2].Text);
        Assert.StartsWith("Your answer could not be used:\n- $.x: ", conversation.Messages[3].Text, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => conversation.Result);

        ExtractionAttempt second = conversation.Record(Answer(Good, usage: (20, 6)));

        Assert.True(second.IsSuccess);
        Assert.True(conversation.IsFinished);
        Assert.Equal(new Point(1, 2), conversation.Result.Value);
        Assert.Equal(new[] { first, second }, conversation.Result.Attempts);
        Assert.Equal(30, conversation.Result.Usage!.InputTokenCount);
        Assert.Equal(11, conversation.Result.Usage!.OutputTokenCount);
        Assert.Throws<InvalidOperationException>(() => conversation.Record(Answer(Good)));
    }

    [Fact]
    public void Retries_are_counted_as_in_ExtractAsync()
    {
        var conversation = new ExtractionConversation<Point>("in", new ExtractOptions { MaxRetries = 2 });
        conversation.Record(Answer(Bad));
        conversation.Record(Answer("{}"));
        Assert.False(conversation.IsFinished);
        Assert.Equal(4, conversation.Messages.Count); // only the newest failed answer stays
        Assert.Equal("{}", conversation.Messages[2].Text);
        conversation.Record(Answer(Bad));

        Assert.True(conversation.IsFinished);
        Assert.Equal(ExtractionFailureKind.InvalidAnswer, conversation.Result.FailureKind);
        Assert.Equal(3, conversation.Result.Attempts.Count);
    }

    public static TheoryData<string> Scripts => new()
    {
        "good",
        "bad good",
        "bad bad",
        "refusal",
        "bad cut",
        "filtered",
        "tool bad",
        "fenced-cut",
    };

    /// <summary>Every attempt, outcome and re-ask the loop produces for a script, the conversation produces too.</summary>
    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Drives_to_the_same_attempts_and_outcome_as_TryExtractAsync(string script)
    {
        var options = new ExtractOptions { MaxRetries = 1, ChatOptions = new ChatOptions { MaxOutputTokens = 50 } };
        var client = new ScriptedClient(script.Split(' ').Select(Scripted).ToArray());
        ExtractionResult<Point> expected = await client.TryExtractAsync<Point>("in", options);

        var conversation = new ExtractionConversation<Point>("in", options);
        int index = 0;
        while (!conversation.IsFinished)
        {
            if (index > 0)
            {
                Assert.Equal(Texts(client.Calls[index].Messages.Skip(2)), Texts(conversation.Messages.Skip(2)));
            }

            conversation.Record(Scripted(script.Split(' ')[index++]));
        }

        ExtractionResult<Point> actual = conversation.Result;
        Assert.Equal(client.Calls.Count, index);
        Assert.Equal(expected.FailureKind, actual.FailureKind);
        Assert.Equal(expected.Value, actual.Value);
        Assert.Equal(Describe(expected.Attempts), Describe(actual.Attempts));
    }

    [Fact]
    public void An_unreadable_response_finishes_with_its_body_and_cause()
    {
        var conversation = new ExtractionConversation<Point>("in");
        var unreadable = new UnreadableResponseException("no choices", "{\"choices\":[]}");

        ExtractionAttempt attempt = conversation.RecordUnreadable(unreadable);

        Assert.Equal(ExtractionFailureKind.UnreadableResponse, attempt.FailureKind);
        Assert.Equal("{\"choices\":[]}", attempt.ResponseBody);
        Assert.Contains("no choices", attempt.FailureMessage, StringComparison.Ordinal);
        Assert.Same(unreadable, new ExtractionException("Point", conversation.Result.FailureKind, conversation.Result.Attempts, conversation.Result.Cause).InnerException);
    }

    [Fact]
    public void A_body_that_is_not_JSON_is_unreadable_and_other_exceptions_are_not_outcomes()
    {
        var conversation = new ExtractionConversation<Point>("in");
        Assert.Throws<ArgumentException>(() => conversation.RecordUnreadable(new InvalidOperationException("HTTP 500")));
        Assert.False(conversation.IsFinished);

        conversation.RecordUnreadable(new JsonException("'<' is an invalid start of a value."));

        Assert.Equal(ExtractionFailureKind.UnreadableResponse, conversation.Result.FailureKind);
        Assert.Contains("'<' is an invalid start", conversation.Result.Attempts[0].FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_out_finishes_without_a_re_ask()
    {
        var conversation = new ExtractionConversation<Point>("in", new ExtractOptions { MaxRetries = 3 });

        conversation.RecordTimedOut(TimeSpan.FromSeconds(1.5));

        Assert.True(conversation.IsFinished);
        Assert.Equal(ExtractionFailureKind.TimedOut, conversation.Result.FailureKind);
        Assert.Contains("1.5 s", conversation.Result.Attempts[0].FailureMessage, StringComparison.Ordinal);
        Assert.Equal(2, conversation.Messages.Count);
    }

    private static ChatResponse Scripted(string step) => step switch
    {
        "good" => Answer(Good, usage: (3, 4)),
        "bad" => Answer(Bad, usage: (5, 6)),
        "cut" => Answer("""{"x":1,"y":""", ChatFinishReason.Length),
        "fenced-cut" => Answer("```json\n{\"x\":1,\"y\":2}", ChatFinishReason.Length),
        "filtered" => Answer("""{"x":1""", ChatFinishReason.ContentFilter),
        "refusal" => new ChatResponse(new ChatMessage(ChatRole.Assistant, new List<AIContent> { new ErrorContent("I cannot help with that.") { ErrorCode = "Refusal" } })) { FinishReason = ChatFinishReason.Stop },
        "tool" => new ChatResponse(new ChatMessage(ChatRole.Assistant, new List<AIContent> { new FunctionCallContent("c1", "lookup") })) { FinishReason = ChatFinishReason.ToolCalls },
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };

    private static string[] Describe(IEnumerable<ExtractionAttempt> attempts) => attempts
        .Select(a => $"{a.Number} {a.FailureKind} {a.FailureMessage} {a.RawResponse} {a.FinishReason} {a.Refusal} [{string.Join("; ", a.Errors)}] [{string.Join("; ", a.Repairs)}] {a.Usage?.TotalTokenCount}")
        .ToArray();

    private static string[] Roles(IEnumerable<ChatMessage> messages) => messages.Select(m => m.Role.Value).ToArray();

    private static string[] Texts(IEnumerable<ChatMessage> messages) => messages.Select(m => m.Role.Value + ": " + m.Text).ToArray();

    internal static ChatResponse Answer(string text, ChatFinishReason? finish = null, (int In, int Out)? usage = null) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            FinishReason = finish ?? ChatFinishReason.Stop,
            Usage = usage is { } u ? new UsageDetails { InputTokenCount = u.In, OutputTokenCount = u.Out, TotalTokenCount = u.In + u.Out } : null,
        };

    /// <summary>Answers from a script, in order, and records each call.</summary>
    private sealed class ScriptedClient : IChatClient
    {
        private readonly Queue<ChatResponse> _answers;

        public ScriptedClient(params ChatResponse[] answers) => _answers = new Queue<ChatResponse>(answers);

        public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = new();

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls.Add((messages.ToList(), options));
            return Task.FromResult(_answers.Dequeue());
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
