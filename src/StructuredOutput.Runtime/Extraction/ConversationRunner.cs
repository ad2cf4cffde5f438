using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Telemetry;

namespace StructuredOutput.Extraction;

/// <summary>Told about each request a <see cref="ConversationRunner"/> sends: before it (to wait for a rate limit) and after it.</summary>
internal interface IRequestObserver
{
    /// <summary>
    /// The request of <paramref name="messages"/> (attempt <paramref name="number"/>) is about to be sent; what it returns
    /// (a rate limiter's lease) is disposed when the request ends.
    /// </summary>
    ValueTask<IDisposable?> BeforeRequestAsync(IReadOnlyList<ChatMessage> messages, ChatOptions options, int number, CancellationToken cancellationToken);

    /// <summary>
    /// The request ended: with <paramref name="response"/> judged as <paramref name="attempt"/>, with an attempt and no
    /// response (a time-out, an unreadable response), or with neither when the chat client threw.
    /// </summary>
    void AfterRequest(ChatResponse? response, ExtractionAttempt? attempt);
}

/// <summary>What an exception of the chat client during an attempt amounts to (<see cref="ConversationRunner.Classify"/>).</summary>
internal enum ClientFailure
{
    /// <summary>Not one the extraction types: it propagates with the attempts attached.</summary>
    Other,

    /// <summary>The attempt time-out ran out (and the caller did not cancel).</summary>
    TimedOut,

    /// <summary>The caller cancelled, and the client threw for the attempt's linked token: rethrown for the caller's token.</summary>
    CancelledThroughTimeout,

    /// <summary>The client could not read the response (an <see cref="UnreadableResponseException"/> or a <see cref="JsonException"/>).</summary>
    Unreadable,
}

/// <summary>
/// Runs an <see cref="ExtractionConversation{T}"/> on a chat client until it finishes: the attempt time-out, responses the
/// client cannot read, and the extraction's span, metrics and logs, for <see cref="ExtractionLoop"/> and batch runs alike. Other
/// exceptions of the client propagate with the attempts attached. Streamed extractions (<see cref="StreamingExtraction{T}"/>)
/// type the client's failures with the same <see cref="Classify"/>.
/// </summary>
internal static class ConversationRunner
{
    public static async Task<ExtractionResult<T>> RunAsync<T>(
        IChatClient client,
        ExtractionConversation<T> conversation,
        ExtractOptions? options,
        IRequestObserver? observer,
        CancellationToken cancellationToken)
        where T : ILlmExtractable<T>
    {
        TimeSpan? attemptTimeout = options?.AttemptTimeout;
        ExtractionTrace? trace = ExtractionTrace.Start<T>(client, conversation.ChatOptions, conversation.Mode, options);
        try
        {
            while (!conversation.IsFinished)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int number = conversation.Attempts.Count + 1;
                IDisposable? permit = observer is null
                    ? null
                    : await observer.BeforeRequestAsync(conversation.Messages, conversation.ChatOptions, number, cancellationToken).ConfigureAwait(false);
                ExtractionAttempt? attempt = null;
                ChatResponse? response = null;
                long parseStarted = 0;
                CancellationTokenSource? timeout = attemptTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                try
                {
                    timeout?.CancelAfter(attemptTimeout!.Value);
                    response = await client.GetResponseAsync(conversation.Messages, conversation.ChatOptions, timeout?.Token ?? cancellationToken).ConfigureAwait(false);
                    parseStarted = trace is null ? 0 : ExtractionTrace.ParseStarted();
                    attempt = conversation.Record(response);
                }
                catch (Exception e) when (Classify(e, timeout, cancellationToken) == ClientFailure.TimedOut)
                {
                    attempt = conversation.RecordTimedOut(attemptTimeout!.Value, e);
                }
                catch (OperationCanceledException e) when (Classify(e, timeout, cancellationToken) == ClientFailure.CancelledThroughTimeout)
                {
                    throw CancelledByCaller(e, conversation.Attempts, cancellationToken);
                }
                catch (Exception e) when (Classify(e, timeout, cancellationToken) == ClientFailure.Unreadable)
                {
                    attempt = conversation.RecordUnreadable(e);
                }
                catch (Exception e) when (AttachAttempts(e, conversation.Attempts))
                {
                    throw; // not reached: the filter only annotates the exception and lets it pass unchanged
                }
                finally
                {
                    timeout?.Dispose();
                    permit?.Dispose();
                    observer?.AfterRequest(response, attempt);
                }

                trace?.Attempted(attempt, parseStarted);
            }

            trace?.Completed(conversation.Result);
            return conversation.Result;
        }
        catch (Exception e) when (trace is not null && trace.Failed(e, cancelled: e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw; // not reached: the filter only records the exception and lets it pass unchanged
        }
        finally
        {
            trace?.Dispose();
        }
    }

    /// <summary>
    /// What an exception of the chat client during an attempt amounts to. <paramref name="timeout"/> is the attempt's
    /// time-out source (linked to <paramref name="cancellationToken"/>), or null without an attempt time-out.
    /// </summary>
    public static ClientFailure Classify(Exception exception, CancellationTokenSource? timeout, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException canceled && timeout is not null)
        {
            if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return ClientFailure.TimedOut;
            }

            if (cancellationToken.IsCancellationRequested && canceled.CancellationToken != cancellationToken)
            {
                return ClientFailure.CancelledThroughTimeout;
            }
        }

        return exception is UnreadableResponseException or JsonException ? ClientFailure.Unreadable : ClientFailure.Other;
    }

    /// <summary>The caller's cancellation, seen through the attempt's linked token: the exception for the caller's token, with the attempts.</summary>
    public static OperationCanceledException CancelledByCaller(OperationCanceledException exception, IReadOnlyList<ExtractionAttempt> attempts, CancellationToken cancellationToken)
    {
        var cancelled = new OperationCanceledException(exception.Message, exception, cancellationToken);
        AttachAttempts(cancelled, attempts);
        return cancelled;
    }

    /// <summary>
    /// Attaches the attempts so far to an exception that ends the extraction, under
    /// <see cref="ExtractionException.AttemptsDataKey"/>. Returns false, so that it can serve as an exception filter.
    /// </summary>
    public static bool AttachAttempts(Exception exception, IReadOnlyList<ExtractionAttempt> attempts)
    {
        if (attempts.Count > 0)
        {
            try
            {
                exception.Data[ExtractionException.AttemptsDataKey] = new List<ExtractionAttempt>(attempts).ToArray();
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
