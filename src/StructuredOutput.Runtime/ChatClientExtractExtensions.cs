using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;

namespace StructuredOutput;

/// <summary>Typed extraction on any <see cref="IChatClient"/>.</summary>
/// <remarks>
/// <para>
/// The input is a text, a <see cref="ChatMessage"/> (text with images, documents or audio), or a list of messages (a
/// conversation). What is sent: one system message with the type's generated prompt, the rule that the input is data,
/// then <see cref="ChatOptions.Instructions"/> of <see cref="ExtractOptions.ChatOptions"/>, then
/// <see cref="ExtractOptions.Instructions"/>; then the input. A text becomes one user message. Messages keep their
/// roles and order, and every part that is not text (<see cref="DataContent"/>, <see cref="UriContent"/>, function
/// calls and results) passes through unchanged: whether the provider accepts an image, a PDF or audio is up to the
/// provider and the chat client.
/// </para>
/// <para>
/// The text of user and assistant messages is data: each text part is sent between two boundary lines that no text of
/// the request contains, one boundary per request, and the model is told to ignore instructions in it (assistant turns
/// too, since a conversation's transcript is what is extracted from). System and developer messages are the caller's
/// instructions and are sent as they are. A re-ask sends all of this again, then only the newest failed answer and
/// its errors, so it carries every image and does not grow with each retry.
/// </para>
/// </remarks>
// RS0026 guards against overloads that optional parameters make ambiguous. These differ in their required input (a
// string, a ChatMessage, a sequence of messages), as IChatClient.GetResponseAsync's do, so no call can be ambiguous.
#pragma warning disable RS0026
public static class ChatClientExtractExtensions
{
    /// <summary>
    /// Asks the model to extract a <typeparamref name="T"/> from <paramref name="input"/> and returns the validated value.
    /// When an answer cannot be parsed or validated, asks again (<see cref="ExtractOptions.MaxRetries"/> times) with the
    /// errors listed by JSON path.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="input">The text to extract from. It is sent as data, delimited from the instructions.</param>
    /// <param name="options">Retries, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The extracted value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="input"/> is null.</exception>
    /// <exception cref="ExtractionException">No valid value could be extracted; it carries every attempt.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// Exceptions of the chat client itself (HTTP errors, its own time-outs) propagate unchanged, and cancellation as an
    /// <see cref="OperationCanceledException"/> for <paramref name="cancellationToken"/>; the answers received before
    /// either are attached under <see cref="ExtractionException.AttemptsDataKey"/>. Two client failures are typed
    /// instead: a request longer than <see cref="ExtractOptions.AttemptTimeout"/>
    /// (<see cref="ExtractionFailureKind.TimedOut"/>) and a response the client cannot read
    /// (<see cref="ExtractionFailureKind.UnreadableResponse"/>: the client threw an
    /// <see cref="UnreadableResponseException"/>, or a <see cref="System.Text.Json.JsonException"/> while reading the body).
    /// </remarks>
    public static Task<T> ExtractAsync<T>(
        this IChatClient client,
        string input,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        ExtractOrThrowAsync<T>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(input, nameof(input)), options, cancellationToken);

    /// <summary>
    /// Asks the model to extract a <typeparamref name="T"/> from <paramref name="message"/> (text with images, documents
    /// or audio) and returns the validated value, asking again with the errors like
    /// <see cref="ExtractAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="message">
    /// A user message to extract from. Its text parts are sent as data, delimited from the instructions; its other parts
    /// (<see cref="DataContent"/>, <see cref="UriContent"/>) as they are.
    /// </param>
    /// <param name="options">Retries, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The extracted value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> is not a user message with content.</exception>
    /// <exception cref="ExtractionException">No valid value could be extracted; it carries every attempt.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Failures of the chat client are handled as by <see cref="ExtractAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>.</remarks>
    public static Task<T> ExtractAsync<T>(
        this IChatClient client,
        ChatMessage message,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        ExtractOrThrowAsync<T>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(message, nameof(message)), options, cancellationToken);

