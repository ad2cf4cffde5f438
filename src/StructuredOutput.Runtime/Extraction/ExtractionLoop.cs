using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Telemetry;

namespace StructuredOutput.Extraction;

/// <summary>
/// The extraction loop: send, judge the response (<see cref="AnswerJudge"/>), and re-ask with the errors until an answer
/// is accepted, the retries are spent, or an outcome ends it. Client failures are typed here: the attempt time-out and
/// responses the client cannot read; everything else the client throws propagates with the attempts attached. Each run
/// reports to an <see cref="ExtractionTrace"/> (its span, metrics and logs) when anything listens.
/// </summary>
internal static class ExtractionLoop
{
    public static async Task<ExtractionResult<T>> RunAsync<T>(IChatClient client, ExtractionInput input, ExtractOptions? options, CancellationToken cancellationToken)
        where T : ILlmExtractable<T>
    {
        int maxRetries = options?.MaxRetries ?? 1;
        TimeSpan? attemptTimeout = options?.AttemptTimeout;
        ExtractionMode mode = ExtractionRequest.ModeOf<T>(options);
        ChatOptions chatOptions = ExtractionRequest.CreateOptions<T>(mode, options);
        List<ChatMessage> messages = ExtractionRequest.CreateMessages<T>(mode, input, options, chatOptions);
        int prefixLength = messages.Count; // what every re-ask sends again
        var attempts = new List<ExtractionAttempt>(1 + Math.Min(maxRetries, 4));

        // Null when nothing listens. Started here, in this async method, so that its span is current for the chat
        // client's calls below (their spans become its children) and for nothing after this method returns.
        ExtractionTrace? trace = ExtractionTrace.Start<T>(client, chatOptions, mode, options);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int number = attempts.Count + 1;
                ChatResponse response;
                CancellationTokenSource? timeout = attemptTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                try
                {
                    timeout?.CancelAfter(attemptTimeout!.Value);
                    response = await client.GetResponseAsync(messages, chatOptions, timeout?.Token ?? cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (timeout is not null && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // Our own time-out, not the caller's cancellation: a typed failure that keeps every attempt.
                    Add(attempts, ExtractionAttempt.TimedOut(number, ExtractionMessages.TimedOut(attemptTimeout!.Value)), trace, 0);
                    return Finish(trace, new ExtractionResult<T>(default, ExtractionFailureKind.TimedOut, attempts, e));
                }
                catch (OperationCanceledException e) when (timeout is not null && cancellationToken.IsCancellationRequested && e.CancellationToken != cancellationToken)
                {
                    // The caller cancelled while the linked token was in use: report it against the caller's own token.
                    var cancelled = new OperationCanceledException(e.Message, e, cancellationToken);
                    AttachAttempts(cancelled, attempts);
                    throw cancelled;
                }
                catch (UnreadableResponseException e)
                {
                    // A transport (such as StructuredOutput.OpenAI's response check) found the response unreadable. Asking
                    // again would meet the same server with the same conversation, so this ends the loop.
                    Add(attempts, ExtractionAttempt.Unreadable(number, ExtractionMessages.Unreadable(e.Reason), e.ResponseBody), trace, 0);
                    return Finish(trace, new ExtractionResult<T>(default, ExtractionFailureKind.UnreadableResponse, attempts, e));
                }
                catch (JsonException e)
                {
                    // The client's deserializer could not read the response body (the OpenAI .NET SDK throws this for a body
                    // that is not JSON). Sending the request cannot raise it: requests are serialized, never parsed.
                    Add(attempts, ExtractionAttempt.Unreadable(number, ExtractionMessages.UnreadableJson(e.Message), null), trace, 0);
                    return Finish(trace, new ExtractionResult<T>(default, ExtractionFailureKind.UnreadableResponse, attempts, e));
                }
                catch (Exception e) when (AttachAttempts(e, attempts))
                {
                    throw; // not reached: the filter only annotates the exception and lets it pass unchanged
                }
                finally
                {
                    timeout?.Dispose();
                }

                long parseStarted = trace is null ? 0 : ExtractionTrace.ParseStarted();
                ExtractionAttempt attempt = AnswerJudge.Judge(number, response, mode, options, chatOptions.MaxOutputTokens, out T? value);
                Add(attempts, attempt, trace, parseStarted);
                if (attempt.FailureKind == ExtractionFailureKind.None)
                {
                    return Finish(trace, new ExtractionResult<T>(value, ExtractionFailureKind.None, attempts));
                }

                if (attempt.FailureKind != ExtractionFailureKind.InvalidAnswer || attempts.Count > maxRetries)
                {
                    return Finish(trace, new ExtractionResult<T>(default, attempt.FailureKind, attempts));
                }

                ExtractionRequest.AddReask<T>(messages, prefixLength, mode, attempt.RawResponse, response, attempt.Errors);
            }
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

    private static void Add(List<ExtractionAttempt> attempts, ExtractionAttempt attempt, ExtractionTrace? trace, long parseStarted)
    {
        attempts.Add(attempt);
        trace?.Attempted(attempt, parseStarted);
    }

    private static ExtractionResult<T> Finish<T>(ExtractionTrace? trace, ExtractionResult<T> result)
    {
        trace?.Completed(result);
        return result;
    }

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
