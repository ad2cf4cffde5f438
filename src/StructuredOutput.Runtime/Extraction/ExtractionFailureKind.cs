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
}
