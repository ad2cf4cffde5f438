using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using StructuredOutput.Reading;

namespace StructuredOutput.Validation;

/// <summary>
/// The checks that generated parsers run for <c>System.ComponentModel.DataAnnotations</c> attributes and
/// <see cref="IValidatableObject"/>, without reflection. Each records a failure as an <see cref="ExtractionError"/>
/// at the current JSON path, so that it is shown to the model on a retry. Called by generated code, not a user API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonValidators
{
    /// <summary>Checks a number against <c>[Range]</c> limits.</summary>
    /// <param name="context">The parse state, positioned at the member.</param>
    /// <param name="value">The value read.</param>
    /// <param name="minimum">The lower limit, or null.</param>
    /// <param name="minimumExclusive">Whether the lower limit itself is excluded.</param>
    /// <param name="maximum">The upper limit, or null.</param>
    /// <param name="maximumExclusive">Whether the upper limit itself is excluded.</param>
    /// <returns>Whether the value is within the limits.</returns>
    public static bool CheckRange(JsonReadContext context, decimal value, decimal? minimum, bool minimumExclusive, decimal? maximum, bool maximumExclusive)
    {
        ArgumentNullException.ThrowIfNull(context);
        bool ok = (minimum is not decimal lo || (minimumExclusive ? value > lo : value >= lo))
            && (maximum is not decimal hi || (maximumExclusive ? value < hi : value <= hi));
        return ok || RangeError(context, Text(value), minimum?.ToString(CultureInfo.InvariantCulture), minimumExclusive, maximum?.ToString(CultureInfo.InvariantCulture), maximumExclusive);
    }

    /// <summary>Checks a floating-point number against <c>[Range]</c> limits.</summary>
    /// <inheritdoc cref="CheckRange(JsonReadContext, decimal, decimal?, bool, decimal?, bool)"/>
    public static bool CheckRange(JsonReadContext context, double value, double? minimum, bool minimumExclusive, double? maximum, bool maximumExclusive)
    {
        ArgumentNullException.ThrowIfNull(context);
        bool ok = (minimum is not double lo || (minimumExclusive ? value > lo : value >= lo))
            && (maximum is not double hi || (maximumExclusive ? value < hi : value <= hi));
        return ok || RangeError(context, value.ToString("R", CultureInfo.InvariantCulture), minimum?.ToString("R", CultureInfo.InvariantCulture), minimumExclusive, maximum?.ToString("R", CultureInfo.InvariantCulture), maximumExclusive);
    }

    /// <summary>Checks the length of a string in characters (Unicode scalar values, as JSON Schema counts them).</summary>
    /// <param name="context">The parse state, positioned at the member.</param>
    /// <param name="value">The string read.</param>
    /// <param name="minimum">The least length, or null.</param>
    /// <param name="maximum">The greatest length, or null.</param>
    /// <returns>Whether the length is allowed.</returns>
    public static bool CheckLength(JsonReadContext context, string value, int? minimum, int? maximum)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        int length = value.Length;
        foreach (char c in value)
        {
            if (char.IsLowSurrogate(c))
            {
                length--;
            }
        }

        if ((minimum is int lo && length < lo) || (maximum is int hi && length > hi))
        {
            context.AddError(ExtractionErrorKind.ConstraintViolated, $"expected {Bounds(minimum, maximum, "character")}, found {length} ({JsonReadContext.Excerpt(value, quote: true)})");
            return false;
        }

        return true;
    }

    /// <summary>Checks the number of items of a collection.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="context">The parse state, positioned at the member.</param>
    /// <param name="items">The collection read.</param>
    /// <param name="minimum">The least count, or null.</param>
    /// <param name="maximum">The greatest count, or null.</param>
    /// <returns>Whether the count is allowed.</returns>
    public static bool CheckCount<T>(JsonReadContext context, IEnumerable<T> items, int? minimum, int? maximum)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(items);
        if (!items.TryGetNonEnumeratedCount(out int count))
        {
            count = 0;
            foreach (var _ in items)
            {
                count++;
            }
        }

        if ((minimum is int lo && count < lo) || (maximum is int hi && count > hi))
        {
            context.AddError(ExtractionErrorKind.ConstraintViolated, $"expected {Bounds(minimum, maximum, "item")}, found {count}");
            return false;
        }

        return true;
    }

    /// <summary>Checks that the whole string matches a <c>[RegularExpression]</c> pattern (an empty string passes, as in DataAnnotations).</summary>
    /// <param name="context">The parse state, positioned at the member.</param>
    /// <param name="value">The string read.</param>
    /// <param name="regex">The pattern, compiled once by the generated code.</param>
    /// <returns>Whether it matches.</returns>
    public static bool CheckPattern(JsonReadContext context, string value, Regex regex)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(regex);
        if (value.Length == 0)
        {
            return true;
        }

        bool ok;
        try
        {
            var match = regex.Match(value);
            ok = match.Success && match.Index == 0 && match.Length == value.Length;
        }
        catch (RegexMatchTimeoutException)
        {
            ok = false;
        }

        if (!ok)
        {
            context.AddError(ExtractionErrorKind.ConstraintViolated, $"expected a string matching the pattern {regex}, found {JsonReadContext.Excerpt(value, quote: true)}");
        }

        return ok;
    }

    /// <summary>Checks an <c>[EmailAddress]</c>: one '@' with text on both sides, and no line breaks.</summary>
    /// <param name="context">The parse state, positioned at the member.</param>
    /// <param name="value">The string read.</param>
    /// <returns>Whether it is an e-mail address.</returns>
    public static bool CheckEmail(JsonReadContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        int at = value.IndexOf('@', StringComparison.Ordinal);
        bool ok = at > 0 && at == value.LastIndexOf('@') && at < value.Length - 1
            && value.IndexOfAny(new[] { '\r', '\n' }) < 0;
        if (!ok)
        {
            context.AddError(ExtractionErrorKind.ConstraintViolated, $"expected an e-mail address such as \"name@example.com\", found {JsonReadContext.Excerpt(value, quote: true)}");
        }

        return ok;
    }

    /// <summary>Checks a <c>[Url]</c>: an absolute http, https or ftp address.</summary>
    /// <param name="context">The parse state, positioned at the member.</param>
    /// <param name="value">The string read.</param>
    /// <returns>Whether it is such an address.</returns>
    public static bool CheckUrl(JsonReadContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        bool ok = value.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("ftp://", StringComparison.OrdinalIgnoreCase);
        if (!ok)
        {
            context.AddError(ExtractionErrorKind.ConstraintViolated, $"expected an http, https or ftp URL such as \"https://example.com\", found {JsonReadContext.Excerpt(value, quote: true)}");
        }

        return ok;
    }

    /// <summary>Checks a <c>[Required]</c> string: an empty or blank string is not a value.</summary>
    /// <param name="context">The parse state, positioned at the member.</param>
    /// <param name="value">The string read.</param>
    /// <returns>Whether it holds a non-blank value.</returns>
    public static bool CheckNotEmpty(JsonReadContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(value))
        {
            context.AddError(ExtractionErrorKind.ConstraintViolated, $"expected a non-empty string, found {JsonReadContext.Excerpt(value ?? string.Empty, quote: true)}");
            return false;
        }

        return true;
    }

    /// <summary>Checks an <c>[AllowedValues]</c> list.</summary>
    /// <typeparam name="T">The member's type.</typeparam>
    /// <param name="context">The parse state, positioned at the member.</param>
    /// <param name="value">The value read.</param>
    /// <param name="allowed">The allowed values.</param>
    /// <param name="allowedJson">The allowed values as JSON, for the message.</param>
    /// <returns>Whether the value is allowed.</returns>
    public static bool CheckAllowed<T>(JsonReadContext context, T value, T[] allowed, string allowedJson)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(allowed);
        if (Array.IndexOf(allowed, value) >= 0)
        {
            return true;
        }

        context.AddError(ExtractionErrorKind.ConstraintViolated, $"expected one of {allowedJson}, found {Text(value)}");
        return false;
    }

    /// <summary>Checks a <c>[DeniedValues]</c> list.</summary>
    /// <typeparam name="T">The member's type.</typeparam>
    /// <param name="context">The parse state, positioned at the member.</param>
    /// <param name="value">The value read.</param>
    /// <param name="denied">The denied values.</param>
    /// <param name="deniedJson">The denied values as JSON, for the message.</param>
    /// <returns>Whether the value is not denied.</returns>
    public static bool CheckDenied<T>(JsonReadContext context, T value, T[] denied, string deniedJson)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(denied);
        if (Array.IndexOf(denied, value) < 0)
        {
            return true;
        }

        context.AddError(ExtractionErrorKind.ConstraintViolated, $"expected a value other than {deniedJson}, found {Text(value)}");
        return false;
    }

    /// <summary>
    /// Runs <see cref="IValidatableObject.Validate"/> and records each failed rule at the JSON path of the members it
    /// names (or of the object when it names none).
    /// </summary>
    /// <param name="context">The parse state, positioned at the object.</param>
    /// <param name="value">The object built.</param>
    /// <param name="displayName">The type's name, for the validation context.</param>
    /// <param name="memberNames">Pairs of C# member name and JSON name: <c>[clr0, json0, clr1, json1, …]</c>.</param>
    /// <returns>Whether every rule passed.</returns>
    public static bool ValidateObject(JsonReadContext context, IValidatableObject value, string displayName, string[] memberNames)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(memberNames);
        IEnumerable<ValidationResult> results;
        var errorsBefore = context.ErrorCount;
        try
        {
            var validationContext = CreateValidationContext(value, displayName);
            results = value.Validate(validationContext) ?? Array.Empty<ValidationResult>();
            foreach (var result in results)
            {
                if (result is null || result == ValidationResult.Success)
                {
                    continue;
                }

                string message = string.IsNullOrWhiteSpace(result.ErrorMessage) ? "breaks a rule of the type" : result.ErrorMessage!;
                bool placed = false;
                foreach (string name in result.MemberNames ?? Array.Empty<string>())
                {
                    string? json = JsonNameOf(name, memberNames);
                    if (json is not null)
                    {
                        context.EnterProperty(json);
                        context.AddError(ExtractionErrorKind.RuleViolated, message);
                        context.Exit();
                        placed = true;
                    }
                }

                if (!placed)
                {
                    context.AddError(ExtractionErrorKind.RuleViolated, message);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context.AddError(ExtractionErrorKind.RuleViolated, "could not be validated: Validate threw " + e.GetType().Name + ": " + e.Message);
        }

        return context.ErrorCount == errorsBefore;
    }

#if NET9_0_OR_GREATER
    private static ValidationContext CreateValidationContext(object value, string displayName) =>
        new(value, displayName, null, null);
#else
    // .NET 8 has no constructor that takes the display name, and the one it has looks the name up by reflection on the
    // instance's type (a [Display] attribute). The name is set right after, so a trimmed attribute changes nothing.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The display name is set explicitly; only the [Display] lookup could be trimmed.")]
    private static ValidationContext CreateValidationContext(object value, string displayName) =>
        new(value, null, null) { DisplayName = displayName };
#endif

    private static string? JsonNameOf(string clrName, string[] memberNames)
    {
        for (int i = 0; i + 1 < memberNames.Length; i += 2)
        {
            if (string.Equals(memberNames[i], clrName, StringComparison.Ordinal) || string.Equals(memberNames[i + 1], clrName, StringComparison.Ordinal))
            {
                return memberNames[i + 1];
            }
        }

        return null;
    }

    private static bool RangeError(JsonReadContext context, string found, string? minimum, bool minimumExclusive, string? maximum, bool maximumExclusive)
    {
        var sb = new StringBuilder("expected a number ");
        if (minimum is not null && maximum is not null && !minimumExclusive && !maximumExclusive)
        {
            sb.Append("from ").Append(minimum).Append(" to ").Append(maximum);
        }
        else
        {
            if (minimum is not null)
            {
                sb.Append(minimumExclusive ? "greater than " : "at least ").Append(minimum);
            }

            if (maximum is not null)
            {
                sb.Append(minimum is not null ? " and " : string.Empty).Append(maximumExclusive ? "less than " : "at most ").Append(maximum);
            }
        }

        context.AddError(ExtractionErrorKind.ConstraintViolated, sb.Append(", found ").Append(found).ToString());
        return false;
    }

    private static string Bounds(int? minimum, int? maximum, string unit) => (minimum, maximum) switch
    {
        (int lo, int hi) when lo == hi => $"exactly {lo} {unit}{(lo == 1 ? string.Empty : "s")}",
        (int lo, int hi) => $"{lo} to {hi} {unit}s",
        (int lo, null) => $"at least {lo} {unit}{(lo == 1 ? string.Empty : "s")}",
        (null, int hi) => $"at most {hi} {unit}{(hi == 1 ? string.Empty : "s")}",
        _ => unit + "s",
    };

    private static string Text<T>(T value) => value switch
    {
        null => "null",
        string s => JsonReadContext.Excerpt(s, quote: true),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
