using System;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>
/// One piece of a tool call's arguments, as it streams. Providers stream a call's arguments (a JSON object) as text
/// pieces, but a chat client usually joins them itself and hands over the whole <see cref="FunctionCallContent"/> only
/// when the stream ends. A chat client adapter that can see the pieces (the companion package's client over the OpenAI
/// SDK does) puts each in a <see cref="ChatResponseUpdate"/> as this content, beside (not instead of) the whole call at
/// the end, when the streamed request asks for them with <see cref="RequestKey"/>.
/// </summary>
/// <remarks>
/// <para>
/// In <see cref="ExtractionMode.ToolCall"/>, the streamed extraction (<see cref="ChatClientStreamingExtensions"/>) reads
/// the pieces of the first call of the contract's function as they arrive, so the partial view fills in, list items close
/// and <see cref="ExtractOptions.FailFast"/> stops early as in the text modes. The attempt is still judged on the whole
/// call at the end, exactly as without pieces; pieces of other calls are ignored. With a chat client that sends no pieces
/// the view fills in at once when the call arrives.
/// </para>
/// <para>
/// The pieces of one call, joined in order, are the arguments' text as the provider sent it. The extractor asks for them
/// only in its own streamed tool-call requests, and takes them out of the response it judges and of the conversation it
/// sends back on a re-ask. Anything that joins the updates of such a request itself (<c>ToChatResponse</c>, a caching or
/// telemetry client placed between the extractor and the adapter) finds them in the message beside the call. This
/// content is not one of the types Microsoft.Extensions.AI's default JSON options know: to serialize it, register it on
/// the options used (<c>options.AddAIContentType&lt;ToolArgumentsPieceContent&gt;("toolArgumentsPiece")</c>).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // In a chat client adapter, for each argument piece of the call at index i:
/// update.Contents.Add(new ToolArgumentsPieceContent(callIds[i], name: first ? names[i] : null, piece));
/// </code>
/// </example>
public sealed class ToolArgumentsPieceContent : AIContent
{
    /// <summary>
    /// The <see cref="ChatOptions.AdditionalProperties"/> key under which a streamed request asks for this content (the
    /// value <see langword="true"/>). The streamed extraction sets it in <see cref="ExtractionMode.ToolCall"/>; an
    /// adapter adds pieces only to the streams of requests that carry it, so other code never meets them.
    /// </summary>
    public const string RequestKey = "structuredoutput_tool_argument_pieces";

    /// <summary>Creates one piece of a call's arguments.</summary>
    /// <param name="callId">
    /// The id of the call the piece belongs to, the same on every piece of that call (the call id of the
    /// <see cref="FunctionCallContent"/> the whole call gets at the end).
    /// </param>
    /// <param name="name">The name of the function called, when known; at least the call's first piece must carry it.</param>
    /// <param name="text">The piece of the arguments' JSON text, as the provider sent it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callId"/> or <paramref name="text"/> is null.</exception>
    public ToolArgumentsPieceContent(string callId, string? name, string text)
    {
        ArgumentNullException.ThrowIfNull(callId);
        ArgumentNullException.ThrowIfNull(text);
        CallId = callId;
        Name = name;
        Text = text;
    }

    /// <summary>The id of the call the piece belongs to.</summary>
    public string CallId { get; }

    /// <summary>The name of the function called; null on a piece that does not repeat it.</summary>
    public string? Name { get; }

    /// <summary>The piece of the arguments' JSON text.</summary>
    public string Text { get; }

    /// <summary>The piece's text.</summary>
    /// <returns><see cref="Text"/>.</returns>
    public override string ToString() => Text;
}
