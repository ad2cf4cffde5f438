using System;
using System.Collections.Generic;

namespace StructuredOutput;

/// <summary>The outcome of parsing one answer: a value, or every error found with its JSON path.</summary>
/// <typeparam name="T">The extraction type.</typeparam>
public sealed class ParseResult<T>
{
    private ParseResult(T? value, IReadOnlyList<ExtractionError> errors, IReadOnlyList<string> repairs)
    {
        Value = value;
        Errors = errors;
        Repairs = repairs;
    }

    /// <summary>Whether the answer produced a valid value; <see cref="Errors"/> is then empty.</summary>
    public bool IsSuccess => Errors.Count == 0;

    /// <summary>The value when <see cref="IsSuccess"/>; otherwise the default.</summary>
    public T? Value { get; }

    /// <summary>Every problem found, each with its JSON path.</summary>
    public IReadOnlyList<ExtractionError> Errors { get; }

    /// <summary>One human-readable entry per lenient fix applied to the answer; empty for clean input.</summary>
    public IReadOnlyList<string> Repairs { get; }

    /// <summary>A successful result.</summary>
    /// <param name="value">The value read.</param>
    /// <param name="repairs">The fixes applied, if any.</param>
    public static ParseResult<T> Success(T value, IReadOnlyList<string>? repairs = null) =>
        new(value, Array.Empty<ExtractionError>(), repairs ?? Array.Empty<string>());

    /// <summary>A failed result.</summary>
    /// <param name="errors">At least one error.</param>
    /// <param name="repairs">The fixes applied before the errors were found, if any.</param>
    public static ParseResult<T> Failure(IReadOnlyList<ExtractionError> errors, IReadOnlyList<string>? repairs = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A failed parse needs at least one error.", nameof(errors));
        }

        return new(default, errors, repairs ?? Array.Empty<string>());
    }
}
