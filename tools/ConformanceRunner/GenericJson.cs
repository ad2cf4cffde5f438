using System;
using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StructuredOutput;
using StructuredOutput.Reading;

namespace ConformanceRunner;

/// <summary>
/// A type-free reading of the repaired JSON, for corpus cases that come without a .NET type: objects as dictionaries
/// (a duplicate key is an error, as for generated readers), arrays as lists, numbers kept as their text.
/// </summary>
internal static class GenericJson
{
    /// <summary>A JSON number, compared by value.</summary>
    internal sealed record Number(string Text);

    /// <summary>Reads any JSON value; follows <see cref="JsonValueReader{T}"/>.</summary>
    public static bool Read(ref Utf8JsonReader reader, JsonReadContext context, out object? value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new Dictionary<string, object?>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string name = reader.GetString() ?? string.Empty;
                    context.EnterProperty(name);
                    reader.Read();
                    if (obj.ContainsKey(name))
                    {
                        context.AddError(ExtractionErrorKind.DuplicateProperty, "appears more than once in the same object");
                        reader.Skip();
                    }
                    else
                    {
                        Read(ref reader, context, out object? member);
                        obj[name] = member;
                    }

                    context.Exit();
                }

                value = obj;
                return true;
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                int index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    context.EnterIndex(index++);
                    Read(ref reader, context, out object? item);
                    list.Add(item);
                    context.Exit();
                }

                value = list;
                return true;
            case JsonTokenType.String:
                try
                {
                    value = reader.GetString();
                    return true;
                }
                catch (InvalidOperationException)
                {
                    context.AddError(ExtractionErrorKind.InvalidString, "is not a valid Unicode string");
                    value = null;
                    return false;
                }

            case JsonTokenType.Number:
                value = new Number(Encoding.UTF8.GetString(reader.ValueSpan));
                return true;
            case JsonTokenType.True:
                value = true;
                return true;
            case JsonTokenType.False:
                value = false;
                return true;
            default:
                value = null;
                return true;
        }
    }

    /// <summary>Converts an expected value from the corpus to the same model.</summary>
    public static object? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromElement(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => new Number(element.GetRawText()),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>
    /// Structural equality: numbers by value, key order ignored. With <paramref name="typed"/>, a key the expected
    /// value holds as null may be absent, and keys the expected value lacks are ignored (a generated reader takes a
    /// missing nullable member as null and skips unknown members).
    /// </summary>
    public static bool Equal(object? expected, object? actual, bool typed)
    {
        switch (expected)
        {
            case null:
                return actual is null;
            case bool b:
                return actual is bool a && a == b;
            case string s:
                return actual is string t && s == t;
            case Number n:
                return actual is Number m && NumbersEqual(n.Text, m.Text);
            case List<object?> list:
                return actual is List<object?> other && list.Count == other.Count && list.Zip(other).All(p => Equal(p.First, p.Second, typed));
            case Dictionary<string, object?> obj:
                if (actual is not Dictionary<string, object?> got)
                {
                    return false;
                }

                foreach (var (key, value) in obj)
                {
                    if (got.TryGetValue(key, out object? member))
                    {
                        if (!Equal(value, member, typed))
                        {
                            return false;
                        }
                    }
                    else if (!(typed && value is null))
                    {
                        return false;
                    }
                }

                return typed || got.Keys.All(obj.ContainsKey);
            default:
                return false;
        }
    }

    private static bool NumbersEqual(string x, string y)
    {
        if (decimal.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal dx)
            && decimal.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal dy))
        {
            return dx == dy;
        }

        return double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out double fx)
            && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out double fy)
            && fx.Equals(fy);
    }

    /// <summary>Writes a value back as compact JSON, for the report.</summary>
    public static string Show(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                sb.Append(JsonSerializer.Serialize(s));
                break;
            case Number n:
                sb.Append(n.Text);
                break;
            case List<object?> list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Write(sb, list[i]);
                }

                sb.Append(']');
                break;
            case Dictionary<string, object?> obj:
                sb.Append('{');
                bool first = true;
                foreach (var (key, member) in obj)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    sb.Append(JsonSerializer.Serialize(key)).Append(':');
                    Write(sb, member);
                }

                sb.Append('}');
                break;
        }
    }
}
