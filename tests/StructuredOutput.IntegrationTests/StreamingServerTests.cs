using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// The fake server's streamed answers read by the official OpenAI SDK through Microsoft.Extensions.AI.OpenAI, with no
/// extractor in between: what the streaming wire tests stand on, and what the SDK itself sends and reports.
/// </summary>
public sealed class StreamingServerTests : ServerTestBase
{
    private static readonly ChatMessage[] Question = { new(ChatRole.User, "Say something in JSON.") };

    [Fact]
    public async Task The_sdk_asks_for_a_stream_with_usage_and_reads_every_piece_and_the_usage_chunk()
    {
        _server.Enqueue(new StreamedResponse(new[] { "{\"na", "me\":", " \"Ada\"", "}" }) { PromptTokens = 31, CompletionTokens = 7, Comments = true });

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _client.GetStreamingResponseAsync(Question))
        {
            updates.Add(update);
        }

        var request = Assert.Single(_server.Requests);
        Assert.True(FakeOpenAIServer.IsStreamRequest(request), request.Raw);
        // The SDK asks for the usage chunk by itself on every streamed request.
        Assert.True(FakeOpenAIServer.AsksForUsage(request), request.Raw);

        var response = updates.ToChatResponse();
        Assert.Equal("{\"name\": \"Ada\"}", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(31, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
        Assert.Equal(new[] { "{\"na", "me\":", " \"Ada\"", "}" }, updates.Select(u => u.Text).Where(t => t.Length > 0));

        var log = Assert.Single(_server.Streams);
        await log.Ended;
        Assert.True(log.Finished);
        Assert.Equal(4, log.PiecesSent);
        Assert.False(log.ClientAborted);
    }

    [Fact]
    public async Task A_request_without_stream_gets_the_joined_pieces_as_one_completion()
    {
        _server.Enqueue(StreamedResponse.Chunked("{\"name\": \"Ada\"}", 3));

        var response = await _client.GetResponseAsync(Question);

        Assert.Equal("{\"name\": \"Ada\"}", response.Text);
        Assert.Empty(_server.Streams);
        Assert.False(FakeOpenAIServer.IsStreamRequest(Assert.Single(_server.Requests)));
    }

    [Fact]
    public async Task Length_arrives_as_the_finish_reason_of_the_last_choice_chunk()
    {
        _server.Enqueue(new StreamedResponse(new[] { "{\"name\": \"Ad" }) { FinishReason = "length" });

        var response = await ReadAllAsync();

        Assert.Equal("{\"name\": \"Ad", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task Tool_call_arguments_stream_in_pieces_and_arrive_as_one_function_call()
    {
        _server.Enqueue(new StreamedResponse(new[] { "{\"na", "me\": \"A", "da\"}" }) { ToolName = "Person", FinishReason = "tool_calls" });

        var response = await ReadAllAsync();

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("Person", call.Name);
        Assert.Equal("call_0", call.CallId);
        Assert.Equal("Ada", call.Arguments?["name"]?.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task A_streamed_refusal_is_only_on_the_raw_sdk_updates()
    {
        _server.Enqueue(new StreamedResponse(Array.Empty<string>()) { RefusalPieces = new[] { "I can't ", "help with that." } });

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _client.GetStreamingResponseAsync(Question))
        {
            updates.Add(update);
        }

        // Unlike a whole completion (an ErrorContent with ErrorCode "Refusal"), Microsoft.Extensions.AI.OpenAI keeps a
        // streamed refusal out of the updates' contents: only the SDK's own update, the raw representation, holds it.
        var response = updates.ToChatResponse();
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<ErrorContent>());
        Assert.Equal(string.Empty, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        string refusal = string.Concat(updates.Select(u => (u.RawRepresentation as OpenAI.Chat.StreamingChatCompletionUpdate)?.RefusalUpdate));
        Assert.Equal("I can't help with that.", refusal);
    }

    [Fact]
    public async Task A_cut_connection_throws_after_the_pieces_sent_before_it()
    {
        var shown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(new StreamedResponse(new[] { "{\"na", "me\":", " \"Ada\"", "}" }) { CutAfter = 2, CutWhen = shown.Task });

        var text = new StringBuilder();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in _client.GetStreamingResponseAsync(Question))
            {
                text.Append(update.Text);
                if (text.ToString() == "{\"name\":")
                {
                    shown.SetResult();
                }
            }
        });

        Assert.Equal("{\"name\":", text.ToString());
        Assert.True(error is IOException or HttpRequestException, error.ToString());
        var log = Assert.Single(_server.Streams);
        await log.Ended;
        Assert.True(log.Cut);
        Assert.Equal(2, log.PiecesSent);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_that_stops_reading_is_seen_going_away(bool cancel)
    {
        // The server sends three pieces and then holds the rest for ever: it can only end by seeing the client go away.
        var never = new TaskCompletionSource().Task;
        var pieces = Enumerable.Range(0, 20).Select(i => i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _server.Enqueue(new StreamedResponse(pieces) { Hold = never, HoldAfter = 3 });

        using var cts = new CancellationTokenSource();
        int received = 0;
        Exception? error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in _client.GetStreamingResponseAsync(Question, cancellationToken: cts.Token))
            {
                if (update.Text.Length > 0 && ++received == 3)
                {
                    if (!cancel)
                    {
                        break; // disposing the enumerator: the SDK's HTTP client drains a little, then closes
                    }

                    cts.Cancel();
                }
            }
        });

        Assert.Equal(3, received);
        if (cancel)
        {
            Assert.IsAssignableFrom<OperationCanceledException>(error);
        }
        else
        {
            Assert.Null(error);
        }

        var log = Assert.Single(_server.Streams);
        await log.Ended.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(log.ClientAborted);
        Assert.False(log.Finished);
        Assert.Equal(3, log.PiecesSent);
    }

    private async Task<ChatResponse> ReadAllAsync()
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _client.GetStreamingResponseAsync(Question))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse();
    }
}
