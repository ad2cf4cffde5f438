using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Streaming;
using StructuredOutput.Telemetry;

namespace StructuredOutput.Extraction;

/// <summary>One step of a streamed extraction: an update, or an item of the watched list that closed.</summary>
internal readonly struct StreamStep<T>
{
    public StreamStep(ExtractionUpdate<T> update)
    {
        Update = update;
        ItemIndex = -1;
        Item = null;
        AttemptNumber = update.AttemptNumber;
    }

    public StreamStep(int attemptNumber, int itemIndex, object? item)
    {
        Update = null;
        AttemptNumber = attemptNumber;
        ItemIndex = itemIndex;
        Item = item;
    }

    public ExtractionUpdate<T>? Update { get; }

    public int AttemptNumber { get; }

    public int ItemIndex { get; }

    public object? Item { get; }
}

/// <summary>
/// The streamed extraction loop behind <see cref="ChatClientStreamingExtensions"/>: the same
/// <see cref="ExtractionConversation{T}"/> as <see cref="ExtractionLoop"/> (the request, the judging, the re-ask), with
/// each answer read while it streams by a <see cref="PartialAnswerReader"/>. The answer is judged at its end from the
/// <see cref="ChatResponse"/> the updates make, so the result is what <c>TryExtractAsync</c> gives for that answer. The
/// client's failures are typed as <see cref="ConversationRunner"/> types them; a stream that breaks off after text
/// arrived ends as <see cref="ExtractionFailureKind.Interrupted"/>.
/// </summary>
/// <remarks>
/// In <see cref="ExtractionMode.ToolCall"/> the answer is the arguments of the contract's call. A chat client that
/// streams their pieces as <see cref="ToolArgumentsPieceContent"/> has the first call of the contract's function read
/// piece by piece, as text is in the other modes; without pieces the whole call is read when it arrives at the end.
/// Either way the attempt is judged on the whole call, as <c>TryExtractAsync</c> judges it: the reader's view becomes
/// the value only when the text it read is exactly the arguments' text judged. Text the model writes beside its call is
/// kept in the raw response but never read as the answer (it is not one, in this mode).
/// </remarks>
/// <typeparam name="T">The extraction type.</typeparam>
internal static class StreamingExtraction<T>
    where T : ILlmExtractable<T>
{
    // How many chunks already received fail-fast reads through, at most, before it cancels anyway (a client that has
    // the whole answer at hand, such as a replay, never makes a read wait).
    private const int MaxBufferedReads = 16;

    public static async IAsyncEnumerable<StreamStep<T>> RunAsync(
        IChatClient client,
        ExtractionInput input,
        ExtractOptions? options,
        int watchedMember,
        bool partialUpdates,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var conversation = new ExtractionConversation<T>(input, options);
        bool toolCall = conversation.Mode == ExtractionMode.ToolCall;
        if (toolCall)
        {
            // The conversation's own copy of the options: a chat client adapter that can see the call's argument pieces
            // streams them as ToolArgumentsPieceContent for this request only.
            (conversation.ChatOptions.AdditionalProperties ??= new AdditionalPropertiesDictionary())[ToolArgumentsPieceContent.RequestKey] = true;
        }

        PartialShape? shape = T.StreamingShape;
        TimeSpan? attemptTimeout = options?.AttemptTimeout;
        bool failFast = options?.FailFast ?? false;
        ExtractionTrace? trace = ExtractionTrace.Start<T>(client, conversation.ChatOptions, conversation.Mode, options);
        var closedItems = new List<(int Index, object? Value)>();
        PartialObject? lastView = null;
        PartialAnswerReader? reading = null; // the reader of the attempt under way
        try
        {
            while (!conversation.IsFinished)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    throw Propagate(new OperationCanceledException(cancellationToken), conversation, trace, cancellationToken);
                }

                int number = conversation.Attempts.Count + 1;
                UsageDetails? usageBefore = ExtractionResult<T>.SumUsage(conversation.Attempts);
                PartialAnswerReader? reader = shape is null ? null : new PartialAnswerReader(shape, options?.Parsing);
                reading = reader;
                if (reader is not null && watchedMember >= 0)
                {
                    reader.WatchItems(watchedMember);
                }

                if (partialUpdates)
                {
                    yield return new StreamStep<T>(new ExtractionUpdate<T>(ExtractionUpdateKind.AttemptStarted, number, null, Array.Empty<ExtractionError>(), usageBefore, null, null));
                }

                var updates = new List<ChatResponseUpdate>();
                int textAt = -1;
                var text = new StringBuilder();
                StringBuilder? arguments = null; // tool-call mode: the pieces of the call read, joined
                var pieces = new PieceFilter();
                UsageDetails? usageNow = null;
                IReadOnlyList<ExtractionError> errorsShown = Array.Empty<ExtractionError>();
                Exception? failure = null;
                bool stopped = false;
                CancellationTokenSource? timeout = attemptTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                CancellationTokenSource? stop = failFast ? CancellationTokenSource.CreateLinkedTokenSource(timeout?.Token ?? cancellationToken) : null;
                IAsyncEnumerator<ChatResponseUpdate>? stream = null;
                try
                {
                    timeout?.CancelAfter(attemptTimeout!.Value);
                    CancellationToken token = stop?.Token ?? timeout?.Token ?? cancellationToken;
                    try
                    {
                        trace?.Resume(); // after a yield this method runs in its consumer's context
                        stream = client.GetStreamingResponseAsync(conversation.Messages, conversation.ChatOptions, token).GetAsyncEnumerator(token);
                    }
                    catch (Exception e)
                    {
                        failure = e;
                    }

                    while (failure is null)
                    {
                        bool moved;
                        try
                        {
                            trace?.Resume();
                            moved = await stream!.MoveNextAsync().ConfigureAwait(false);
                        }
                        catch (Exception e)
                        {
                            failure = e;
                            break;
                        }

                        if (!moved)
                        {
                            break;
                        }

                        ChatResponseUpdate update = stream.Current;
                        AnswerUpdates.Keep(updates, update, ref textAt);
                        bool changed = false;
                        IList<AIContent> contents = update.Contents;
                        for (int i = 0; i < contents.Count; i++)
                        {
                            switch (contents[i])
                            {
                                case TextContent t when !string.IsNullOrEmpty(t.Text):
                                    text.Append(t.Text);

                                    // In tool-call mode the answer is the call's arguments, never the text: what the model
                                    // writes before its call (an example object, say) is kept as raw text but not read.
                                    changed |= !toolCall && (reader?.Append(t.Text) ?? false);
                                    break;
                                case UsageContent u:
                                    usageNow ??= new UsageDetails();
                                    usageNow.Add(u.Details);
                                    break;
                                case ToolArgumentsPieceContent piece when toolCall && pieces.Reads(piece):
                                    (arguments ??= new StringBuilder()).Append(piece.Text);
                                    changed |= piece.Text.Length > 0 && (reader?.Append(piece.Text) ?? false);
                                    break;
                            }
                        }

                        if (reader is not null)
                        {
                            errorsShown = Snapshot(reader, errorsShown);
                            if (watchedMember >= 0 && reader.TakeClosedItems(closedItems) > 0)
                            {
                                foreach ((int index, object? value) in closedItems)
                                {
                                    yield return new StreamStep<T>(number, index, value);
                                }

                                closedItems.Clear();
                            }

                            if (changed && partialUpdates)
                            {
                                yield return new StreamStep<T>(new ExtractionUpdate<T>(ExtractionUpdateKind.Partial, number, reader.Root, errorsShown, Add(usageBefore, usageNow), null, null));
                            }

                            if (failFast && reader.IsStrict && reader.ErrorCount > 0)
                            {
                                stopped = true;
                                break;
                            }
                        }

                        if (cancellationToken.IsCancellationRequested)
                        {
                            failure = new OperationCanceledException(cancellationToken);
                            break;
                        }
                    }
                }
                finally
                {
                    if (stream is not null)
                    {
                        if (stopped)
                        {
                            await AbandonAsync(stream, stop!).ConfigureAwait(false);
                        }

                        try
                        {
                            await stream.DisposeAsync().ConfigureAwait(false);
                        }
                        catch (Exception e) when (stopped || failure is not null)
                        {
                            // Stopping a stream early may make the client's transport complain; what was read stands.
                            _ = e;
                        }
                    }

                    stop?.Dispose();
                    timeout?.Dispose();
                }

                ExtractionAttempt attempt;
                long parseStarted = 0;
                bool arrived = text.Length > 0 || arguments?.Length > 0; // some of the answer, before the response ended
                if (failure is not null)
                {
                    switch (ConversationRunner.Classify(failure, timeout, cancellationToken))
                    {
                        case ClientFailure.TimedOut:
                            attempt = conversation.RecordTimedOut(attemptTimeout!.Value, failure, arrived ? SoFar(text, arguments) : null, usageNow);
                            break;
                        case ClientFailure.CancelledThroughTimeout:
                            Exception cancelled = ConversationRunner.CancelledByCaller((OperationCanceledException)failure, conversation.Attempts, cancellationToken);
                            trace?.Failed(cancelled, cancelled: true);
                            throw cancelled;
                        case ClientFailure.Unreadable:
                            attempt = conversation.RecordUnreadable(failure);
                            break;
                        case ClientFailure.Other when failure is OperationCanceledException canceled && stop is not null
                            && cancellationToken.IsCancellationRequested && canceled.CancellationToken != cancellationToken:
                            // The caller's cancellation, seen through the fail-fast token.
                            Exception byCaller = ConversationRunner.CancelledByCaller(canceled, conversation.Attempts, cancellationToken);
                            trace?.Failed(byCaller, cancelled: true);
                            throw byCaller;
                        default:
                            if (arrived && failure is not OperationCanceledException)
                            {
                                attempt = conversation.RecordInterrupted(SoFar(text, arguments), failure, usageNow);
                                break;
                            }

                            throw Propagate(failure, conversation, trace, cancellationToken);
                    }
                }
                else if (stopped)
                {
                    ChatResponse partial = AnswerUpdates.ToResponse(updates, textAt, text);
                    parseStarted = trace is null ? 0 : ExtractionTrace.ParseStarted();
                    attempt = conversation.RecordStopped(partial, SoFar(text, arguments), new List<ExtractionError>(reader!.Errors).ToArray());
                }
                else
                {
                    ChatResponse response = AnswerUpdates.ToResponse(updates, textAt, text);
                    PartialAnswerReader? judgedWith = reader;
                    string? whole = reader is not null && toolCall ? ToolArguments(response) : null;
                    if (arguments is not null)
                    {
                        // The pieces were read as they came. The answer judged is the whole call's arguments as the chat
                        // client hands them over (as TryExtractAsync judges them); a client may have written them out
                        // again with other spacing or escapes, or the call may differ: then the answer is parsed.
                        if (whole is null || !arguments.Equals(whole.AsSpan()))
                        {
                            judgedWith = null;
                        }
                    }
                    else if (whole is not null)
                    {
                        // The chat client hands over a tool call's arguments whole, when the stream ends: the view fills in at once.
                        bool changed = reader!.Append(whole);
                        if (watchedMember >= 0 && reader.TakeClosedItems(closedItems) > 0)
                        {
                            foreach ((int index, object? value) in closedItems)
                            {
                                yield return new StreamStep<T>(number, index, value);
                            }

                            closedItems.Clear();
                        }

                        if (changed && partialUpdates)
                        {
                            errorsShown = Snapshot(reader, errorsShown);
                            yield return new StreamStep<T>(new ExtractionUpdate<T>(ExtractionUpdateKind.Partial, number, reader.Root, errorsShown, Add(usageBefore, usageNow), null, null));
                        }
                    }

                    parseStarted = trace is null ? 0 : ExtractionTrace.ParseStarted();
                    attempt = conversation.RecordStreamed(response, judgedWith);
                }

                lastView = reader?.Root;
                reader?.Release(); // the view stays readable; its buffer goes back to the pool
                reading = null;
                trace?.Attempted(attempt, parseStarted);
                if (!conversation.IsFinished && partialUpdates)
                {
                    yield return new StreamStep<T>(new ExtractionUpdate<T>(ExtractionUpdateKind.AttemptFailed, number, reader?.Root, attempt.Errors, ExtractionResult<T>.SumUsage(conversation.Attempts), attempt, null));
                }
            }

            ExtractionResult<T> result = conversation.Result;
            trace?.Completed(result);
            ExtractionAttempt last = result.Attempts[^1];
            yield return new StreamStep<T>(new ExtractionUpdate<T>(ExtractionUpdateKind.Completed, last.Number, lastView, last.Errors, result.Usage, last, result));
        }
        finally
        {
            reading?.Release(); // a stream abandoned, or ended by an exception, mid-answer
            trace?.Dispose();
        }
    }

    // Stops reading an answer that fail-fast gave up on. Disposing the stream alone would let an HTTP/1.1 transport drain
    // the rest of the answer to reuse the connection (up to its drain limit), while the server goes on writing it: the
    // chunks already received are read through until a read waits on the network, and that read is cancelled, which
    // makes the transport drop the connection and the server stop.
    private static async ValueTask AbandonAsync(IAsyncEnumerator<ChatResponseUpdate> stream, CancellationTokenSource stop)
    {
        try
        {
            for (int read = 0; read < MaxBufferedReads; read++)
            {
                ValueTask<bool> next = stream.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    stop.Cancel();
                    await next.ConfigureAwait(false);
                    return;
                }

                if (!next.Result)
                {
                    return;
                }
            }

            stop.Cancel();
        }
        catch (Exception e) when (e is OperationCanceledException || stop.IsCancellationRequested)
        {
            // The cancelled read: what was read stands.
        }
        catch (Exception)
        {
            // The transport may complain about a stream given up half-way; the attempt is already judged.
        }
    }

    // An exception that ends the extraction: with the attempts attached and recorded on the span, thrown as it was.
    private static Exception Propagate(Exception failure, ExtractionConversation<T> conversation, ExtractionTrace? trace, CancellationToken cancellationToken)
    {
        ConversationRunner.AttachAttempts(failure, conversation.Attempts);
        trace?.Failed(failure, cancelled: failure is OperationCanceledException && cancellationToken.IsCancellationRequested);
        ExceptionDispatchInfo.Capture(failure).Throw();
        return failure; // not reached
    }

    // The arguments of the contract's one call, as the reader reads them; null when the response holds no such call.
    private static string? ToolArguments(ChatResponse response)
    {
        List<FunctionCallContent>? calls = ResponseReader.Calls(response.Messages);
        return calls is { Count: 1 } && string.Equals(calls[0].Name, ContractTool<T>.Name, StringComparison.Ordinal) && calls[0].Exception is null
            ? ResponseReader.ArgumentsText(calls[0])
            : null;
    }

    // What arrived of an answer that ended before its response: the text, the pieces of the call read, or both.
    private static string SoFar(StringBuilder text, StringBuilder? arguments) =>
        arguments is null ? text.ToString()
        : text.Length == 0 ? arguments.ToString()
        : text.ToString() + "\n" + arguments.ToString();

    // The reader's errors as a list that does not change later; the same list while no error was added.
    private static IReadOnlyList<ExtractionError> Snapshot(PartialAnswerReader reader, IReadOnlyList<ExtractionError> previous) =>
        reader.Errors.Count == previous.Count ? previous : new List<ExtractionError>(reader.Errors).ToArray();

    /// <summary>
    /// Picks the pieces to read: those of the first call of the contract's function, met on its first piece (a call whose
    /// first piece did not name its function is never read, so the reader never starts mid-arguments).
    /// </summary>
    private struct PieceFilter
    {
        private string? _read;
        private List<string>? _met;

        public bool Reads(ToolArgumentsPieceContent piece)
        {
            if (_read is not null)
            {
                return string.Equals(piece.CallId, _read, StringComparison.Ordinal);
            }

            if (_met is not null && _met.Contains(piece.CallId))
            {
                return false;
            }

            (_met ??= new List<string>(1)).Add(piece.CallId);
            if (string.Equals(piece.Name, ContractTool<T>.Name, StringComparison.Ordinal))
            {
                _read = piece.CallId;
                return true;
            }

            return false;
        }
    }

    private static UsageDetails? Add(UsageDetails? before, UsageDetails? now)
    {
        if (now is null)
        {
            return before;
        }

        var total = new UsageDetails();
        if (before is not null)
        {
            total.Add(before);
        }

        total.Add(now);
        return total;
    }
}
