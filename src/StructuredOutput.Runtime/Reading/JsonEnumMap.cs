using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.ComponentModel;
using System.Text;
using System.Text.Json;

namespace StructuredOutput.Reading;

/// <summary>
/// The JSON names of an enum's members and their values, built once per enum. Called by generated code, not a user API.
/// </summary>
/// <typeparam name="TEnum">The enum.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class JsonEnumMap<TEnum> where TEnum : struct, Enum
{
    private readonly byte[][] _utf8Names;
    private readonly TEnum[] _values;
    private readonly string[] _names;
    private readonly string[] _looseNames;

    /// <summary>Creates the map.</summary>
    /// <param name="names">The JSON names, in declaration order.</param>
    /// <param name="values">The member for each name.</param>
    public JsonEnumMap(string[] names, TEnum[] values)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        if (names.Length != values.Length)
        {
            throw new ArgumentException("Each name needs exactly one value.", nameof(values));
        }

        _utf8Names = Array.ConvertAll(names, static n => Encoding.UTF8.GetBytes(n));
        _names = names;
        _looseNames = Array.ConvertAll(names, LooseNames.Of);
        _values = values;
        Expected = ExpectedValues.OneOf(names);
    }

    /// <summary>The allowed values, as an error message shows them.</summary>
    public string Expected { get; }

    /// <summary>Finds the member whose JSON name equals the string under the reader.</summary>
    /// <param name="reader">The reader, on a string token.</param>
    /// <param name="value">The member found.</param>
    /// <returns>Whether one was found.</returns>
    public bool TryMatch(ref Utf8JsonReader reader, out TEnum value)
    {
        for (int i = 0; i < _utf8Names.Length; i++)
        {
            if (reader.ValueTextEquals(_utf8Names[i]))
            {
                value = _values[i];
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The UTF-8 JSON name of a member, the one <see cref="TryMatch"/> reads back to it; false for a value that is no member.</summary>
    /// <param name="value">The value.</param>
    /// <param name="utf8Name">Its JSON name, UTF-8 (the map's own array: not to be changed).</param>
    /// <returns>Whether the value is a member with a name.</returns>
    internal bool TryGetUtf8Name(TEnum value, [NotNullWhen(true)] out byte[]? utf8Name)
    {
        for (int i = 0; i < _values.Length; i++)
        {
            if (EqualityComparer<TEnum>.Default.Equals(_values[i], value))
            {
                utf8Name = _utf8Names[i];
                return true;
            }
        }

        utf8Name = null;
        return false;
    }

    /// <summary>
    /// Finds the one member whose JSON name equals the string under the reader when case, spaces and punctuation are
    /// ignored ("dark ish" for "dark-ish", "IN_PROGRESS" for "InProgress"). Fails when none or several match.
    /// </summary>
    /// <param name="reader">The reader, on a string token.</param>
    /// <param name="value">The member found.</param>
    /// <param name="name">Its JSON name.</param>
    /// <returns>Whether exactly one member matched.</returns>
    public bool TryMatchLoosely(ref Utf8JsonReader reader, out TEnum value, out string? name)
    {
        value = default;
        name = null;
        int found = LooseNames.FindOne(ref reader, _looseNames);
        if (found < 0)
        {
            return false;
        }

        value = _values[found];
        name = _names[found];
        return true;
    }
}
