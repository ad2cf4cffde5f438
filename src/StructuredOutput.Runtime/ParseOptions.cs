using System;

namespace StructuredOutput;

/// <summary>
/// Limits and leniency for reading a model's answer. The defaults suit every chat model's output; change them only to
/// tighten the parser (or, for <see cref="MaxAnswerLength"/>, for unusually long answers).
/// </summary>
public sealed class ParseOptions
{
    /// <summary>The default of <see cref="MaxDepth"/>: 64 nested arrays or objects.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The largest value <see cref="MaxDepth"/> accepts.</summary>
    /// <remarks>
    /// Generated readers call themselves for nested objects, so the depth is bounded to keep a hostile answer from
    /// exhausting the stack; no real answer nests this deep.
    /// </remarks>
    public const int MaxAllowedDepth = 256;

    /// <summary>The default of <see cref="MaxAnswerLength"/>: 4,000,000 characters.</summary>
    /// <remarks>
    /// About eight times the longest answer a current model can produce (128k output tokens of roughly four characters
    /// each), while bounding the buffers a parse needs to a few tens of megabytes.
    /// </remarks>
    public const int DefaultMaxAnswerLength = 4_000_000;

    private int _maxDepth = DefaultMaxDepth;
    private int _maxAnswerLength = DefaultMaxAnswerLength;

    /// <summary>Options with every default; shared, and immutable.</summary>
    public static ParseOptions Default { get; } = new();

    /// <summary>
    /// The deepest nesting of arrays and objects (the root object counts as one) read before the answer is rejected
    /// with <see cref="ExtractionErrorKind.TooDeep"/>. From 1 to <see cref="MaxAllowedDepth"/>; default
    /// <see cref="DefaultMaxDepth"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 to <see cref="MaxAllowedDepth"/>.</exception>
    public int MaxDepth
    {
        get => _maxDepth;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxAllowedDepth);
            _maxDepth = value;
        }
    }

    /// <summary>
    /// The longest answer, in UTF-16 characters, that is read at all; a longer one is rejected with
    /// <see cref="ExtractionErrorKind.TooLarge"/> before anything is allocated for it. Default
    /// <see cref="DefaultMaxAnswerLength"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxAnswerLength
    {
        get => _maxAnswerLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxAnswerLength = value;
        }
    }

    /// <summary>
    /// Whether malformed JSON is repaired when its meaning is unambiguous (trailing commas, comments, single quotes,
    /// unquoted keys, Python literals and the rest; each fix is listed in <see cref="ParseResult{T}.Repairs"/>).
    /// Default <see langword="true"/>. When <see langword="false"/>, the JSON itself must be strict; the object is
    /// still found inside a markdown fence or surrounding prose, because that changes no value.
    /// </summary>
    public bool AllowRepairs { get; init; } = true;
}