    /// <summary>
    /// Asks the model to extract a <typeparamref name="T"/> from <paramref name="messages"/> (a conversation, or
    /// instructions of the caller's own and the data) and returns the validated value, asking again with the errors like
    /// <see cref="ExtractAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="messages">
    /// The messages to extract from, sent in their order after the generated system message, with their roles. The text
    /// of user and assistant messages is sent as data, delimited from the instructions; system messages as they are, as
    /// instructions; parts that are not text as they are. At least one must be a user message with content.
    /// </param>
    /// <param name="options">Retries, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The extracted value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="messages"/> is empty, holds a null element, or has no user message with content.
    /// </exception>
    /// <exception cref="ExtractionException">No valid value could be extracted; it carries every attempt.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Failures of the chat client are handled as by <see cref="ExtractAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>.</remarks>
    public static Task<T> ExtractAsync<T>(
        this IChatClient client,
        IEnumerable<ChatMessage> messages,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        ExtractOrThrowAsync<T>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(messages, nameof(messages)), options, cancellationToken);

    /// <summary>
    /// Like <see cref="ExtractAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>, but reports a bad
    /// answer as a failed <see cref="ExtractionResult{T}"/> instead of throwing.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="input">The text to extract from. It is sent as data, delimited from the instructions.</param>
    /// <param name="options">Retries, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The value or the failure, with every attempt and the summed token usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="input"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// Exceptions of the chat client itself (HTTP errors, its own time-outs) propagate unchanged, and cancellation as an
    /// <see cref="OperationCanceledException"/> for <paramref name="cancellationToken"/>; the answers received before
    /// either are attached under <see cref="ExtractionException.AttemptsDataKey"/>. A request longer than
    /// <see cref="ExtractOptions.AttemptTimeout"/> and a response the client cannot read (an
    /// <see cref="UnreadableResponseException"/>, or a <see cref="System.Text.Json.JsonException"/> while reading the
    /// body) are returned as failures (<see cref="ExtractionFailureKind.TimedOut"/>,
    /// <see cref="ExtractionFailureKind.UnreadableResponse"/>).
    /// </remarks>
    public static Task<ExtractionResult<T>> TryExtractAsync<T>(
        this IChatClient client,
        string input,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        ExtractionLoop.RunAsync<T>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(input, nameof(input)), options, cancellationToken);

    /// <summary>
    /// Like <see cref="ExtractAsync{T}(IChatClient, ChatMessage, ExtractOptions?, CancellationToken)"/>, but reports a
    /// bad answer as a failed <see cref="ExtractionResult{T}"/> instead of throwing.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="message">
    /// A user message to extract from. Its text parts are sent as data, delimited from the instructions; its other parts
    /// (<see cref="DataContent"/>, <see cref="UriContent"/>) as they are.
    /// </param>
    /// <param name="options">Retries, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The value or the failure, with every attempt and the summed token usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> is not a user message with content.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Failures of the chat client are handled as by <see cref="TryExtractAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>.</remarks>
    public static Task<ExtractionResult<T>> TryExtractAsync<T>(
        this IChatClient client,
        ChatMessage message,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        ExtractionLoop.RunAsync<T>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(message, nameof(message)), options, cancellationToken);

    /// <summary>
    /// Like <see cref="ExtractAsync{T}(IChatClient, IEnumerable{ChatMessage}, ExtractOptions?, CancellationToken)"/>,
    /// but reports a bad answer as a failed <see cref="ExtractionResult{T}"/> instead of throwing.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="messages">
    /// The messages to extract from, sent in their order after the generated system message, with their roles. The text
    /// of user and assistant messages is sent as data, delimited from the instructions; system messages as they are, as
    /// instructions; parts that are not text as they are. At least one must be a user message with content.
    /// </param>
    /// <param name="options">Retries, instructions and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The value or the failure, with every attempt and the summed token usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="messages"/> is empty, holds a null element, or has no user message with content.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Failures of the chat client are handled as by <see cref="TryExtractAsync{T}(IChatClient, string, ExtractOptions?, CancellationToken)"/>.</remarks>
    public static Task<ExtractionResult<T>> TryExtractAsync<T>(
        this IChatClient client,
        IEnumerable<ChatMessage> messages,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T> =>
        ExtractionLoop.RunAsync<T>(client ?? throw new ArgumentNullException(nameof(client)), ExtractionInput.Of(messages, nameof(messages)), options, cancellationToken);

    // The throwing form of every overload: the result's value, or an ExtractionException with every attempt.
    private static async Task<T> ExtractOrThrowAsync<T>(IChatClient client, ExtractionInput input, ExtractOptions? options, CancellationToken cancellationToken)
        where T : ILlmExtractable<T>
    {
        var result = await ExtractionLoop.RunAsync<T>(client, input, options, cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            return result.Value!;
        }

        throw new ExtractionException(typeof(T).Name, result.FailureKind, result.Attempts, result.Cause);
    }
}
