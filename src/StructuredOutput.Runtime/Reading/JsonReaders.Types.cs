using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace StructuredOutput.Reading;

// Readers of the wider type space: small integers, float, char, dates and times, Guid, Uri, sets and dictionaries.
public static partial class JsonReaders
{
    /// <summary>Reads an integer within the range of <see cref="sbyte"/>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadSByte(ref Utf8JsonReader reader, JsonReadContext context, out sbyte value)
    {
        bool ok = ReadInteger(ref reader, context, sbyte.MinValue, sbyte.MaxValue, out decimal whole);
        value = ok ? (sbyte)whole : default;
        return ok;
    }

    /// <summary>Reads an integer within the range of <see cref="byte"/>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadByte(ref Utf8JsonReader reader, JsonReadContext context, out byte value)
    {
        bool ok = ReadInteger(ref reader, context, byte.MinValue, byte.MaxValue, out decimal whole);
        value = ok ? (byte)whole : default;
        return ok;
    }

    /// <summary>Reads an integer within the range of <see cref="short"/>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadInt16(ref Utf8JsonReader reader, JsonReadContext context, out short value)
    {
        bool ok = ReadInteger(ref reader, context, short.MinValue, short.MaxValue, out decimal whole);
        value = ok ? (short)whole : default;
        return ok;
    }

    /// <summary>Reads an integer within the range of <see cref="ushort"/>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadUInt16(ref Utf8JsonReader reader, JsonReadContext context, out ushort value)
    {
        bool ok = ReadInteger(ref reader, context, ushort.MinValue, ushort.MaxValue, out decimal whole);
        value = ok ? (ushort)whole : default;
        return ok;
    }

    /// <summary>Reads an integer within the range of <see cref="uint"/>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadUInt32(ref Utf8JsonReader reader, JsonReadContext context, out uint value)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out value))
        {
            return true;
        }

