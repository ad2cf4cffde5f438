using System.Globalization;
using System.Text;

namespace StructuredOutput.Generator.Emitting;

/// <summary>Escaping for C# string and character literals, identifiers and JSON strings.</summary>
internal static class Literals
{
    /// <summary>A C# regular string literal, quotes included.</summary>
    public static string CSharp(string value) => Quote(value, csharp: true);

    /// <summary>
    /// A C# raw string literal of several lines, its lines indented by <paramref name="indent"/> and its closing quotes
    /// on a line of their own; or null when the text cannot be one (a single line, a carriage return or another line
    /// break C# would read, a control character, a lone surrogate, or a line of only spaces, whose spaces a raw string
    /// would not keep). Its value's lines are separated by <c>\n</c>, as the generated file's lines are.
    /// </summary>
    public static string? RawString(string value, string indent)
    {
        if (value.IndexOf('\n') < 0)
        {
            return null;
        }

        int longestQuotes = 0;
        int quotes = 0;
        foreach (char c in value)
        {
            quotes = c == '"' ? quotes + 1 : 0;
            longestQuotes = System.Math.Max(longestQuotes, quotes);
            if ((c < ' ' && c != '\n' && c != '\t') || char.IsSurrogate(c) || c is '\u0085' or '\u2028' or '\u2029' or '\u007f')
            {
                return null;
            }
        }

        string[] lines = value.Split('\n');
        foreach (string line in lines)
        {
            if (line.Length > 0 && line.Trim().Length == 0)
            {
                return null;
            }
        }

        string delimiter = new string('"', System.Math.Max(3, longestQuotes + 1));
        var sb = new StringBuilder(value.Length + (lines.Length * (indent.Length + 1)) + 16).Append(delimiter).Append('\n');
        foreach (string line in lines)
        {
            if (line.Length > 0)
            {
                sb.Append(indent).Append(line);
            }

            sb.Append('\n');
        }

        return sb.Append(indent).Append(delimiter).ToString();
    }

    /// <summary>A JSON string, quotes included.</summary>
    public static string Json(string value) => Quote(value, csharp: false);

    /// <summary>A C# character literal, quotes included.</summary>
    public static string CSharpChar(char value) => value switch
    {
        '\'' => "'\\''",
        '"' => "'\"'",
        _ => "'" + Quote(value.ToString(), csharp: true).Trim('"') + "'",
    };

    /// <summary>An identifier as C# source: a keyword gets '@'.</summary>
    public static string Identifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None
            ? "@" + name
            : name;

    // The two syntaxes share their common escapes; C# also escapes NUL and the characters it treats as line breaks,
    // JSON also has \b and \f. Control characters and lone surrogates become \uXXXX in both.
    private static string Quote(string value, bool csharp)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0' when csharp: sb.Append("\\0"); break;
                case '\b' when !csharp: sb.Append("\\b"); break;
                case '\f' when !csharp: sb.Append("\\f"); break;
                default:
                    bool escape = c < ' ' || char.IsSurrogate(c) || (csharp && (c == '\u2028' || c == '\u2029' || c == '\u0085'));
                    if (escape)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
