using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StructuredOutput.Reading;

/// <summary>
/// The value readers that generated parsers call: one per primitive type, plus the composition of nullable values,
/// lists and arrays. Each follows <see cref="JsonValueReader{T}"/>: it records problems in the context with the
/// current JSON path and never throws for bad input. Called by generated code, not a user API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class JsonReaders
{
    /// <summary>Reads a JSON string.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadString(ref Utf8JsonReader reader, JsonReadContext context, out string value)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            value = string.Empty;
            return context.ReportWrongKind(ref reader, ExpectedValues.String);
        }

        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = string.Empty;
            // The raw token keeps its escapes, so it is shown as the JSON text that was sent.
            string raw = Encoding.UTF8.GetString(reader.ValueSpan);
            context.AddError(ExtractionErrorKind.InvalidString, $"expected a valid Unicode string, found \"{JsonReadContext.Excerpt(raw, quote: false)}\" (a lone surrogate escape)");
            return false;
        }
    }

    /// <summary>Reads <c>true</c> or <c>false</c>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadBoolean(ref Utf8JsonReader reader, JsonReadContext context, out bool value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                value = true;
                return true;
            case JsonTokenType.False:
                value = false;
                return true;
            case JsonTokenType.String when TryQuotedBoolean(ref reader, out value):
                context.AddRepair($"Read the string {JsonReadContext.Describe(ref reader)} at {context.CurrentPath} as {(value ? "true" : "false")}.");
                return true;
            default:
                value = false;
                return context.ReportWrongKind(ref reader, ExpectedValues.Boolean);
        }
    }

    /// <summary>Reads an integer within the range of <see cref="int"/>; <c>3.0</c> is accepted as 3.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadInt32(ref Utf8JsonReader reader, JsonReadContext context, out int value)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out value))
        {
            return true;
        }

        bool ok = ReadWholeNumber(ref reader, context, int.MinValue, int.MaxValue, out decimal whole);
        value = ok ? (int)whole : 0;
        return ok;
    }

    /// <summary>Reads an integer within the range of <see cref="long"/>; <c>3.0</c> is accepted as 3.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadInt64(ref Utf8JsonReader reader, JsonReadContext context, out long value)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value))
        {
            return true;
        }

        bool ok = ReadWholeNumber(ref reader, context, long.MinValue, long.MaxValue, out decimal whole);
        value = ok ? (long)whole : 0;
        return ok;
    }

    /// <summary>Reads a number as a finite <see cref="double"/>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadDouble(ref Utf8JsonReader reader, JsonReadContext context, out double value)
    {
        if (reader.TokenType == JsonTokenType.String && TryQuotedNumber(ref reader, out Utf8JsonReader number))
        {
            return Coerced(ReadDouble(ref number, context, out value), ref reader, context);
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            value = 0;
            return context.ReportWrongKind(ref reader, ExpectedValues.Number);
        }

        if (reader.TryGetDouble(out value) && double.IsFinite(value))
        {
            return true;
        }

        value = 0;
        context.AddError(ExtractionErrorKind.OutOfRange, $"expected a number within the range of a double, found {JsonReadContext.Describe(ref reader)}");
        return false;
    }

    /// <summary>Reads a number as a <see cref="decimal"/>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadDecimal(ref Utf8JsonReader reader, JsonReadContext context, out decimal value)
    {
        if (reader.TokenType == JsonTokenType.String && TryQuotedNumber(ref reader, out Utf8JsonReader number))
        {
            return Coerced(ReadDecimal(ref number, context, out value), ref reader, context);
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            value = 0;
            return context.ReportWrongKind(ref reader, ExpectedValues.Number);
        }

        if (reader.TryGetDecimal(out value))
        {
            return true;
        }

        value = 0;
        context.AddError(ExtractionErrorKind.OutOfRange, $"expected a number within the range of a decimal (±7.9e28), found {JsonReadContext.Describe(ref reader)}");
        return false;
    }

    /// <summary>Reads a string naming a member of <typeparamref name="TEnum"/>.</summary>
    /// <typeparam name="TEnum">The enum.</typeparam>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="context">The parse state.</param>
    /// <param name="map">The enum's JSON names.</param>
    /// <param name="value">The member read.</param>
    /// <returns>Whether a member was read.</returns>
    public static bool ReadEnum<TEnum>(ref Utf8JsonReader reader, JsonReadContext context, JsonEnumMap<TEnum> map, out TEnum value)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(map);
        if (reader.TokenType != JsonTokenType.String)
        {
            value = default;
            return context.ReportWrongKind(ref reader, map.Expected);
        }

        if (map.TryMatch(ref reader, out value))
        {
            return true;
        }

        if (map.TryMatchLoosely(ref reader, out value, out string? name))
        {
            context.AddRepair($"Read {JsonReadContext.Describe(ref reader)} at {context.CurrentPath} as the enum value \"{name}\" (the only one it matches ignoring case and punctuation).");
            return true;
        }

        context.AddError(ExtractionErrorKind.UnknownEnumValue, $"expected {context.Expected(ref reader, map.Expected)}, found {JsonReadContext.Describe(ref reader)}");
        return false;
    }

    /// <summary>Reads null, or a value with <paramref name="read"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="context">The parse state.</param>
    /// <param name="read">The reader of a non-null value.</param>
    /// <param name="value">The value, or null.</param>
    /// <returns>Whether the value was read without error.</returns>
    public static bool ReadNullable<T>(ref Utf8JsonReader reader, JsonReadContext context, JsonValueReader<T> read, out T? value)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(read);
        if (reader.TokenType == JsonTokenType.Null)
        {
            value = null;
            return true;
        }

        context.MarkNullable(ref reader);
        bool ok = read(ref reader, context, out T inner);
        value = inner;
        return ok;
    }

    /// <summary>Reads null, or a reference with <paramref name="read"/>.</summary>
    /// <typeparam name="T">The reference type.</typeparam>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="context">The parse state.</param>
    /// <param name="read">The reader of a non-null value.</param>
    /// <param name="value">The value, or null.</param>
    /// <returns>Whether the value was read without error.</returns>
    public static bool ReadOrNull<T>(ref Utf8JsonReader reader, JsonReadContext context, JsonValueReader<T> read, out T? value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        if (reader.TokenType == JsonTokenType.Null)
        {
            value = null;
            return true;
        }

        context.MarkNullable(ref reader);
        bool ok = read(ref reader, context, out T inner);
        value = inner;
        return ok;
    }

    /// <summary>Reads a JSON array into a list, each element with <paramref name="readElement"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="context">The parse state.</param>
    /// <param name="readElement">The reader of one element.</param>
    /// <param name="value">The list.</param>
    /// <returns>Whether every element was read without error.</returns>
    public static bool ReadList<T>(ref Utf8JsonReader reader, JsonReadContext context, JsonValueReader<T> readElement, out List<T> value)
    {
        ArgumentNullException.ThrowIfNull(readElement);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            value = new List<T>();
            if (reader.TokenType is JsonTokenType.Null or JsonTokenType.EndArray or JsonTokenType.EndObject or JsonTokenType.PropertyName)
            {
                return context.ReportWrongKind(ref reader, ExpectedValues.Array);
            }

            // A single value where a list is expected is a list of one: nothing is lost or invented.
            string path = context.CurrentPath;
            context.EnterIndex(0);
            bool read = readElement(ref reader, context, out T single);
            context.Exit();
            if (read)
            {
                value.Add(single);
                context.AddRepair($"Took the single value at {path} as a list of one item.");
            }

            return read;
        }

        int errorsBefore = context.ErrorCount;
        var list = new List<T>();
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            context.EnterIndex(index++);
            readElement(ref reader, context, out T item);
            context.Exit();
            list.Add(item);
        }

        value = list;
        return context.ErrorCount == errorsBefore;
    }

    /// <summary>Reads a JSON array into an array, each element with <paramref name="readElement"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="context">The parse state.</param>
    /// <param name="readElement">The reader of one element.</param>
    /// <param name="value">The array.</param>
    /// <returns>Whether every element was read without error.</returns>
    public static bool ReadArray<T>(ref Utf8JsonReader reader, JsonReadContext context, JsonValueReader<T> readElement, out T[] value)
    {
        bool ok = ReadList(ref reader, context, readElement, out List<T> list);
        value = list.ToArray();
        return ok;
    }

    // A number written as a JSON string ("42", "-3.5e2"): the whole string must be one JSON number, nothing else.
    private static bool TryQuotedNumber(ref Utf8JsonReader reader, out Utf8JsonReader number)
    {
        number = default;
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length is 0 or > 400)
        {
            return false;
        }

        var inner = new Utf8JsonReader(reader.ValueSpan, new JsonReaderOptions { MaxDepth = 1 });
        try
        {
            if (!inner.Read() || inner.TokenType != JsonTokenType.Number || inner.BytesConsumed != reader.ValueSpan.Length)
            {
                return false;
            }

            number = inner;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryQuotedBoolean(ref Utf8JsonReader reader, out bool value)
    {
        value = reader.ValueTextEquals("true"u8) || reader.ValueTextEquals("True"u8) || reader.ValueTextEquals("TRUE"u8);
        return value || reader.ValueTextEquals("false"u8) || reader.ValueTextEquals("False"u8) || reader.ValueTextEquals("FALSE"u8);
    }

    // Records the coercion of a quoted number once it has been read without error.
    private static bool Coerced(bool ok, ref Utf8JsonReader reader, JsonReadContext context)
    {
        if (ok)
        {
            context.AddRepair($"Read the string {JsonReadContext.Describe(ref reader)} at {context.CurrentPath} as a number.");
        }

        return ok;
    }

    private static bool ReadWholeNumber(ref Utf8JsonReader reader, JsonReadContext context, decimal min, decimal max, out decimal whole)
    {
        whole = 0;
        if (reader.TokenType == JsonTokenType.String && TryQuotedNumber(ref reader, out Utf8JsonReader quoted))
        {
            return Coerced(ReadWholeNumber(ref quoted, context, min, max, out whole), ref reader, context);
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            return context.ReportWrongKind(ref reader, ExpectedValues.Integer);
        }

        string range = $"an integer from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";
        if (reader.TryGetDecimal(out decimal number))
        {
            // decimal rounds tiny fractions such as 1e-40 to zero; double still sees them.
            if (number != decimal.Truncate(number) || (reader.TryGetDouble(out double asDouble) && asDouble != Math.Floor(asDouble)))
            {
                context.AddError(ExtractionErrorKind.NotAnInteger, $"expected {context.Expected(ref reader, ExpectedValues.Integer)}, found {JsonReadContext.Describe(ref reader)}");
                return false;
            }

            if (number < min || number > max)
            {
                context.AddError(ExtractionErrorKind.OutOfRange, $"expected {context.Expected(ref reader, range)}, found {JsonReadContext.Describe(ref reader)}");
                return false;
            }

            whole = number;
            return true;
        }

        // Beyond decimal: either huge (out of range) or a tiny non-zero fraction such as 1e-40.
        bool tiny = reader.TryGetDouble(out double d) && Math.Abs(d) < 1 && d != 0;
        context.AddError(
            tiny ? ExtractionErrorKind.NotAnInteger : ExtractionErrorKind.OutOfRange,
            $"expected {context.Expected(ref reader, tiny ? ExpectedValues.Integer : range)}, found {JsonReadContext.Describe(ref reader)}");
        return false;
    }
}
