using System;
using System.Collections.Generic;
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
    /// (<see cref="ExtractionFailureKind.UnreadableResponse"/>).
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
    /// <see cref="ExtractOptions.AttemptTimeout"/> and a response the client cannot read are returned as failures
    /// (<see cref="ExtractionFailureKind.TimedOut"/>, <see cref="ExtractionFailureKind.UnreadableResponse"/>).
    /// </remarks>
    public static async Task<ExtractionResult<T>> TryExtractAsync<T>(
        this IChatClient client,
        string input,
        ExtractOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : ILlmExtractable<T>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(input);
        int maxRetries = options?.MaxRetries ?? 1;
        ChatOptions chatOptions = options?.ChatOptions?.Clone() ?? new ChatOptions();
        if (options?.Strict ?? T.Strict)
        {
            StrictFormat<T>.Apply(chatOptions);
        }
        else
        {
            chatOptions.ResponseFormat = ChatResponseFormat.Json;
        }

        var messages = new List<ChatMessage>(4)
        {
            new(ChatRole.System, T.Prompt),
            new(ChatRole.User, ExtractionMessages.FormatInput(input)),
        };
        var attempts = new List<ExtractionAttempt>(1 + Math.Min(maxRetries, 4));

        TimeSpan? attemptTimeout = options?.AttemptTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int number = attempts.Count + 1;
            ChatResponse response;
            CancellationTokenSource? timeout = attemptTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                if (timeout is not null)
                {
                    timeout.CancelAfter(attemptTimeout!.Value);
                }

                response = await client.GetResponseAsync(messages, chatOptions, timeout?.Token ?? cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (timeout is not null && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Our own time-out, not the caller's cancellation: a typed failure that keeps every attempt.
                attempts.Add(new ExtractionAttempt(number, null, new[] { ExtractionMessages.TimedOut(attemptTimeout!.Value) }, Array.Empty<string>(), null, null, null));
                return new ExtractionResult<T>(default, ExtractionFailureKind.TimedOut, attempts, e);
            }
            catch (OperationCanceledException e) when (timeout is not null && cancellationToken.IsCancellationRequested && e.CancellationToken != cancellationToken)
            {
                // The caller cancelled while the linked token was in use: report it against the caller's own token.
                var cancelled = new OperationCanceledException(e.Message, e, cancellationToken);
                AttachAttempts(cancelled, attempts);
                throw cancelled;
            }
            catch (ArgumentOutOfRangeException e) when (IsUnreadableFinishReason(e))
            {
                // The provider answered, but the client's deserializer rejected its finish reason (the OpenAI .NET SDK
                // accepts only OpenAI's own values). Asking again would meet the same server, so this ends the loop.
                attempts.Add(new ExtractionAttempt(number, null, new[] { ExtractionMessages.UnreadableFinishReason(e.ActualValue as string) }, Array.Empty<string>(), null, null, null));
                return new ExtractionResult<T>(default, ExtractionFailureKind.UnreadableResponse, attempts, e);
            }
            catch (Exception e) when (AttachAttempts(e, attempts))
            {
                throw; // not reached: the filter only annotates the exception and lets it pass unchanged
            }
            finally
            {
                timeout?.Dispose();
            }

            string? text = ReadText(response, out string? refusal);
            if (refusal is not null)
            {
                attempts.Add(new ExtractionAttempt(number, text, new[] { ExtractionMessages.Refused(refusal) }, Array.Empty<string>(), response.FinishReason, response.Usage, refusal));
                return new ExtractionResult<T>(default, ExtractionFailureKind.Refusal, attempts);
            }

            ParseResult<T> parsed = T.Parse(text ?? string.Empty, options?.Parsing);
            if (parsed.IsSuccess)
            {
                attempts.Add(new ExtractionAttempt(number, text, ExtractionAttempt.NoErrors, parsed.Repairs, response.FinishReason, response.Usage, null));
                return new ExtractionResult<T>(parsed.Value, ExtractionFailureKind.None, attempts);
            }

            var errors = new List<ExtractionError>(parsed.Errors.Count + 1);
            ExtractionFailureKind stop = ExtractionFailureKind.None;
            if (response.FinishReason == ChatFinishReason.Length)
            {
                errors.Add(ExtractionMessages.Truncated(chatOptions.MaxOutputTokens));
                stop = ExtractionFailureKind.Truncated;
            }
            else if (response.FinishReason == ChatFinishReason.ContentFilter)
            {
                errors.Add(ExtractionMessages.Filtered());
                stop = ExtractionFailureKind.ContentFilter;
            }

            errors.AddRange(parsed.Errors);
            attempts.Add(new ExtractionAttempt(number, text, errors, parsed.Repairs, response.FinishReason, response.Usage, null));
            if (stop != ExtractionFailureKind.None)
            {
                return new ExtractionResult<T>(default, stop, attempts);
            }

            if (attempts.Count > maxRetries)
            {
                return new ExtractionResult<T>(default, ExtractionFailureKind.InvalidAnswer, attempts);
            }

            // Re-ask. Only the newest failed answer and its errors stay in the conversation, so it does not grow.
            if (messages.Count > 2)
            {
                messages.RemoveRange(2, messages.Count - 2);
            }

            messages.Add(new ChatMessage(ChatRole.Assistant, ExtractionMessages.EchoAnswer(text)));
            messages.Add(new ChatMessage(ChatRole.User, ExtractionMessages.Reask(parsed.Errors)));
        }
    }

    private static string? ReadText(ChatResponse response, out string? refusal)
    {
        refusal = null;
        string? text = null;
        // Index loops: foreach over these IList<T> properties would box an enumerator per call.
        IList<ChatMessage> messages = response.Messages;
        for (int m = 0; m < messages.Count; m++)
        {
            IList<AIContent> contents = messages[m].Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                switch (contents[c])
                {
                    case TextContent t:
                        text = text is null ? t.Text : text + t.Text;
                        break;
                    case ErrorContent { ErrorCode: "Refusal" } e:
                        refusal = e.Message ?? string.Empty;
                        break;
                }
            }
        }

        return text;
    }

    // The OpenAI .NET SDK throws ArgumentOutOfRangeException("Unknown ChatFinishReason value.") while reading a response
    // whose finish_reason is outside its closed set ("eos", "", null from some compatible servers). The finish reason
    // exists only in responses, so this exception never stands for a bad request.
    private static bool IsUnreadableFinishReason(ArgumentOutOfRangeException exception) =>
        exception.Message.Contains("FinishReason", StringComparison.Ordinal);

    private static bool AttachAttempts(Exception exception, List<ExtractionAttempt> attempts)
    {
        if (attempts.Count > 0)
        {
            try
            {
                exception.Data[ExtractionException.AttemptsDataKey] = attempts.ToArray();
            }
            catch (ArgumentException)
            {
                // Some exception types restrict Data; the exception still propagates unchanged.
            }
            catch (NotSupportedException)
            {
            }
        }

        return false;
    }
}