        bool ok = ReadInteger(ref reader, context, uint.MinValue, uint.MaxValue, out decimal whole);
        value = ok ? (uint)whole : default;
        return ok;
    }

    /// <summary>Reads an integer within the range of <see cref="ulong"/>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadUInt64(ref Utf8JsonReader reader, JsonReadContext context, out ulong value)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out value))
        {
            return true;
        }

        bool ok = ReadInteger(ref reader, context, ulong.MinValue, ulong.MaxValue, out decimal whole);
        value = ok ? (ulong)whole : default;
        return ok;
    }

    private static bool ReadInteger(ref Utf8JsonReader reader, JsonReadContext context, decimal min, decimal max, out decimal whole)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long l) && l >= min && l <= max)
        {
            whole = l;
            return true;
        }

        return ReadWholeNumber(ref reader, context, min, max, out whole);
    }

    /// <summary>Reads a number as a finite <see cref="float"/>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadSingle(ref Utf8JsonReader reader, JsonReadContext context, out float value)
    {
        if (reader.TokenType == JsonTokenType.String && TryQuotedNumber(ref reader, out Utf8JsonReader number))
        {
            return Coerced(ReadSingle(ref number, context, out value), ref reader, context);
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            value = 0;
            return context.ReportWrongKind(ref reader, ExpectedValues.Number);
        }

        if (reader.TryGetSingle(out value) && float.IsFinite(value))
        {
            return true;
        }

        value = 0;
        context.AddError(ExtractionErrorKind.OutOfRange, $"expected {context.Expected(ref reader, "a number within the range of a float (±3.4e38)")}, found {JsonReadContext.Describe(ref reader)}");
        return false;
    }

    /// <summary>Reads a string of exactly one UTF-16 character.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadChar(ref Utf8JsonReader reader, JsonReadContext context, out char value)
    {
        value = default;
        if (!ReadText(ref reader, context, ExpectedValues.Char, out string? text))
        {
            return false;
        }

        if (text.Length == 1)
        {
            value = text[0];
            return true;
        }

        return Invalid(ref reader, context, ExpectedValues.Char);
    }

    /// <summary>
    /// Reads an RFC 3339 date-time (<c>2024-05-01T09:30:00Z</c>; <c>t</c>, <c>z</c> and a space for the <c>T</c> too).
    /// A time with an offset is converted to UTC (<see cref="DateTimeKind.Utc"/>). Beyond the grammar, and on purpose,
    /// a time without an offset, or a date alone, is read as <see cref="DateTimeKind.Unspecified"/>.
    /// </summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadDateTime(ref Utf8JsonReader reader, JsonReadContext context, out DateTime value)
    {
        const string expected = ExpectedValues.DateTime;
        value = default;
        if (!ReadText(ref reader, context, expected, out string? text))
        {
            return false;
        }

        if (!Rfc3339.TryParseDateTime(text, Rfc3339.Presence.Optional, out Rfc3339.Parts parts)
            || !TryLocalTicks(parts, out long ticks))
        {
            return Invalid(ref reader, context, expected);
        }

        if (parts.HasOffset)
        {
            ticks -= parts.OffsetMinutes * TimeSpan.TicksPerMinute;
            if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            {
                return Invalid(ref reader, context, expected);
            }
        }

        value = new DateTime(ticks, parts.HasOffset ? DateTimeKind.Utc : DateTimeKind.Unspecified);
        ReportLeapSecond(context, parts);
        return true;
    }

    /// <summary>
    /// Reads an RFC 3339 date-time with an offset (<c>2024-05-01T09:30:00+02:00</c>). An offset beyond ±14:00, which
    /// <see cref="DateTimeOffset"/> cannot hold, is an error.
    /// </summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadDateTimeOffset(ref Utf8JsonReader reader, JsonReadContext context, out DateTimeOffset value)
    {
        const string expected = ExpectedValues.DateTimeOffset;
        value = default;
        if (!ReadText(ref reader, context, expected, out string? text))
        {
            return false;
        }

        // Without an offset the instant is unknown; guessing the machine's time zone would be a silent wrong answer.
        if (!Rfc3339.TryParseDateTime(text, Rfc3339.Presence.Required, out Rfc3339.Parts parts) || !TryLocalTicks(parts, out long ticks))
        {
            return Invalid(ref reader, context, expected);
        }

        if (Math.Abs(parts.OffsetMinutes) > 14 * 60)
        {
            context.AddError(
                ExtractionErrorKind.InvalidFormat,
                $"expected {context.Expected(ref reader, expected)}, found {JsonReadContext.Describe(ref reader)}: an offset beyond ±14:00 is not a time zone (and DateTimeOffset cannot hold it)");
            return false;
        }

        long utc = ticks - (parts.OffsetMinutes * TimeSpan.TicksPerMinute);
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks)
        {
            return Invalid(ref reader, context, expected);
        }

        value = new DateTimeOffset(ticks, TimeSpan.FromMinutes(parts.OffsetMinutes));
        ReportLeapSecond(context, parts);
        return true;
    }

    /// <summary>Reads an RFC 3339 full-date, <c>YYYY-MM-DD</c>, a day that exists.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadDateOnly(ref Utf8JsonReader reader, JsonReadContext context, out DateOnly value)
    {
        const string expected = ExpectedValues.DateOnly;
        value = default;
        if (!ReadText(ref reader, context, expected, out string? text))
        {
            return false;
        }

        if (Rfc3339.TryParseDate(text, out Rfc3339.Parts parts) && parts.Year >= 1)
        {
            value = new DateOnly(parts.Year, parts.Month, parts.Day);
            return true;
        }

        return Invalid(ref reader, context, expected);
    }

    /// <summary>
    /// Reads a time of day: an RFC 3339 partial-time, <c>HH:mm:ss</c> with an optional fraction of any length, or a
    /// full-time, whose offset a time of day cannot hold: the clock time is kept and the dropped offset recorded.
    /// </summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadTimeOnly(ref Utf8JsonReader reader, JsonReadContext context, out TimeOnly value)
    {
        const string expected = ExpectedValues.TimeOnly;
        value = default;
        if (!ReadText(ref reader, context, expected, out string? text))
        {
            return false;
        }

        if (!Rfc3339.TryParseTime(text, Rfc3339.Presence.Optional, out Rfc3339.Parts parts))
        {
            return Invalid(ref reader, context, expected);
        }

        value = TimeOnly.FromTimeSpan(parts.TimeOfDay);
        if (parts.HasOffset)
        {
            string offset = text.Substring(text.AsSpan().LastIndexOfAny("Zz+-"));
            context.AddRepair($"Dropped the offset {offset} from the time of day at {context.CurrentPath}.");
        }

        ReportLeapSecond(context, parts);
        return true;
    }

    // The local date and time as ticks; false for year 0, which the .NET types cannot hold.
    private static bool TryLocalTicks(in Rfc3339.Parts parts, out long ticks)
    {
        ticks = 0;
        if (parts.Year < 1)
        {
            return false;
        }

        ticks = new DateTime(parts.Year, parts.Month, parts.Day).Ticks + (parts.HasTime ? parts.TimeOfDay.Ticks : 0);
        return true;
    }

    private static void ReportLeapSecond(JsonReadContext context, in Rfc3339.Parts parts)
    {
        if (parts.IsLeapSecond)
        {
            context.AddRepair($"Read the leap second at {context.CurrentPath} as the last tick of the second before it (.NET times cannot hold a 60th second).");
        }
    }

    /// <summary>
    /// Reads a duration: ISO 8601 (<c>PT1H30M</c>, <c>P2DT3H</c>, <c>P1W</c>) or .NET's constant format
    /// (<c>1.02:30:00</c>). Years and months are rejected: their length is not fixed.
    /// </summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadTimeSpan(ref Utf8JsonReader reader, JsonReadContext context, out TimeSpan value)
    {
        const string expected = ExpectedValues.TimeSpan;
        value = default;
        if (!ReadText(ref reader, context, expected, out string? text))
        {
            return false;
        }

        if (IsoDuration.TryParse(text, out value, out string? problem)
            || (problem is null && TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value)))
        {
            return true;
        }

        if (problem is not null)
        {
            context.AddError(ExtractionErrorKind.InvalidFormat, $"expected {context.Expected(ref reader, expected)}, found {JsonReadContext.Describe(ref reader)}: {problem}");
            return false;
        }

        return Invalid(ref reader, context, expected);
    }

    /// <summary>Reads a UUID in its hyphenated form (8-4-4-4-12 hex digits, either case), such as <c>"0f8fad5b-d9cb-469f-a165-70867728950e"</c>.</summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadGuid(ref Utf8JsonReader reader, JsonReadContext context, out Guid value)
    {
        const string expected = ExpectedValues.Guid;
        value = default;
        if (!ReadText(ref reader, context, expected, out string? text))
        {
            return false;
        }

        // RFC 9562's hyphenated form, in either case; not the braced, parenthesized or undivided forms Guid.TryParse takes.
        return (text.Length == 36 && Guid.TryParseExact(text, "D", out value)) || Invalid(ref reader, context, expected);
    }

    /// <summary>
    /// Reads an absolute URI (RFC 3986) such as <c>"https://example.com/a"</c>; an RFC 3986 URI that <see cref="Uri"/>
    /// cannot hold (a port beyond 65535) is an error too.
    /// </summary>
    /// <inheritdoc cref="JsonValueReader{T}"/>
    public static bool ReadUri(ref Utf8JsonReader reader, JsonReadContext context, out Uri value)
    {
        const string expected = ExpectedValues.Uri;
        value = null!;
        if (!ReadText(ref reader, context, expected, out string? text))
        {
            return false;
        }

        // The grammar first: Uri alone escapes spaces, takes Unicode hosts and, on Unix, a rooted path as a file URI.
        if (Rfc3986.IsAbsoluteUri(text) && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
        {
            value = uri;
            return true;
        }

        return Invalid(ref reader, context, expected);
    }

    /// <summary>Reads a JSON array into a set; a repeated item is dropped and the drop recorded as a repair.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="context">The parse state.</param>
    /// <param name="readElement">The reader of one element.</param>
    /// <param name="value">The set.</param>
    /// <returns>Whether every element was read without error.</returns>
    public static bool ReadHashSet<T>(ref Utf8JsonReader reader, JsonReadContext context, JsonValueReader<T> readElement, out HashSet<T> value)
    {
        bool ok = ReadList(ref reader, context, readElement, out List<T> list);
        value = new HashSet<T>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            if (!value.Add(list[i]) && ok)
            {
                context.EnterIndex(i);
                context.AddRepair($"Dropped the repeated set item {context.CurrentPath}.");
                context.Exit();
            }
        }

        return ok;
    }

    /// <summary>Reads a JSON array into an immutable array.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="context">The parse state.</param>
    /// <param name="readElement">The reader of one element.</param>
    /// <param name="value">The array.</param>
    /// <returns>Whether every element was read without error.</returns>
    public static bool ReadImmutableArray<T>(ref Utf8JsonReader reader, JsonReadContext context, JsonValueReader<T> readElement, out ImmutableArray<T> value)
    {
        bool ok = ReadList(ref reader, context, readElement, out List<T> list);
        value = ImmutableArray.CreateRange(list);
        return ok;
    }

    /// <summary>Reads a JSON object with arbitrary keys into a dictionary, each value with <paramref name="readValue"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="reader">The reader, on the value.</param>
    /// <param name="context">The parse state.</param>
    /// <param name="readValue">The reader of one value.</param>
    /// <param name="value">The dictionary.</param>
    /// <returns>Whether every entry was read without error.</returns>
    public static bool ReadDictionary<T>(ref Utf8JsonReader reader, JsonReadContext context, JsonValueReader<T> readValue, out Dictionary<string, T> value)
    {
        ArgumentNullException.ThrowIfNull(readValue);
        value = new Dictionary<string, T>(StringComparer.Ordinal);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return context.ReportWrongKind(ref reader, ExpectedValues.Object);
        }

        int errorsBefore = context.ErrorCount;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key;
            try
            {
                key = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                context.AddError(ExtractionErrorKind.InvalidString, "holds a key that is not a valid Unicode string (a lone surrogate escape)");
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            context.EnterProperty(key);
            if (value.ContainsKey(key))
            {
                context.AddError(ExtractionErrorKind.DuplicateProperty, "appears more than once; give each key once");
                reader.Skip();
            }
            else if (readValue(ref reader, context, out T item))
            {
                value.Add(key, item);
            }

            context.Exit();
        }

        return context.ErrorCount == errorsBefore;
    }

    // Reads a string token for a string-formatted value; the caller then checks the format.
    private static bool ReadText(ref Utf8JsonReader reader, JsonReadContext context, string expected, out string text)
    {
        text = string.Empty;
        if (reader.TokenType != JsonTokenType.String)
        {
            return context.ReportWrongKind(ref reader, expected);
        }

        try
        {
            text = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            context.AddError(ExtractionErrorKind.InvalidString, "is not a valid Unicode string (it holds a lone surrogate escape)");
            return false;
        }
    }

    private static bool Invalid(ref Utf8JsonReader reader, JsonReadContext context, string expected)
    {
        context.AddError(ExtractionErrorKind.InvalidFormat, $"expected {context.Expected(ref reader, expected)}, found {JsonReadContext.Describe(ref reader)}");
        return false;
    }
}
