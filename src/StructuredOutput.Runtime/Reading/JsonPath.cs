using System;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StructuredOutput.Reading;

/// <summary>
/// The one way the library writes a JSON path in errors and repairs: <c>$</c> for the root, <c>.name</c> for a property
/// whose name is an identifier (an ASCII letter, <c>_</c> or <c>$</c>, then those or digits), <c>['a b']</c> for any
/// other name, escaped as in an RFC 9535 normalized path (<c>\'</c>, <c>\\</c>, <c>\n</c> and the like, other control
/// characters as <c>\u00XX</c>), and <c>[2]</c> for an array element. The reader and the repair stage both use it.
/// </summary>
internal static class JsonPath
{
    /// <summary>The path of the root value.</summary>
    public const string Root = "$";

    /// <summary>Appends the segment of a property.</summary>
    /// <param name="path">The path so far.</param>
    /// <param name="name">The property's name, unescaped.</param>
    public static StringBuilder AppendProperty(StringBuilder path, string name)
    {
        if (IsIdentifier(name))
        {
            return path.Append('.').Append(name);
        }

        path.Append("['");
        foreach (char c in name)
        {
            switch (c)
            {
                case '\'': path.Append("\\'"); break;
                case '\\': path.Append("\\\\"); break;
                case '\b': path.Append("\\b"); break;
                case '\f': path.Append("\\f"); break;
                case '\n': path.Append("\\n"); break;
                case '\r': path.Append("\\r"); break;
                case '\t': path.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        path.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        path.Append(c);
                    }

                    break;
            }
        }

        return path.Append("']");
    }

    /// <summary>Appends the segment of an array element.</summary>
    /// <param name="path">The path so far.</param>
    /// <param name="index">The element's index.</param>
    public static StringBuilder AppendIndex(StringBuilder path, int index) =>
        path.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');

    /// <summary>The segment of a property, such as <c>.name</c> or <c>['a b']</c>.</summary>
    /// <param name="name">The property's name, unescaped.</param>
    public static string Property(string name) =>
        IsIdentifier(name) ? "." + name : AppendProperty(new StringBuilder(name.Length + 4), name).ToString();

    /// <summary>
    /// The segment of a property whose name is still written with JSON string escapes (as the repair stage holds it);
    /// an escape that does not decode (a lone surrogate) is kept as written.
    /// </summary>
    /// <param name="escapedName">The name's JSON string content, escapes included.</param>
    public static string PropertyFromEscaped(string escapedName)
    {
        if (!escapedName.Contains('\\', StringComparison.Ordinal))
        {
            return Property(escapedName);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse("\"" + escapedName + "\"");
            return Property(document.RootElement.GetString() ?? escapedName);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Property(escapedName);
        }
    }

    /// <summary>The segment of an array element, such as <c>[2]</c>.</summary>
    /// <param name="index">The element's index.</param>
    public static string Index(int index) => "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or '$'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '$'))
            {
                return false;
            }
        }

        return true;
    }
}
