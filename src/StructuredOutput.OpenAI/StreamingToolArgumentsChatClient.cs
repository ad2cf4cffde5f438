using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace StructuredOutput;

/// <summary>
/// Gives a streamed tool call's arguments piece by piece. Microsoft.Extensions.AI.OpenAI joins the
/// <c>delta.tool_calls[i].function.arguments</c> pieces of a stream itself and hands over the whole
/// <see cref="FunctionCallContent"/> only when the stream ends; the pieces reach only the SDK's raw updates. This client
/// passes every update through and, when the request asks for pieces (<see cref="ToolArgumentsPieceContent.RequestKey"/>
/// in its <see cref="ChatOptions.AdditionalProperties"/>, as a streamed extraction in <see cref="ExtractionMode.ToolCall"/>
/// sets it), adds to it, for each argument piece that update carried, a <see cref="ToolArgumentsPieceContent"/> with the
/// call's id and function name (the SDK gives them on a call's first piece only; this client keeps them per call index).
/// The whole call still comes at the end, as before, so the extraction fills its view, yields closed items and fails
/// fast while the arguments stream. Other requests, streamed or not, pass through untouched.
/// <see cref="OpenAIEndpoint.CreateChatClient"/> adds it.
/// </summary>
/// <remarks>
/// The extractor takes the pieces out of what it judges and sends back. A client placed between the extractor and this
/// one sees them as well: Microsoft.Extensions.AI's telemetry client with sensitive data on writes them as parts of the
/// response beside the call (the arguments appear twice in that span's output messages), and a client that serializes
/// the updates with Microsoft.Extensions.AI's default JSON options (a distributed cache) throws unless the type is
/// registered on them (see <see cref="ToolArgumentsPieceContent"/>).
/// Code that asks for pieces itself and joins the updates (<c>ToChatResponse</c>) finds them in the message beside the
/// call; Microsoft.Extensions.AI.OpenAI leaves them out of the request when that message is sent again.
/// </remarks>
/// <example>
/// <code>
/// IChatClient client = new StreamingToolArgumentsChatClient(sdkChatClient.AsIChatClient());
/// </code>
/// </example>
public sealed class StreamingToolArgumentsChatClient : DelegatingChatClient
{
    /// <summary>Wraps <paramref name="innerClient"/>, an <see cref="IChatClient"/> over the OpenAI SDK's chat completions.</summary>
    /// <param name="innerClient">The client that sends the requests.</param>
    public StreamingToolArgumentsChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        bool asked = options?.AdditionalProperties?.TryGetValue(ToolArgumentsPieceContent.RequestKey, out object? value) == true && value is true;
        List<(int Index, string CallId, string? Name)>? calls = null;
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (asked && update.RawRepresentation is StreamingChatCompletionUpdate { ToolCallUpdates: { Count: > 0 } toolCalls })
            {
                List<AIContent>? pieces = null;
                for (int i = 0; i < toolCalls.Count; i++)
                {
                    StreamingChatToolCallUpdate piece = toolCalls[i];
                    (string callId, string? name) = Track(ref calls, piece);
                    string? text = piece.FunctionArgumentsUpdate is { } bytes ? bytes.ToString() : null;
                    if (!string.IsNullOrEmpty(text))
                    {
                        (pieces ??= new List<AIContent>(toolCalls.Count)).Add(new ToolArgumentsPieceContent(callId, name, text));
                    }
                }

                if (pieces is not null)
                {
                    update.Contents = [.. update.Contents, .. pieces];
                }
            }

            yield return update;
        }
    }

    // The id and name of the call at the piece's index: given on its first piece (a server that leaves the id out gets
    // one made of the index, the same for every piece of the call).
    private static (string CallId, string? Name) Track(ref List<(int Index, string CallId, string? Name)>? calls, StreamingChatToolCallUpdate piece)
    {
        calls ??= new List<(int, string, string?)>(1);
        for (int i = 0; i < calls.Count; i++)
        {
            if (calls[i].Index == piece.Index)
            {
                if (calls[i].Name is null && !string.IsNullOrEmpty(piece.FunctionName))
                {
                    calls[i] = (piece.Index, calls[i].CallId, piece.FunctionName);
                }

                return (calls[i].CallId, calls[i].Name);
            }
        }

        string callId = string.IsNullOrEmpty(piece.ToolCallId) ? "call_index_" + piece.Index.ToString(CultureInfo.InvariantCulture) : piece.ToolCallId;
        string? name = string.IsNullOrEmpty(piece.FunctionName) ? null : piece.FunctionName;
        calls.Add((piece.Index, callId, name));
        return (callId, name);
    }
}
