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
    /// <summary>The answer was cut off at the output token limit (finish reason <c>length</c>).</summary>
    Truncated,
    /// <summary>The provider's content filter stopped the answer.</summary>
    ContentFilter,
    /// <summary>A request ran longer than <see cref="ExtractOptions.AttemptTimeout"/>.</summary>
    TimedOut,
    /// <summary>
    /// The chat client received the provider's response but could not read it (for example, the OpenAI .NET SDK rejects
    /// a <c>finish_reason</c> outside OpenAI's own set); the client's exception is the inner exception.
    /// </summary>
    UnreadableResponse,
}
