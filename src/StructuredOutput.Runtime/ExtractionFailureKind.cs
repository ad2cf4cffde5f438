namespace StructuredOutput;

/// <summary>Why an extraction produced no value.</summary>
public enum ExtractionFailureKind
{
    /// <summary>It did not fail.</summary>
    None,
    /// <summary>Every answer failed to parse or validate, and the retries are spent.</summary>
    InvalidAnswer,
    /// <summary>The model refused; asking again would not help.</summary>
    Refusal,
    /// <summary>
    /// The answer was cut off at the output token limit (finish reason <c>length</c>) and was not complete, strictly
    /// valid JSON as it stands; a value repaired out of it would be a guess.
    /// </summary>
    Truncated,
    /// <summary>
    /// The provider's content filter stopped the answer (finish reason <c>content_filter</c>) and it was not complete,
    /// strictly valid JSON as it stands.
    /// </summary>
    ContentFilter,
    /// <summary>A request ran longer than <see cref="ExtractOptions.AttemptTimeout"/>.</summary>
    TimedOut,
    /// <summary>
    /// The chat client received the provider's response but could not read it: it threw an
    /// <see cref="UnreadableResponseException"/> (whose body, when the transport could expose it, is kept in
    /// <see cref="ExtractionAttempt.ResponseBody"/>) or a <see cref="System.Text.Json.JsonException"/> while reading the
    /// body. The client's exception is the inner exception.
    /// </summary>
    UnreadableResponse,
    /// <summary>
    /// A streamed answer broke off: after some of its text had arrived, the chat client's stream threw (the connection
    /// was cut, the server ended the response early). Only streamed extractions end this way. The attempt keeps the
    /// text that arrived (<see cref="ExtractionAttempt.RawResponse"/>), and the client's exception is the inner
    /// exception. It is not retried: whether the server or the network failed, the caller decides whether to try again.
    /// </summary>
    Interrupted,
}
