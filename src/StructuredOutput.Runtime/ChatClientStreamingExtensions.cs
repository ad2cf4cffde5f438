using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;
using StructuredOutput.Streaming;

namespace StructuredOutput;

/// <summary>Typed extraction on any <see cref="IChatClient"/>, streamed: the value fills in while the model writes it.</summary>
/// <remarks>
/// <para>
/// The requests, the re-asks, the options and the final outcome are those of
/// <see cref="ChatClientExtractExtensions.TryExtractAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>:
/// each answer is streamed with <see cref="IChatClient.GetStreamingResponseAsync"/>, read as it arrives into the
/// generated partial view (<c>T.Partial</c>), and judged whole at its end, so the final result is exactly what
/// <c>TryExtractAsync</c> returns for the same answer. Members are validated as soon as they complete;
/// <see cref="ExtractOptions.FailFast"/> stops an answer at its first invalid member and re-asks at once.
/// </para>
/// <para>
/// The view grows only while the answer is strict JSON; an answer that needs a repair (single quotes, a trailing
/// comma…) stops growing there and is repaired and judged at its end. The text modes stream the answer's text. In
/// <see cref="ExtractionMode.ToolCall"/> the answer is the call's arguments: a chat client that streams their pieces as
/// <see cref="ToolArgumentsPieceContent"/> (the companion package's client over the OpenAI SDK does) has them read as
/// they arrive, as text is; a chat client that hands over the call only when the stream ends has the view fill in at once
/// at the end. Either way the call is judged whole, as <c>TryExtractAsync</c> judges it.
/// </para>
/// <para>
/// A stream that breaks off after some of the answer arrived (the connection cut, the server ending early) ends as
/// <see cref="ExtractionFailureKind.Interrupted"/> with the text received; before any text, the chat client's exception
/// propagates as with <c>TryExtractAsync</c>, the attempts attached. <see cref="ExtractOptions.AttemptTimeout"/> and
/// cancellation work mid-stream; a timed-out attempt keeps the text received.
/// </para>
/// </remarks>
#pragma warning disable RS0026 // overloads that differ in their required input, as IChatClient's own do
public static class ChatClientStreamingExtensions
{
    /// <summary>
    /// Asks the model to extract a <typeparamref name="T"/> from <paramref name="input"/> and streams the answer: an update
    /// when each attempt starts, whenever the partial view grows, when an attempt is re-asked, and a last one with the result.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="input">The text to extract from. It is sent as data, delimited from the instructions.</param>
    /// <param name="options">Retries, fail-fast, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>
    /// The updates; the last is <see cref="ExtractionUpdateKind.Completed"/>, whose <see cref="ExtractionUpdate{T}.Result"/>
    /// holds the value or the typed failure with every attempt.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="input"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (thrown while enumerating).</exception>
    public static IAsyncEnumerable<ExtractionUpdate<T>> ExtractStreamingAsync<T>(
        this IChatClient client,
        string input,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        Updates<T>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(input, nameof(input)), options, cancellationToken);

    /// <summary>
    /// Asks the model to extract a <typeparamref name="T"/> from <paramref name="message"/> (text with images, documents or
    /// audio) and streams the answer, like <see cref="ExtractStreamingAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="message">A user message to extract from; its text parts are sent as data.</param>
    /// <param name="options">Retries, fail-fast, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The updates; the last holds the result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> is not a user message with content.</exception>
    public static IAsyncEnumerable<ExtractionUpdate<T>> ExtractStreamingAsync<T>(
        this IChatClient client,
        ChatMessage message,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        Updates<T>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(message, nameof(message)), options, cancellationToken);

    /// <summary>
    /// Asks the model to extract a <typeparamref name="T"/> from <paramref name="messages"/> (a conversation) and streams
    /// the answer, like <see cref="ExtractStreamingAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="messages">The messages to extract from, sent in their order after the generated system message.</param>
    /// <param name="options">Retries, fail-fast, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The updates; the last holds the result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is empty, holds a null element, or has no user message with content.</exception>
    public static IAsyncEnumerable<ExtractionUpdate<T>> ExtractStreamingAsync<T>(
        this IChatClient client,
        IEnumerable<ChatMessage> messages,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        Updates<T>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(messages, nameof(messages)), options, cancellationToken);

    /// <summary>
    /// Asks the model to extract a <typeparamref name="T"/> from <paramref name="input"/> and yields the items of its list
    /// member <paramref name="listMember"/> one by one, each typed and validated as soon as the model closes it.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <typeparam name="TItem">The list's element type.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="input">The text to extract from. It is sent as data, delimited from the instructions.</param>
    /// <param name="listMember">The C# name of a list member of <typeparamref name="T"/>, as <c>nameof(Recipe.Ingredients)</c>.</param>
    /// <param name="options">Retries, fail-fast, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>
    /// The items, in order. After a re-ask, the new attempt's items come again from index 0 with its
    /// <see cref="ExtractionItem{TItem}.AttemptNumber"/>: items of a rejected attempt are not part of the result.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/>, <paramref name="input"/> or <paramref name="listMember"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <typeparamref name="T"/> has no list member named <paramref name="listMember"/>, its elements are not of type
    /// <typeparamref name="TItem"/>, or <typeparamref name="T"/> has no partial view.
    /// </exception>
    /// <exception cref="ExtractionException">No valid value could be extracted (thrown at the end of the enumeration); it carries every attempt.</exception>
    /// <remarks>An item is only final when the extraction succeeds: it is validated alone, and the whole answer is judged at its end.</remarks>
    public static IAsyncEnumerable<ExtractionItem<TItem>> ExtractItemsStreamingAsync<T, TItem>(
        this IChatClient client,
        string input,
        string listMember,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        Items<T, TItem>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(input, nameof(input)), listMember, options, cancellationToken);

