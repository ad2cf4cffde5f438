using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// <see cref="StreamingToolArgumentsChatClient"/> over SDK updates made by the SDK's own model factory: the cases the
/// loopback server does not stream (several calls at once, a call without an id, empty pieces).
/// </summary>
public sealed class StreamingToolArgumentsChatClientTests
{
    [Fact]
    public async Task Pieces_of_interleaved_calls_carry_their_call_id_and_name_on_every_piece()
    {
        var inner = new RawUpdatesClient(
            Raw(Piece(0, "call_a", "lookup", string.Empty), Piece(1, null, "Recipe", "{\"na")),
            Raw(Piece(0, null, null, "{\"q\":"), Piece(1, null, null, "me\":")),
            Raw(Piece(1, null, null, "\"Soup\"}")),
            Raw(Piece(0, null, null, "1}")),
            Raw());
        using var client = new StreamingToolArgumentsChatClient(inner);

        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("soup", Asking()))
        {
            updates.Add(update);
        }

        Assert.Equal(5, updates.Count);
        Assert.Same(inner.Sent[0], updates[0]); // passed through, the pieces added to its contents
        Assert.Equal("kept", Assert.IsType<TextContent>(updates[0].Contents[0]).Text);
        var pieces = updates.SelectMany(u => u.Contents).OfType<ToolArgumentsPieceContent>().ToList();
        Assert.DoesNotContain(pieces, p => p.Text.Length == 0); // an empty piece adds nothing
        Assert.Equal(
            new (string, string?, string)[] { ("call_index_1", "Recipe", "{\"na"), ("call_a", "lookup", "{\"q\":"), ("call_index_1", "Recipe", "me\":"), ("call_index_1", "Recipe", "\"Soup\"}"), ("call_a", "lookup", "1}") },
            pieces.Select(p => (p.CallId, p.Name, p.Text)).ToArray());
        Assert.Empty(updates[^1].Contents.OfType<ToolArgumentsPieceContent>());
    }

    [Fact]
    public async Task A_response_that_is_not_streamed_updates_without_calls_and_requests_that_do_not_ask_pass_through_unchanged()
    {
        var inner = new RawUpdatesClient(Raw());
        using var client = new StreamingToolArgumentsChatClient(inner);
        ChatResponse response = await client.GetResponseAsync("soup", Asking());
        Assert.Same(inner.Whole, response);

        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("soup", Asking()))
        {
            updates.Add(update);
        }

        Assert.Same(inner.Sent[0], Assert.Single(updates));
        Assert.Equal("kept", Assert.Single(updates[0].Contents).ToString());

        // Pieces only for a request that asks for them: not without the key, nor with it set to anything but true.
        foreach (ChatOptions? options in new[] { null, new ChatOptions(), new ChatOptions { AdditionalProperties = new() { [ToolArgumentsPieceContent.RequestKey] = "true" } } })
        {
            using var other = new StreamingToolArgumentsChatClient(new RawUpdatesClient(Raw(Piece(0, "call_a", "Recipe", "{}"))));
            await foreach (ChatResponseUpdate update in other.GetStreamingResponseAsync("soup", options))
            {
                Assert.Equal("kept", Assert.Single(update.Contents).ToString());
            }
        }
    }

    [Fact]
    public async Task The_request_key_is_not_sent_by_the_other_providers_chat_clients()
    {
        // The streamed extraction sets the key on every tool-call request, whatever the client: Anthropic's and
        // OllamaSharp's clients leave it out of the request as the OpenAI one does (StreamingWireTests).
        await using var anthropic = await Providers.AnthropicServer.StartAsync();
        anthropic.EnqueueText("{}");
        using (IChatClient client = anthropic.CreateChatClient())
        {
            await client.GetResponseAsync("soup", Asking());
        }

        await using var ollama = await Providers.OllamaServer.StartAsync();
        ollama.EnqueueReply("{}");
        using (IChatClient client = ollama.CreateChatClient())
        {
            await client.GetResponseAsync("soup", Asking());
        }

        Assert.DoesNotContain(ToolArgumentsPieceContent.RequestKey, Assert.Single(anthropic.Requests).Json.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ToolArgumentsPieceContent.RequestKey, Assert.Single(ollama.Requests).Json.ToJsonString(), StringComparison.Ordinal);
    }

    private static ChatOptions Asking() => new() { AdditionalProperties = new() { [ToolArgumentsPieceContent.RequestKey] = true } };

    private static StreamingChatToolCallUpdate Piece(int index, string? id, string? name, string arguments) =>
        OpenAIChatModelFactory.StreamingChatToolCallUpdate(index, id!, ChatToolCallKind.Function, name!, BinaryData.FromString(arguments));

    private static StreamingChatCompletionUpdate Raw(params StreamingChatToolCallUpdate[] calls) =>
        OpenAIChatModelFactory.StreamingChatCompletionUpdate("chatcmpl-1", null, null, calls, ChatMessageRole.Assistant, null, null, null, null, DateTimeOffset.UnixEpoch, "test-model", (string?)null, null);

    /// <summary>Streams one update per SDK update, each with a text part and the SDK update as its raw representation.</summary>
    private sealed class RawUpdatesClient(params StreamingChatCompletionUpdate[] raw) : IChatClient
    {
        public List<ChatResponseUpdate> Sent { get; } = new();

        public ChatResponse Whole { get; } = new(new ChatMessage(ChatRole.Assistant, "whole"));

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(Whole);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (StreamingChatCompletionUpdate update in raw)
            {
                await Task.Yield();
                var sent = new ChatResponseUpdate(ChatRole.Assistant, "kept") { RawRepresentation = update, MessageId = "chatcmpl-1" };
                Sent.Add(sent);
                yield return sent;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
