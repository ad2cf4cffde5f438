using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using StructuredOutput.Reading;

namespace StructuredOutput.Writing;

/// <summary>
/// The value writers that generated writers call: one per primitive type, in the format its reader reads and the
/// schema declares, plus the composition of properties, nullable values, arrays and dictionaries. Each follows
/// <see cref="JsonValueWriter{T}"/>: null is written as JSON null, and a value with no JSON form throws
/// <see cref="ArgumentException"/> naming its JSON path. Called by generated code, not a user API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonWriters
{
    /// <summary>Writes a property: its name, then its value with <paramref name="write"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="writer">The writer, inside an object.</param>
    /// <param name="utf8Name">The property's JSON name, UTF-8.</param>
    /// <param name="value">The value.</param>
    /// <param name="write">The writer of the value.</param>
    public static void WriteProperty<T>(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8Name, T value, JsonValueWriter<T> write)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(write);
        writer.WritePropertyName(utf8Name);
        try
        {
            write(writer, value);
        }
        catch (ValueWriteException e)
        {
            e.Prepend(ValueWriteException.PropertySegment(utf8Name));
            throw;
        }
    }

    /// <summary>Writes a string; text that is not valid UTF-16 (a lone surrogate) has no JSON form.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteString(Utf8JsonWriter writer, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        // System.Text.Json would write U+FFFD in place of a lone surrogate: a silent change of the value.
        if (LoneSurrogate(value) is int at)
        {
            throw new ValueWriteException($"the text has no JSON form: its character {at} is U+{(int)value[at]:X4}, half of a surrogate pair");
        }

        writer.WriteStringValue(value);
    }

    /// <summary>Writes a one-character string; half of a surrogate pair has no JSON form.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteChar(Utf8JsonWriter writer, char value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (char.IsSurrogate(value))
        {
            throw new ValueWriteException($"the character U+{(int)value:X4} is half of a surrogate pair, which JSON text cannot hold alone");
        }

        writer.WriteStringValue(new ReadOnlySpan<char>(in value));
    }

    /// <summary>Writes <c>true</c> or <c>false</c>.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteBoolean(Utf8JsonWriter writer, bool value) => NotNull(writer).WriteBooleanValue(value);

    /// <summary>Writes an integer.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteSByte(Utf8JsonWriter writer, sbyte value) => NotNull(writer).WriteNumberValue(value);

    /// <summary>Writes an integer.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteByte(Utf8JsonWriter writer, byte value) => NotNull(writer).WriteNumberValue(value);

    /// <summary>Writes an integer.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteInt16(Utf8JsonWriter writer, short value) => NotNull(writer).WriteNumberValue(value);

    /// <summary>Writes an integer.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteUInt16(Utf8JsonWriter writer, ushort value) => NotNull(writer).WriteNumberValue(value);

    /// <summary>Writes an integer.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteInt32(Utf8JsonWriter writer, int value) => NotNull(writer).WriteNumberValue(value);

    /// <summary>Writes an integer.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteUInt32(Utf8JsonWriter writer, uint value) => NotNull(writer).WriteNumberValue(value);

    /// <summary>Writes an integer.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteInt64(Utf8JsonWriter writer, long value) => NotNull(writer).WriteNumberValue(value);

    /// <summary>Writes an integer.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteUInt64(Utf8JsonWriter writer, ulong value) => NotNull(writer).WriteNumberValue(value);

    /// <summary>Writes a finite number in its shortest form that reads back to the same <see cref="float"/>; NaN and infinities have no JSON form.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteSingle(Utf8JsonWriter writer, float value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!float.IsFinite(value))
        {
            throw NotFinite(value.ToString(CultureInfo.InvariantCulture));
        }

        writer.WriteNumberValue(value);
    }

    /// <summary>Writes a finite number in its shortest form that reads back to the same <see cref="double"/>; NaN and infinities have no JSON form.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!double.IsFinite(value))
        {
            throw NotFinite(value.ToString(CultureInfo.InvariantCulture));
        }

        writer.WriteNumberValue(value);
    }

    /// <summary>Writes a number with the <see cref="decimal"/>'s digits and scale (<c>1.50</c> stays <c>1.50</c>).</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteDecimal(Utf8JsonWriter writer, decimal value) => NotNull(writer).WriteNumberValue(value);

    /// <summary>
    /// Writes an ISO 8601 date-time as System.Text.Json does (<c>O</c>, trailing zeros of the fraction left out): a UTC
    /// time with <c>Z</c>, a local time with its offset, and an unspecified one without an offset, which the reader
    /// reads back as unspecified (the schema's <c>date-time</c> wants an offset: give UTC times to stay within it).
    /// </summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteDateTime(Utf8JsonWriter writer, DateTime value) => NotNull(writer).WriteStringValue(value);

    /// <summary>Writes an RFC 3339 date-time with its offset (<c>2024-05-01T09:30:00+02:00</c>).</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteDateTimeOffset(Utf8JsonWriter writer, DateTimeOffset value) => NotNull(writer).WriteStringValue(value);

    /// <summary>Writes an RFC 3339 full-date, <c>YYYY-MM-DD</c>.</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteDateOnly(Utf8JsonWriter writer, DateOnly value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> text = stackalloc char[10];
        value.TryFormat(text, out int length, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        writer.WriteStringValue(text.Slice(0, length));
    }

    /// <summary>Writes an RFC 3339 partial-time, <c>HH:mm:ss</c> with a fraction when the time has one (trailing zeros left out).</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteTimeOnly(Utf8JsonWriter writer, TimeOnly value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> text = stackalloc char[16];
        value.TryFormat(text, out int length, "HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        writer.WriteStringValue(text.Slice(0, length));
    }

    /// <summary>
    /// Writes a duration in ISO 8601 (<c>PT1H30M</c>, <c>P2DT3H</c>, <c>PT0S</c>; days, never weeks, months or years),
    /// with a fraction on the seconds when it has one (<c>PT1.5S</c>, which ISO 8601 allows and the schema's
    /// <c>duration</c> grammar does not). A negative duration has no ISO form: it is written in .NET's constant format
    /// (<c>-1.02:30:00</c>), which the reader also reads.
    /// </summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteTimeSpan(Utf8JsonWriter writer, TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(IsoDurationText(value));
    }

    /// <summary>Writes a UUID in its hyphenated lower-case form (<c>0f8fad5b-d9cb-469f-a165-70867728950e</c>).</summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteGuid(Utf8JsonWriter writer, Guid value) => NotNull(writer).WriteStringValue(value);

    /// <summary>
    /// Writes an absolute URI as it was given when that is an RFC 3986 URI (so a URI read from JSON is written back
    /// unchanged), else in its escaped form; a relative URI, or one with no ASCII form, has no JSON form in the contract.
    /// </summary>
    /// <inheritdoc cref="JsonValueWriter{T}"/>
    public static void WriteUri(Utf8JsonWriter writer, Uri? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        if (!value.IsAbsoluteUri)
        {
            throw new ValueWriteException($"the URI \"{value.OriginalString}\" is relative, and the contract holds absolute URIs only");
        }

        if (Rfc3986.IsAbsoluteUri(value.OriginalString))
        {
            writer.WriteStringValue(value.OriginalString);
        }
        else if (Rfc3986.IsAbsoluteUri(value.AbsoluteUri))
        {
            writer.WriteStringValue(value.AbsoluteUri);
        }
        else
        {
            throw new ValueWriteException($"the URI \"{value.OriginalString}\" has no RFC 3986 form (ASCII, with a scheme)");
        }
    }

    /// <summary>Writes an enum member by its JSON name; a value that is none of the enum's members has no JSON form.</summary>
    /// <typeparam name="TEnum">The enum.</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    /// <param name="map">The enum's JSON names, the ones its reader reads.</param>
    public static void WriteEnum<TEnum>(Utf8JsonWriter writer, TEnum value, JsonEnumMap<TEnum> map)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(map);
        if (!map.TryGetUtf8Name(value, out byte[]? utf8Name))
        {
            throw new ValueWriteException($"{value} is not a member of {typeof(TEnum).Name}, so it has no JSON name (expected {map.Expected})");
        }

        writer.WriteStringValue(utf8Name);
    }

    /// <summary>Writes null, or the value with <paramref name="write"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value, or null.</param>
    /// <param name="write">The writer of a non-null value.</param>
    public static void WriteNullable<T>(Utf8JsonWriter writer, T? value, JsonValueWriter<T> write)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(write);
        if (value is T inner)
        {
            write(writer, inner);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Writes a JSON array of the items in their order (a list, an array, a set…), or null.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="values">The items, or null.</param>
    /// <param name="writeItem">The writer of one item.</param>
    public static void WriteArray<T>(Utf8JsonWriter writer, IEnumerable<T>? values, JsonValueWriter<T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeItem);
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        int index = 0;
        foreach (T item in values)
        {
            WriteItem(writer, item, writeItem, index++);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes a JSON array of the items; a default (uninitialized) array is written as null.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="values">The items.</param>
    /// <param name="writeItem">The writer of one item.</param>
    public static void WriteImmutableArray<T>(Utf8JsonWriter writer, ImmutableArray<T> values, JsonValueWriter<T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeItem);
        if (values.IsDefault)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        for (int i = 0; i < values.Length; i++)
        {
            WriteItem(writer, values[i], writeItem, i);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes a JSON object of the entries in their order, each key a property name, or null.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="writer">The writer.</param>
    /// <param name="values">The entries, or null.</param>
    /// <param name="writeValue">The writer of one value.</param>
    public static void WriteDictionary<T>(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, T>>? values, JsonValueWriter<T> writeValue)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeValue);
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        foreach (var (key, value) in values)
        {
            if (LoneSurrogate(key) is int at)
            {
                throw new ValueWriteException($"the key \"{key}\" has no JSON form: its character {at} is U+{(int)key[at]:X4}, half of a surrogate pair");
            }

            writer.WritePropertyName(key);

            try
            {
                writeValue(writer, value);
            }
            catch (ValueWriteException e)
            {
                e.Prepend(JsonPath.Property(key));
                throw;
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The ISO 8601 text of a duration, as <see cref="WriteTimeSpan"/> writes it.</summary>
    internal static string IsoDurationText(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            return value.ToString("c", CultureInfo.InvariantCulture);
        }

        if (value == TimeSpan.Zero)
        {
            return "PT0S";
        }

        var text = new System.Text.StringBuilder("P", 32);
        if (value.Days > 0)
        {
            text.Append(value.Days.ToString(CultureInfo.InvariantCulture)).Append('D');
        }

        long secondTicks = value.Ticks % TimeSpan.TicksPerMinute;
        if (value.Hours > 0 || value.Minutes > 0 || secondTicks > 0)
        {
            text.Append('T');
            if (value.Hours > 0)
            {
                text.Append(value.Hours.ToString(CultureInfo.InvariantCulture)).Append('H');
            }

            if (value.Minutes > 0)
            {
                text.Append(value.Minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
            }

            if (secondTicks > 0)
            {
                text.Append((secondTicks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture));
                long fraction = secondTicks % TimeSpan.TicksPerSecond;
                if (fraction > 0)
                {
                    text.Append('.').Append(fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0'));
                }

                text.Append('S');
            }
        }

        return text.ToString();
    }

    private static void WriteItem<T>(Utf8JsonWriter writer, T item, JsonValueWriter<T> writeItem, int index)
    {
        try
        {
            writeItem(writer, item);
        }
        catch (ValueWriteException e)
        {
            e.Prepend(JsonPath.Index(index));
            throw;
        }
    }

    // The index of the first surrogate that is not half of a pair, or null when the text is valid UTF-16.
    private static int? LoneSurrogate(string text)
    {
        int i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return null;
        }

        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return null;
    }

    private static ValueWriteException NotFinite(string value) =>
        new($"{value} is not a finite number, and JSON has no NaN or infinity");

    private static Utf8JsonWriter NotNull(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer;
    }
}
