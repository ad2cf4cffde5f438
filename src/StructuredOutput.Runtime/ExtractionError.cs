namespace StructuredOutput;

/// <summary>One problem found in a model's answer, located by its JSON path.</summary>
public sealed class ExtractionError
{
    /// <summary>Creates an error.</summary>
    /// <param name="path">The JSON path from the root, such as <c>$.ingredients[2].quantity</c>.</param>
    /// <param name="kind">What kind of problem it is.</param>
    /// <param name="message">What was expected and what was found.</param>
    public ExtractionError(string path, ExtractionErrorKind kind, string message)
    {
        Path = path;
        Kind = kind;
        Message = message;
    }

    /// <summary>The JSON path from the root, such as <c>$.ingredients[2].quantity</c>; <c>$</c> for the answer as a whole.</summary>
    public string Path { get; }

    /// <summary>What kind of problem it is.</summary>
    public ExtractionErrorKind Kind { get; }

    /// <summary>What was expected and what was found, worded so that a model can correct it.</summary>
    public string Message { get; }

    /// <summary>The path and the message, as the model is shown them.</summary>
    public override string ToString() => Path + ": " + Message;
}

/// <summary>The kinds of <see cref="ExtractionError"/>.</summary>
public enum ExtractionErrorKind
{
    /// <summary>The answer holds no JSON object at all (empty, prose only, or a JSON value of another kind).</summary>
    NoJson,
    /// <summary>The JSON text is malformed.</summary>
    InvalidJson,
    /// <summary>The answer ends before the JSON is complete.</summary>
    Truncated,
    /// <summary>The answer holds more than one JSON object where one is expected.</summary>
    MultipleValues,
    /// <summary>A required property is missing.</summary>
    MissingProperty,
    /// <summary>A property appears more than once in the same object.</summary>
    DuplicateProperty,
    /// <summary>A value is null where the type does not allow null.</summary>
    NullNotAllowed,
    /// <summary>A value has the wrong JSON kind (a string where a number is expected, and so on).</summary>
    WrongKind,
    /// <summary>A number with a fractional part where an integer is expected.</summary>
    NotAnInteger,
    /// <summary>A number outside the range of the member's .NET type.</summary>
    OutOfRange,
    /// <summary>A string that names no member of the enum.</summary>
    UnknownEnumValue,
    /// <summary>A string that cannot be represented (for example, a lone UTF-16 surrogate).</summary>
    InvalidString,
    /// <summary>The type's own constructor or initializer rejected the values.</summary>
    ConstructionFailed,
    /// <summary>More errors were found than are listed.</summary>
    TooManyErrors,
    /// <summary>A string that is not in the member's format (a date, time, duration, UUID, URI or single character).</summary>
    InvalidFormat,
    /// <summary>A value that breaks a validation attribute of its member (range, length, pattern, allowed values…).</summary>
    ConstraintViolated,
    /// <summary>A rule of the type's <c>IValidatableObject.Validate</c> failed.</summary>
    RuleViolated,
    /// <summary>The answer is longer than <see cref="ParseOptions.MaxAnswerLength"/>; it was not read.</summary>
    TooLarge,
    /// <summary>The JSON nests arrays and objects deeper than <see cref="ParseOptions.MaxDepth"/>.</summary>
    TooDeep,
    /// <summary>A union's discriminator names none of its listed types.</summary>
    UnknownDiscriminator,
}