    /// <summary>
    /// Like <see cref="ExtractItemsStreamingAsync{T, TItem}(IChatClient, string, string, ExtractOptions?, CancellationToken)"/>,
    /// extracting from <paramref name="message"/> (text with images, documents or audio).
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <typeparam name="TItem">The list's element type.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="message">A user message to extract from; its text parts are sent as data.</param>
    /// <param name="listMember">The C# name of a list member of <typeparamref name="T"/>.</param>
    /// <param name="options">Retries, fail-fast, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The items, in order, attempt by attempt.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/>, <paramref name="message"/> or <paramref name="listMember"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> is not a user message with content, or <paramref name="listMember"/> does not name a list member of <typeparamref name="TItem"/> items.</exception>
    /// <exception cref="ExtractionException">No valid value could be extracted; it carries every attempt.</exception>
    public static IAsyncEnumerable<ExtractionItem<TItem>> ExtractItemsStreamingAsync<T, TItem>(
        this IChatClient client,
        ChatMessage message,
        string listMember,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        Items<T, TItem>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(message, nameof(message)), listMember, options, cancellationToken);

    /// <summary>
    /// Like <see cref="ExtractItemsStreamingAsync{T, TItem}(IChatClient, string, string, ExtractOptions?, CancellationToken)"/>,
    /// extracting from <paramref name="messages"/> (a conversation).
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <typeparam name="TItem">The list's element type.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="messages">The messages to extract from, sent in their order after the generated system message.</param>
    /// <param name="listMember">The C# name of a list member of <typeparamref name="T"/>.</param>
    /// <param name="options">Retries, fail-fast, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The items, in order, attempt by attempt.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/>, <paramref name="messages"/> or <paramref name="listMember"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> has no user message with content, or <paramref name="listMember"/> does not name a list member of <typeparamref name="TItem"/> items.</exception>
    /// <exception cref="ExtractionException">No valid value could be extracted; it carries every attempt.</exception>
    public static IAsyncEnumerable<ExtractionItem<TItem>> ExtractItemsStreamingAsync<T, TItem>(
        this IChatClient client,
        IEnumerable<ChatMessage> messages,
        string listMember,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        Items<T, TItem>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(messages, nameof(messages)), listMember, options, cancellationToken);

    private static async IAsyncEnumerable<ExtractionUpdate<T>> Updates<T>(
        IChatClient client, ExtractionInput input, ExtractOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : ILlmExtractable<T>
    {
        await foreach (StreamStep<T> step in StreamingExtraction<T>.RunAsync(client, input, options, -1, partialUpdates: true, cancellationToken).ConfigureAwait(false))
        {
            if (step.Update is { } update)
            {
                yield return update;
            }
        }
    }

    // Checks the list member now, so that a wrong name throws at the call rather than at the first MoveNextAsync.
    private static IAsyncEnumerable<ExtractionItem<TItem>> Items<T, TItem>(
        IChatClient client, ExtractionInput input, string listMember, ExtractOptions? options, CancellationToken cancellationToken)
        where T : ILlmExtractable<T>
    {
        ArgumentNullException.ThrowIfNull(listMember);
        PartialShape shape = T.StreamingShape ?? throw new ArgumentException(
            $"{typeof(T).Name} has no partial view (its root is not an object), so its items cannot be streamed; use ExtractAsync.", nameof(listMember));
        int index = shape.IndexOfMember(listMember);
        if (index < 0 || shape.Members[index] is not { Kind: PartialKind.List, Element: { } element })
        {
            throw new ArgumentException(
                $"{typeof(T).Name} has no list member named \"{listMember}\"; pass the C# name of a list member, as nameof({typeof(T).Name}.Items).",
                nameof(listMember));
        }

        if (element.ItemType != typeof(TItem))
        {
            throw new ArgumentException(
                $"The items of {typeof(T).Name}.{listMember} are of type {element.ItemType.Name}, not {typeof(TItem).Name}; call ExtractItemsStreamingAsync<{typeof(T).Name}, {element.ItemType.Name}>.",
                nameof(listMember));
        }

        return ItemsCore<T, TItem>(client, input, index, options, cancellationToken);
    }

    private static async IAsyncEnumerable<ExtractionItem<TItem>> ItemsCore<T, TItem>(
        IChatClient client, ExtractionInput input, int member, ExtractOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : ILlmExtractable<T>
    {
        await foreach (StreamStep<T> step in StreamingExtraction<T>.RunAsync(client, input, options, member, partialUpdates: false, cancellationToken).ConfigureAwait(false))
        {
            if (step.Update is { Result: { } result })
            {
                if (!result.IsSuccess)
                {
                    throw new ExtractionException(typeof(T).Name, result.FailureKind, result.Attempts, result.Cause);
                }
            }
            else if (step.Update is null)
            {
                yield return new ExtractionItem<TItem>(step.AttemptNumber, step.ItemIndex, (TItem)step.Item!);
            }
        }
    }
}
