using System;
using System.ComponentModel;
using System.Text;
using System.Text.Json;

namespace StructuredOutput.Reading;

/// <summary>
/// The discriminator of a union: its property name and the value that names each listed type, built once per union.
/// Called by generated code, not a user API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class JsonUnionMap
{
    private readonly byte[] _utf8PropertyName;
    private readonly byte[][] _utf8Values;
    private readonly string[] _values;
    private readonly string[] _looseValues;

    /// <summary>Creates the map.</summary>
    /// <param name="propertyName">The discriminator's JSON property name.</param>
    /// <param name="values">The discriminator value of each listed type, in the order the types are listed.</param>
    public JsonUnionMap(string propertyName, string[] values)
    {
        ArgumentNullException.ThrowIfNull(propertyName);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            throw new ArgumentException("A union lists at least one type.", nameof(values));
        }

        PropertyName = propertyName;
        _utf8PropertyName = Encoding.UTF8.GetBytes(propertyName);
        _values = values;
        _utf8Values = Array.ConvertAll(values, static v => Encoding.UTF8.GetBytes(v));
        _looseValues = Array.ConvertAll(values, LooseNames.Of);
        Expected = ExpectedValues.OneOf(values);
    }

    /// <summary>The discriminator's JSON property name.</summary>
    public string PropertyName { get; }

    /// <summary>The allowed discriminator values, as an error message shows them.</summary>
    public string Expected { get; }

    /// <summary>Whether the property name under the reader is the discriminator's.</summary>
    /// <param name="reader">The reader, on a property name.</param>
    /// <returns>Whether it is.</returns>
    public bool IsDiscriminator(ref Utf8JsonReader reader) => reader.ValueTextEquals(_utf8PropertyName);

    /// <summary>The index of the listed type whose discriminator equals the string under the reader.</summary>
    /// <param name="reader">The reader, on a string token.</param>
    /// <returns>The index, or -1.</returns>
    public int Match(ref Utf8JsonReader reader)
    {
        for (int i = 0; i < _utf8Values.Length; i++)
        {
            if (reader.ValueTextEquals(_utf8Values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The index of the one listed type whose discriminator equals the string under the reader when case, spaces and
    /// punctuation are ignored ("Circle" for "circle"), or -1 when none or several do.
    /// </summary>
    /// <param name="reader">The reader, on a string token.</param>
    /// <param name="value">The discriminator matched.</param>
    /// <returns>The index, or -1.</returns>
    public int MatchLoosely(ref Utf8JsonReader reader, out string? value)
    {
        int found = LooseNames.FindOne(ref reader, _looseValues);
        value = found < 0 ? null : _values[found];
        return found;
    }
}
