using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;
using Xunit;

namespace StructuredOutput.Tests.Streaming;

/// <summary>
/// The response a streamed attempt is judged on is made from the text joined as it arrived and the updates that carry
/// more than text; it must read as <c>ToChatResponse</c> of every update reads.
/// </summary>
public class AnswerUpdatesTests
{
    public static IEnumerable<object[]> Streams()
    {
        yield return new object[] { "text only", new[] { Text("{\"a\":"), Text("1}"), Finish(ChatFinishReason.Stop) } };
        yield return new object[] { "text with the finish reason in its last piece", new[] { Text("{\"a\":"), WithFinish(Text("1}"), ChatFinishReason.Length) } };
        yield return new object[]
        {
            "text, a usage chunk and a refusal",
            new[]
            {
                Text("{"), Text("}"),
                new ChatResponseUpdate(ChatRole.Assistant, new List<AIContent> { new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 4 }) }) { MessageId = "m1" },
                new ChatResponseUpdate(ChatRole.Assistant, new List<AIContent> { new ErrorContent("no") { ErrorCode = "Refusal" }, new TextContent(" tail") }) { MessageId = "m1", FinishReason = ChatFinishReason.Stop },
            },
        };
        yield return new object[]
        {
            "a tool call after text",
            new[]
            {
                Text("thinking "),
                new ChatResponseUpdate(ChatRole.Assistant, new List<AIContent> { new FunctionCallContent("c1", "Recipe", new Dictionary<string, object?> { ["name"] = "Soup" }) }) { MessageId = "m1" },
                Finish(ChatFinishReason.ToolCalls),
            },
        };
        yield return new object[] { "no text at all", new[] { Finish(ChatFinishReason.Stop) } };
        yield return new object[]
        {
            "a tool call's argument pieces, then the whole call",
            new[]
            {
                new ChatResponseUpdate { Role = ChatRole.Assistant, MessageId = "m1", ResponseId = "r1" },
                Piece(new ToolArgumentsPieceContent("c1", "Recipe", "{\"name\":")),
                Piece(new ToolArgumentsPieceContent("c1", null, "\"Soup\"}"), new UsageContent(new UsageDetails { InputTokenCount = 1, OutputTokenCount = 2 })),
                new ChatResponseUpdate(ChatRole.Assistant, new List<AIContent> { new FunctionCallContent("c1", "Recipe", new Dictionary<string, object?> { ["name"] = "Soup" }) }) { MessageId = "m1" },
                WithFinish(Piece(new ToolArgumentsPieceContent("c2", "Other", "{}")), ChatFinishReason.ToolCalls),
            },
        };
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void The_judged_response_reads_as_the_response_of_every_update(string name, ChatResponseUpdate[] updates)
    {
        // Argument pieces are read as they arrive and left out: the whole call at the end holds the arguments once.
        ChatResponse expected = updates.Select(WithoutPieces).ToChatResponse();

        var kept = new List<ChatResponseUpdate>();
        int textAt = -1;
        var text = new StringBuilder();
        foreach (ChatResponseUpdate update in updates)
        {
            AnswerUpdates.Keep(kept, update, ref textAt);
            foreach (TextContent t in update.Contents.OfType<TextContent>())
            {
                text.Append(t.Text);
            }
        }

        ChatResponse actual = AnswerUpdates.ToResponse(kept, textAt, text);

        Assert.True(expected.Text == actual.Text, name);
        Assert.Equal(expected.FinishReason, actual.FinishReason);
        Assert.Equal(expected.Usage?.InputTokenCount, actual.Usage?.InputTokenCount);
        Assert.Equal(expected.Usage?.OutputTokenCount, actual.Usage?.OutputTokenCount);
        Assert.Equal(
            expected.Messages.SelectMany(m => m.Contents).Where(c => c is not TextContent).Select(Describe),
            actual.Messages.SelectMany(m => m.Contents).Where(c => c is not TextContent).Select(Describe));
        Assert.Equal(expected.Messages.Select(m => m.Role), actual.Messages.Select(m => m.Role));
        Assert.DoesNotContain(actual.Messages.SelectMany(m => m.Contents), c => c is ToolArgumentsPieceContent);
    }

    private static ChatResponseUpdate Piece(params AIContent[] contents) => new(ChatRole.Assistant, contents.ToList()) { MessageId = "m1", ResponseId = "r1" };

    private static ChatResponseUpdate WithoutPieces(ChatResponseUpdate update) =>
        new(update.Role, update.Contents.Where(c => c is not ToolArgumentsPieceContent).ToList())
        {
            MessageId = update.MessageId,
            ResponseId = update.ResponseId,
            FinishReason = update.FinishReason,
            AdditionalProperties = update.AdditionalProperties,
        };

    private static ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text) { MessageId = "m1", ResponseId = "r1" };

    private static ChatResponseUpdate Finish(ChatFinishReason reason) => new() { Role = ChatRole.Assistant, MessageId = "m1", FinishReason = reason };

    private static ChatResponseUpdate WithFinish(ChatResponseUpdate update, ChatFinishReason reason)
    {
        update.FinishReason = reason;
        return update;
    }

    private static string Describe(AIContent content) => content switch
    {
        FunctionCallContent call => $"call {call.CallId} {call.Name} {string.Join(",", call.Arguments!.Select(a => a.Key + "=" + a.Value))}",
        ErrorContent error => $"error {error.ErrorCode} {error.Message}",
        UsageContent usage => $"usage {usage.Details.InputTokenCount}/{usage.Details.OutputTokenCount}",
        _ => content.GetType().Name,
    };
}
