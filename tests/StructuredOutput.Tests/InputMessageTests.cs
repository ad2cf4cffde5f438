using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;

namespace StructuredOutput.Tests;

/// <summary>
/// Inputs that are messages: what is sent for a message with an image, a conversation and instructions, how the data is
/// delimited, what a re-ask keeps, and the argument errors.
/// </summary>
public class InputMessageTests
{
    private const string Good = """{"x":1,"y":2}""";
    private const string Bad = """{"x":"one","y":2}""";
    private const string Bad2 = """{"x":1}""";

    private static readonly byte[] Png = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };

    [Fact]
    public async Task A_message_with_an_image_is_sent_after_the_system_message_with_its_text_delimited_and_the_image_unchanged()
    {
        var image = new DataContent(Png, "image/png");
        var message = new ChatMessage(ChatRole.User, new List<AIContent> { new TextContent("Receipt of 3 May:"), image }) { AuthorName = "clerk" };
        var client = new RecordingClient(Good);

        Point point = await client.ExtractAsync<Point>(message);

        Assert.Equal(new Point(1, 2), point);
        var sent = Assert.Single(client.Calls).Messages;
        Assert.Equal(2, sent.Count);
        Assert.Equal(ChatRole.System, sent[0].Role);
        Assert.Same(SystemPrompt<Point>.Text, sent[0].Text);
        Assert.Equal(ChatRole.User, sent[1].Role);
        Assert.Equal("clerk", sent[1].AuthorName);
        Assert.Equal(2, sent[1].Contents.Count);
        Assert.Equal("Receipt of 3 May:", ExtractionLoopTests.DelimitedInput(((TextContent)sent[1].Contents[0]).Text, out _));
        Assert.Same(image, sent[1].Contents[1]);

        // The caller's message is not changed.
        Assert.Equal("Receipt of 3 May:", message.Text);
        Assert.NotSame(message, sent[1]);
    }

    [Fact]
    public async Task A_message_with_no_text_is_sent_as_it_is()
    {
        var message = new ChatMessage(ChatRole.User, new List<AIContent> { new UriContent(new Uri("https://example.org/receipt.png"), "image/png") });
        var client = new RecordingClient(Good);

        await client.ExtractAsync<Point>(message);

        Assert.Same(message, client.Calls[0].Messages[1]);
    }

    [Fact]
    public async Task A_conversation_keeps_its_roles_and_order_and_its_user_and_assistant_text_shares_one_boundary()
    {
        var conversation = new List<ChatMessage>
        {
            new(ChatRole.System, "The customer speaks of points on a grid."),
            new(ChatRole.User, "I'd like the point x=1."),
            new(ChatRole.Assistant, "Noted. And y?"),
            new(ChatRole.Tool, new List<AIContent> { new FunctionResultContent("call_1", "grid ok") }),
            new(ChatRole.User, "y=2, please."),
        };
        var client = new RecordingClient(Good);

        await client.ExtractAsync<Point>(conversation);

        var sent = client.Calls[0].Messages;
        Assert.Equal(
            new[] { ChatRole.System, ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.User },
            sent.Select(m => m.Role));
        Assert.Same(SystemPrompt<Point>.Text, sent[0].Text);
        Assert.Same(conversation[0], sent[1]); // the caller's instructions, not delimited
        Assert.Same(conversation[3], sent[4]); // no text part: as it is
        Assert.Equal("I'd like the point x=1.", ExtractionLoopTests.DelimitedInput(sent[2].Text, out string first));
        Assert.Equal("Noted. And y?", ExtractionLoopTests.DelimitedInput(sent[3].Text, out string second));
        Assert.Equal("y=2, please.", ExtractionLoopTests.DelimitedInput(sent[5].Text, out string third));
        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Equal(5, conversation.Count);
    }

    [Fact]
    public void Each_text_part_is_delimited_in_place_and_the_boundary_is_drawn_again_while_any_text_holds_it()
    {
        // The first draw is in the assistant's text, the second in the caller's system message, the third is free.
        var image = new DataContent(Png, "image/png");
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "Rules: 0123456789abcdef means nothing."),
            new(ChatRole.User, new List<AIContent> { new TextContent("first"), image, new TextContent("second") }),
            new(ChatRole.Assistant, "I saw =====feedfacecafebeef===== somewhere."),
        };
        var draws = new Queue<ulong>(new[] { 0xfeedfacecafebeefUL, 0x0123456789abcdefUL, 42UL });
        var sent = new List<ChatMessage>();

        InputDelimiter.Delimit(messages, sent, draws.Dequeue);

        Assert.Empty(draws);
        Assert.Same(messages[0], sent[0]);
        Assert.Equal(InputDelimiter.Compose("first", 42), ((TextContent)sent[1].Contents[0]).Text);
        Assert.Same(image, sent[1].Contents[1]);
        Assert.Equal(InputDelimiter.Compose("second", 42), ((TextContent)sent[1].Contents[2]).Text);
        Assert.Equal(InputDelimiter.Compose("I saw =====feedfacecafebeef===== somewhere.", 42), sent[2].Text);
    }

    [Theory]
    [MemberData(nameof(ExtractionLoopTests.HostileInputs), MemberType = typeof(ExtractionLoopTests))]
    public async Task No_part_of_a_conversation_can_end_a_delimited_region_early(string hostile)
    {
        var conversation = new List<ChatMessage>
        {
            new(ChatRole.User, new List<AIContent> { new TextContent(hostile), new DataContent(Png, "image/png"), new TextContent(hostile + "!") }),
            new(ChatRole.Assistant, hostile),
            new(ChatRole.User, "and " + hostile),
        };
        var client = new RecordingClient(Good);

        await client.ExtractAsync<Point>(conversation);

        var sent = client.Calls[0].Messages;
        var texts = sent.Skip(1).SelectMany(m => m.Contents.OfType<TextContent>()).Select(t => t.Text).ToList();
        Assert.Equal(4, texts.Count);
        Assert.Equal(hostile, ExtractionLoopTests.DelimitedInput(texts[0], out string boundary));
        Assert.Equal(hostile + "!", ExtractionLoopTests.DelimitedInput(texts[1], out _));
        Assert.Equal(hostile, ExtractionLoopTests.DelimitedInput(texts[2], out _));
        Assert.Equal("and " + hostile, ExtractionLoopTests.DelimitedInput(texts[3], out _));
        foreach (string text in texts)
        {
            Assert.Equal(3, (text.Length - text.Replace(boundary, string.Empty, StringComparison.Ordinal).Length) / boundary.Length);
        }
    }

    [Fact]
    public async Task A_delimited_message_is_sent_without_the_callers_raw_representation()
    {
        // A client may send a message's raw representation instead of its contents; the copy must not carry it.
        var message = new ChatMessage(ChatRole.User, "x=1, y=2") { RawRepresentation = new object(), MessageId = "m1" };
        var client = new RecordingClient(Good);

        await client.ExtractAsync<Point>(message);

        var sent = client.Calls[0].Messages[1];
        Assert.Null(sent.RawRepresentation);
        Assert.Equal("m1", sent.MessageId);
        Assert.Equal("x=1, y=2", ExtractionLoopTests.DelimitedInput(sent.Text, out _));
    }

    [Fact]
    public async Task Instructions_follow_the_prompt_in_the_system_message_chat_options_first_then_the_calls()
    {
        var chatOptions = new ChatOptions { Instructions = "Coordinates are in metres.", ModelId = "m" };
        var options = new ExtractOptions { ChatOptions = chatOptions, Instructions = "Round to whole numbers." };
        var client = new RecordingClient(Good);

        await client.ExtractAsync<Point>("x is 1.2, y is 2", options);

        var call = Assert.Single(client.Calls);
        Assert.Equal(
            LlmContract<Point>.Prompt + "\n\n" + InputDelimiter.InputRule + "\n\nCoordinates are in metres.\n\nRound to whole numbers.",
            call.Messages[0].Text);
        Assert.Equal(ChatRole.System, call.Messages[0].Role);
        Assert.Equal(2, call.Messages.Count);
        Assert.Null(call.Options!.Instructions); // moved, so a client cannot send them a second time or first
        Assert.Equal("m", call.Options.ModelId);
        Assert.Equal("Coordinates are in metres.", chatOptions.Instructions); // the caller's options are not changed
    }

    [Theory]
    [InlineData("From chat options.", null, "\n\nFrom chat options.")]
    [InlineData(null, "From the call.", "\n\nFrom the call.")]
    [InlineData("  ", "From the call.", "\n\nFrom the call.")]
    [InlineData("From chat options.", "\t", "\n\nFrom chat options.")]
    public async Task Either_instructions_alone_follow_the_prompt(string? chat, string? call, string expectedTail)
    {
        var client = new RecordingClient(Good);
        var options = new ExtractOptions { ChatOptions = new ChatOptions { Instructions = chat }, Instructions = call };

        await client.ExtractAsync<Point>(new ChatMessage(ChatRole.User, "x=1, y=2"), options);

        Assert.Equal(SystemPrompt<Point>.Text + expectedTail, client.Calls[0].Messages[0].Text);
    }

    [Fact]
    public async Task A_reask_sends_the_whole_input_again_and_does_not_grow()
    {
        var image = new DataContent(Png, "image/png");
        var conversation = new List<ChatMessage>
        {
            new(ChatRole.System, "Points are on a grid."),
            new(ChatRole.User, new List<AIContent> { new TextContent("This one:"), image }),
            new(ChatRole.Assistant, "Which axis first?"),
            new(ChatRole.User, "x, then y."),
        };
        var client = new RecordingClient(Bad, Bad2, Good);

        var result = await client.TryExtractAsync<Point>(conversation, new ExtractOptions { MaxRetries = 2, Instructions = "Integers only." });

        Assert.True(result.IsSuccess);
        Assert.Equal(3, client.Calls.Count);
        var first = client.Calls[0].Messages;
        Assert.Equal(5, first.Count);
        foreach (var later in new[] { client.Calls[1].Messages, client.Calls[2].Messages })
        {
            Assert.Equal(first.Count + 2, later.Count);
            for (int i = 0; i < first.Count; i++)
            {
                Assert.Same(first[i], later[i]); // the same prefix: instructions, conversation, image
            }

            Assert.Equal(ChatRole.Assistant, later[5].Role);
            Assert.Equal(ChatRole.User, later[6].Role);
        }

        Assert.Same(image, client.Calls[2].Messages[2].Contents[1]);
        Assert.Equal(Bad, client.Calls[1].Messages[5].Text);
        Assert.Equal(Bad2, client.Calls[2].Messages[5].Text); // only the newest failed answer
        Assert.DoesNotContain(client.Calls[2].Messages, m => m.Text == Bad);
    }

    [Fact]
    public async Task The_input_is_taken_when_the_call_starts_so_a_list_changed_later_does_not_change_a_reask()
    {
        var conversation = new List<ChatMessage> { new(ChatRole.User, "x=1, y=2") };
        var client = new RecordingClient(Bad, Good) { OnCall = () => conversation.Clear() };

        var result = await client.TryExtractAsync<Point>(conversation);

        Assert.True(result.IsSuccess);
        Assert.Equal("x=1, y=2", ExtractionLoopTests.DelimitedInput(client.Calls[1].Messages[1].Text, out _));
    }

    [Fact]
    public async Task Each_overload_is_chosen_by_its_argument_without_ambiguity()
    {
        var client = new RecordingClient(Enumerable.Repeat(Good, 8).ToArray());
        var message = new ChatMessage(ChatRole.User, "x=1, y=2");
        var list = new List<ChatMessage> { message };
        ChatMessage[] array = { message };
        IEnumerable<ChatMessage> sequence = list.Where(m => m is not null);

        await client.ExtractAsync<Point>("x=1, y=2");
        await client.ExtractAsync<Point>(message);
        await client.ExtractAsync<Point>(list);
        await client.ExtractAsync<Point>(array);
        await client.ExtractAsync<Point>(sequence);
        await client.ExtractAsync<Point>([message]);
        await client.TryExtractAsync<Point>(message, cancellationToken: CancellationToken.None);
        await client.TryExtractAsync<Point>(list, new ExtractOptions());

        Assert.Equal(8, client.Calls.Count);
        Assert.All(client.Calls, c => Assert.Equal("x=1, y=2", ExtractionLoopTests.DelimitedInput(c.Messages[1].Text, out _)));
    }

    [Fact]
    public async Task Bad_input_is_an_argument_error_that_names_the_parameter_and_the_problem()
    {
        var client = new RecordingClient();
        var user = new ChatMessage(ChatRole.User, "x=1");

        Assert.Equal("message", (await Assert.ThrowsAsync<ArgumentNullException>(() => client.ExtractAsync<Point>((ChatMessage)null!))).ParamName);
        Assert.Equal("messages", (await Assert.ThrowsAsync<ArgumentNullException>(() => client.TryExtractAsync<Point>((IEnumerable<ChatMessage>)null!))).ParamName);
        Assert.Equal("input", (await Assert.ThrowsAsync<ArgumentNullException>(() => client.TryExtractAsync<Point>((string)null!))).ParamName);
        Assert.Equal("client", (await Assert.ThrowsAsync<ArgumentNullException>(() => ((IChatClient)null!).ExtractAsync<Point>(user))).ParamName);
        Assert.Equal("client", (await Assert.ThrowsAsync<ArgumentNullException>(() => ((IChatClient)null!).TryExtractAsync<Point>(new[] { user }))).ParamName);

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => client.ExtractAsync<Point>(Array.Empty<ChatMessage>()));
        Assert.Equal("messages", empty.ParamName);
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);

        var nullElement = await Assert.ThrowsAsync<ArgumentException>(() => client.TryExtractAsync<Point>(new List<ChatMessage> { user, null! }));
        Assert.Equal("messages", nullElement.ParamName);
        Assert.Contains("The message at index 1 is null", nullElement.Message, StringComparison.Ordinal);

        var noUser = await Assert.ThrowsAsync<ArgumentException>(() => client.ExtractAsync<Point>(new[]
        {
            new ChatMessage(ChatRole.System, "Extract the point."),
            new ChatMessage(ChatRole.Assistant, "x=1, y=2"),
            new ChatMessage(ChatRole.User, (string?)null),
        }));
        Assert.Equal("messages", noUser.ParamName);
        Assert.Contains("None of the 3 messages is a user message with content", noUser.Message, StringComparison.Ordinal);

        var system = await Assert.ThrowsAsync<ArgumentException>(() => client.TryExtractAsync<Point>(new ChatMessage(ChatRole.System, "x=1")));
        Assert.Equal("message", system.ParamName);
        Assert.Contains("no user content", system.Message, StringComparison.Ordinal);
        Assert.Contains("its role is system", system.Message, StringComparison.Ordinal);

        Assert.Empty(client.Calls);
    }

    /// <summary>Answers from a list of texts and records each request.</summary>
    [Fact]
    public async Task Example_answers_end_the_system_message_and_example_exchanges_precede_the_input_on_every_request()
    {
        var options = new ExtractOptions
        {
            Instructions = "Coordinates are whole numbers.",
            Examples = [new ExtractionExample<Point>(new Point(7, 8)), new ExtractionExample<Point>("x=3, y=4", new Point(3, 4))],
        };
        var client = new RecordingClient(Bad, Good);

        Point point = await client.ExtractAsync<Point>("x=1, y=2", options);

        Assert.Equal(new Point(1, 2), point);
        Assert.Equal(2, client.Calls.Count);
        var first = client.Calls[0].Messages;
        Assert.Equal(
            SystemPrompt<Point>.Text + "\n\nCoordinates are whole numbers.\n\n" + ExtractionExamples.OneHeading + "\n{\"x\":7,\"y\":8}\n\n" + ExtractionExamples.ExchangesRule,
            first[0].Text);
        Assert.Equal(new[] { ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User }, first.Select(m => m.Role));
        Assert.Equal("x=3, y=4", ExtractionLoopTests.DelimitedInput(first[1].Text, out _));
        Assert.Equal("{\"x\":3,\"y\":4}", first[2].Text);
        Assert.Equal("x=1, y=2", ExtractionLoopTests.DelimitedInput(first[3].Text, out _));

        // The re-ask keeps the examples in place: the same four messages, then the failed answer and its errors.
        var second = client.Calls[1].Messages;
        Assert.Equal(6, second.Count);
        Assert.Equal(first.Select(m => m.Text), second.Take(4).Select(m => m.Text));
        Assert.Equal(Bad, second[4].Text);
        Assert.Contains("$.x", second[5].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_example_of_another_type_fails_the_extraction_before_any_request()
    {
        var options = new ExtractOptions { Examples = [new ExtractionExample<Point>(new Point(1, 1)), null!] };
        var client = new RecordingClient(Good);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => client.ExtractAsync<Point>("x=1, y=2", options));

        Assert.Contains("ExtractOptions.Examples[1]", e.Message, StringComparison.Ordinal);
        Assert.Empty(client.Calls);
    }

    [Fact]
    public async Task In_tool_call_mode_the_system_message_says_the_answer_is_the_calls_arguments()
    {
        var client = new RecordingClient(Good);

        await client.TryExtractAsync<Point>("x=1, y=2", new ExtractOptions { Mode = ExtractionMode.ToolCall, MaxRetries = 0 });

        string system = client.Calls[0].Messages[0].Text;
        Assert.Equal(SystemPrompt<Point>.Text + "\n\n" + ExtractionMessages.ToolAnswerRule(LlmContract<Point>.SchemaName), system);
    }

    private sealed class RecordingClient : IChatClient
    {
        private readonly Queue<string> _answers;

        public RecordingClient(params string[] answers) => _answers = new Queue<string>(answers);

        public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = new();

        public Action? OnCall { get; init; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls.Add((messages.ToList(), options));
            OnCall?.Invoke();
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, _answers.Dequeue())) { FinishReason = ChatFinishReason.Stop });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
