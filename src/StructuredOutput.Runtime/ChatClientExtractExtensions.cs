using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;

namespace StructuredOutput;

/// <summary>Typed extraction on any <see cref="IChatClient"/>.</summary>
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
    /// <param name="options">Retries and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The extracted value.</returns>
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
    public static async Task<T> ExtractAsync<T>(
        this IChatClient client,
        string input,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T>
    {
        var result = await TryExtractAsync<T>(client, input, options, cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            return result.Value!;
        }

        throw new ExtractionException(typeof(T).Name, result.FailureKind, result.Attempts, result.Cause);
    }

    /// <summary>
    /// Like <see cref="ExtractAsync{T}"/>, but reports a bad answer as a failed <see cref="ExtractionResult{T}"/>
    /// instead of throwing.
    /// </summary>
    /// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="input">The text to extract from. It is sent as data, delimited from the instructions.</param>
    /// <param name="options">Retries and chat options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request in flight.</param>
    /// <returns>The value or the failure, with every attempt and the summed token usage.</returns>
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
        ExtractionLoop.RunAsync<T>(client, input, options, cancellationToken);
}
