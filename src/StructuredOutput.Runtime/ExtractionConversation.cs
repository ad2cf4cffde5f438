using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;
using StructuredOutput.Streaming;

namespace StructuredOutput;

/// <summary>
/// One extraction's conversation without a chat client: the messages and chat options of the next request, the judging
/// of each response, and the re-ask when one is due. <see cref="ChatClientExtractExtensions.ExtractAsync{T}(Microsoft.Extensions.AI.IChatClient, string, ExtractOptions?, System.Threading.CancellationToken)"/> asks
/// and judges the same way; this type serves whoever sends the requests another way (a provider's Batch API, a queue,
/// a recorded response).
/// </summary>
/// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
/// <example>
/// <code>
/// var conversation = new ExtractionConversation&lt;Recipe&gt;(text, options);
/// while (!conversation.IsFinished)
/// {
///     ChatResponse response = await chatClient.GetResponseAsync(conversation.Messages, conversation.ChatOptions);
///     conversation.Record(response);
/// }
/// ExtractionResult&lt;Recipe&gt; result = conversation.Result;
/// </code>
/// </example>
public sealed class ExtractionConversation<T>
    where T : ILlmExtractable<T>
{
    private readonly ExtractOptions? _options;
    private readonly int _maxRetries;
    private readonly List<ChatMessage> _messages;
    private readonly int _prefixLength;
    private readonly ExtractionMode _mode;
    private readonly List<ExtractionAttempt> _attempts;
    private ExtractionResult<T>? _result;

    /// <summary>Starts the conversation: the first request's messages and the chat options of every request.</summary>
    /// <param name="input">What to extract from.</param>
    /// <param name="options">Retries, parsing and chat options, as for <see cref="ChatClientExtractExtensions.ExtractAsync{T}(Microsoft.Extensions.AI.IChatClient, string, ExtractOptions?, System.Threading.CancellationToken)"/>; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    public ExtractionConversation(ExtractionInput input, ExtractOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        _options = options;
        _maxRetries = options?.MaxRetries ?? 1;
        _mode = ExtractionRequest.ModeOf<T>(options);
        ChatOptions = ExtractionRequest.CreateOptions<T>(_mode, options);
        _messages = ExtractionRequest.CreateMessages<T>(_mode, input, options, ChatOptions);
        _prefixLength = _messages.Count;
        _attempts = new List<ExtractionAttempt>(1 + Math.Min(_maxRetries, 4));
    }

    /// <summary>
    /// The messages of the next request: the system message and the input (its text delimited as data), then, after an answer that is
    /// re-asked, that answer and its errors. The list changes when <see cref="Record"/> prepares a re-ask; once
    /// <see cref="IsFinished"/>, it holds the last request's messages.
    /// </summary>
    public IReadOnlyList<ChatMessage> Messages => _messages;

    /// <summary>
    /// The chat options of every request: a copy of <see cref="ExtractOptions.ChatOptions"/> with the response format
    /// set. Send them unchanged.
    /// </summary>
    public ChatOptions ChatOptions { get; }

    /// <summary>How the requests ask for the answer: <see cref="ExtractOptions.Mode"/>, else the type's.</summary>
    public ExtractionMode Mode => _mode;

    /// <summary>The attempts recorded so far, in order.</summary>
    public IReadOnlyList<ExtractionAttempt> Attempts => _attempts;

    /// <summary>
    /// Whether the extraction has ended: an answer was accepted, the retries are spent, or an outcome that a re-ask
    /// cannot help ended it. Then <see cref="Result"/> holds the outcome; otherwise <see cref="Messages"/> is the next
    /// request.
    /// </summary>
    public bool IsFinished => _result is not null;

    /// <summary>The outcome, with every attempt and the summed usage.</summary>
    /// <exception cref="InvalidOperationException">The conversation has not finished (<see cref="IsFinished"/>).</exception>
    public ExtractionResult<T> Result => _result ?? throw new InvalidOperationException(
        $"The extraction of {typeof(T).Name} has not finished: send Messages and record the response first.");

    /// <summary>
    /// Judges the response to the request of <see cref="Messages"/>: an accepted value finishes the conversation, an
    /// answer that fails to parse or validate prepares the re-ask while retries remain (<see cref="ExtractOptions.MaxRetries"/>),
    /// and a refusal, an answer cut off or stopped by the content filter finishes it.
    /// </summary>
    /// <param name="response">The chat client's response.</param>
    /// <returns>The judged attempt, also added to <see cref="Attempts"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The conversation has already finished.</exception>
    public ExtractionAttempt Record(ChatResponse response) => RecordStreamed(response, null);

    /// <summary>Judges a streamed response, with the reader that read its answer as it arrived (see <see cref="AnswerJudge"/>).</summary>
    internal ExtractionAttempt RecordStreamed(ChatResponse response, PartialAnswerReader? streamed)
    {
        ArgumentNullException.ThrowIfNull(response);
        ThrowIfFinished();
        ExtractionAttempt attempt = AnswerJudge.Judge(_attempts.Count + 1, response, _mode, _options, ChatOptions.MaxOutputTokens, out T? value, streamed);
        return Judged(attempt, value, response);
    }

    /// <summary>
    /// Records a streamed answer stopped before its end because a member it completed was already invalid
    /// (<see cref="ExtractOptions.FailFast"/>): a rejected attempt with the text received and those errors, re-asked like
    /// any rejected answer while retries remain.
    /// </summary>
    /// <param name="partial">What arrived of the response before it was stopped.</param>
    /// <param name="text">The answer's text so far.</param>
    /// <param name="errors">The errors of the members completed so far.</param>
    internal ExtractionAttempt RecordStopped(ChatResponse partial, string text, IReadOnlyList<ExtractionError> errors)
    {
        ThrowIfFinished();
        ExtractionAttempt attempt = ExtractionAttempt.Rejected(_attempts.Count + 1, text, errors, Array.Empty<string>(), null, partial.Usage);
        _attempts.Add(attempt);
        if (_attempts.Count > _maxRetries)
        {
            _result = new ExtractionResult<T>(default, ExtractionFailureKind.InvalidAnswer, _attempts);
        }
        else
        {
            ExtractionRequest.AddReask<T>(_messages, _prefixLength, _mode, text, partial, errors);
        }

        return attempt;
    }

    /// <summary>Records a streamed request that ran out of time, keeping the text that had arrived.</summary>
    internal ExtractionAttempt RecordTimedOut(TimeSpan timeout, Exception? cause, string? textSoFar, UsageDetails? usage)
    {
        ThrowIfFinished();
        return Finish(ExtractionAttempt.TimedOut(_attempts.Count + 1, ExtractionMessages.TimedOut(timeout), textSoFar, usage), cause);
    }

    /// <summary>
    /// Records a streamed answer that broke off after some of its text arrived: the conversation finishes as
    /// <see cref="ExtractionFailureKind.Interrupted"/>, with the text kept and the exception as the cause.
    /// </summary>
    internal ExtractionAttempt RecordInterrupted(string textSoFar, Exception cause, UsageDetails? usage)
    {
        ThrowIfFinished();
        return Finish(ExtractionAttempt.Interrupted(_attempts.Count + 1, ExtractionMessages.Interrupted(cause), textSoFar, usage), cause);
    }

    private ExtractionAttempt Judged(ExtractionAttempt attempt, T? value, ChatResponse response)
    {
        _attempts.Add(attempt);
        if (attempt.FailureKind == ExtractionFailureKind.None)
        {
            _result = new ExtractionResult<T>(value, ExtractionFailureKind.None, _attempts);
        }
        else if (attempt.FailureKind != ExtractionFailureKind.InvalidAnswer || _attempts.Count > _maxRetries)
        {
            _result = new ExtractionResult<T>(default, attempt.FailureKind, _attempts);
        }
        else
        {
            ExtractionRequest.AddReask<T>(_messages, _prefixLength, _mode, attempt.RawResponse, response, attempt.Errors);
        }

        return attempt;
    }

    /// <summary>
    /// Records that the request of <see cref="Messages"/> got no answer within <paramref name="timeout"/>: the
    /// conversation finishes as <see cref="ExtractionFailureKind.TimedOut"/> (there is no answer to correct).
    /// </summary>
    /// <param name="timeout">The time the request was given (<see cref="ExtractOptions.AttemptTimeout"/>).</param>
    /// <returns>The attempt, also added to <see cref="Attempts"/>.</returns>
    /// <exception cref="InvalidOperationException">The conversation has already finished.</exception>
    public ExtractionAttempt RecordTimedOut(TimeSpan timeout) => RecordTimedOut(timeout, null);

    /// <summary>
    /// Records that the chat client could not read the response: it threw an <see cref="UnreadableResponseException"/>
    /// (its reason and body are kept) or a <see cref="JsonException"/> (a body that is not the JSON of a chat
    /// completion). The conversation finishes as <see cref="ExtractionFailureKind.UnreadableResponse"/>, and the
    /// exception is the inner exception of <see cref="ExtractionException"/>.
    /// </summary>
    /// <param name="exception">What the chat client threw.</param>
    /// <returns>The attempt, also added to <see cref="Attempts"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="exception"/> is neither of the two.</exception>
    /// <exception cref="InvalidOperationException">The conversation has already finished.</exception>
    public ExtractionAttempt RecordUnreadable(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ExtractionAttempt attempt = exception switch
        {
            UnreadableResponseException e => ExtractionAttempt.Unreadable(_attempts.Count + 1, ExtractionMessages.Unreadable(e.Reason), e.ResponseBody),
            JsonException e => ExtractionAttempt.Unreadable(_attempts.Count + 1, ExtractionMessages.UnreadableJson(e.Message), null),
            _ => throw new ArgumentException(
                $"Only an {nameof(UnreadableResponseException)} or a {nameof(JsonException)} makes a response unreadable, not {exception.GetType().Name}; other exceptions of the chat client are not outcomes of the extraction.",
                nameof(exception)),
        };
        ThrowIfFinished();
        return Finish(attempt, exception);
    }

    /// <summary>Like <see cref="RecordTimedOut(TimeSpan)"/>, with the cancellation behind it kept as the cause.</summary>
    internal ExtractionAttempt RecordTimedOut(TimeSpan timeout, Exception? cause)
    {
        ThrowIfFinished();
        return Finish(ExtractionAttempt.TimedOut(_attempts.Count + 1, ExtractionMessages.TimedOut(timeout)), cause);
    }

    /// <summary>Records an unreadable response whose failure message was worded before (a journal replays it).</summary>
    internal ExtractionAttempt RecordUnreadable(string failureMessage, string? responseBody)
    {
        ThrowIfFinished();
        return Finish(ExtractionAttempt.Unreadable(_attempts.Count + 1, failureMessage, responseBody), null);
    }

    private ExtractionAttempt Finish(ExtractionAttempt attempt, Exception? cause)
    {
        _attempts.Add(attempt);
        _result = new ExtractionResult<T>(default, attempt.FailureKind, _attempts, cause);
        return attempt;
    }

    private void ThrowIfFinished()
    {
        if (_result is not null)
        {
            throw new InvalidOperationException($"The extraction of {typeof(T).Name} has already finished ({_result.FailureKind}); start a new conversation for a new extraction.");
        }
    }
}
