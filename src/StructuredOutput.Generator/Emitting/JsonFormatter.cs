using System.Text;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Indents the compact JSON the schema emitter writes, for the generated file: two spaces a level, one member a line,
/// and an array of plain values (<c>["string", "null"]</c>) on one line.
/// </summary>
internal static class JsonFormatter
{
    public static string Indent(string json)
    {
        var sb = new StringBuilder(json.Length * 2);
        int depth = 0;
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            switch (c)
            {
                case '"':
                    int end = StringEnd(json, i);
                    sb.Append(json, i, end - i + 1);
                    i = end;
                    break;
                case '{':
                case '[':
                    char close = c == '{' ? '}' : ']';
                    if (i + 1 < json.Length && json[i + 1] == close)
                    {
                        sb.Append(c).Append(close);
                        i++;
                    }
                    else if (c == '[' && IsFlat(json, i, out int flatEnd))
                    {
                        AppendFlat(sb, json, i, flatEnd);
                        i = flatEnd;
                    }
                    else
                    {
                        depth++;
                        sb.Append(c).Append('\n').Append(' ', depth * 2);
                    }

                    break;
                case '}':
                case ']':
                    depth--;
                    sb.Append('\n').Append(' ', depth * 2).Append(c);
                    break;
                case ',':
                    sb.Append(",\n").Append(' ', depth * 2);
                    break;
                case ':':
                    sb.Append(": ");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    // The index of the quote that closes the string opening at 'start'.
    private static int StringEnd(string json, int start)
    {
        for (int i = start + 1; i < json.Length; i++)
        {
            if (json[i] == '\\')
            {
                i++;
            }
            else if (json[i] == '"')
            {
                return i;
            }
        }

        return json.Length - 1;
    }

    // Whether the array opening at 'start' holds no object or array; 'end' is its closing bracket.
    private static bool IsFlat(string json, int start, out int end)
    {
        for (int i = start + 1; i < json.Length; i++)
        {
            switch (json[i])
            {
                case '"':
                    i = StringEnd(json, i);
                    break;
                case '{':
                case '[':
                    end = -1;
                    return false;
                case ']':
                    end = i;
                    return true;
            }
        }

        end = -1;
        return false;
    }

    private static void AppendFlat(StringBuilder sb, string json, int start, int end)
    {
        for (int i = start; i <= end; i++)
        {
            if (json[i] == '"')
            {
                int close = StringEnd(json, i);
                sb.Append(json, i, close - i + 1);
                i = close;
            }
            else
            {
                sb.Append(json[i]);
                if (json[i] == ',')
                {
                    sb.Append(' ');
                }
            }
        }
    }
}
