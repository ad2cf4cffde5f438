using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// A small JSON tree for rewriting the schemas the schema emitter writes (the generator cannot use System.Text.Json):
/// objects keep their key order, and numbers and literals keep their text.
/// </summary>
internal abstract class JsonTree
{
    /// <summary>Reads the JSON text <paramref name="json"/>, which the schema emitter wrote (so it is well formed).</summary>
    public static JsonTree Parse(string json)
    {
        int i = 0;
        return Read(json, ref i);
    }

    /// <summary>The tree as compact JSON.</summary>
    public string Write()
    {
        var sb = new StringBuilder();
        WriteTo(sb);
        return sb.ToString();
    }

    public abstract void WriteTo(StringBuilder sb);

    private static JsonTree Read(string json, ref int i)
    {
        SkipSpace(json, ref i);
        switch (json[i])
        {
            case '{':
                var o = new JsonTreeObject();
                i++;
                SkipSpace(json, ref i);
                while (json[i] != '}')
                {
                    string key = ReadString(json, ref i);
                    SkipSpace(json, ref i);
                    i++; // ':'
                    o.Add(key, Read(json, ref i));
                    SkipSpace(json, ref i);
                    if (json[i] == ',')
                    {
                        i++;
                        SkipSpace(json, ref i);
                    }
                }

                i++;
                return o;
            case '[':
                var a = new JsonTreeArray();
                i++;
                SkipSpace(json, ref i);
                while (json[i] != ']')
                {
                    a.Items.Add(Read(json, ref i));
                    SkipSpace(json, ref i);
                    if (json[i] == ',')
                    {
                        i++;
                        SkipSpace(json, ref i);
                    }
                }

                i++;
                return a;
            case '"':
                return JsonTreeValue.String(ReadString(json, ref i));
            default:
                int start = i;
                while (i < json.Length && json[i] is not (',' or '}' or ']' or ' ' or '\n' or '\r' or '\t'))
                {
                    i++;
                }

                return JsonTreeValue.Literal(json.Substring(start, i - start));
        }
    }

    private static string ReadString(string json, ref int i)
    {
        var sb = new StringBuilder();
        for (i++; json[i] != '"'; i++)
        {
            if (json[i] != '\\')
            {
                sb.Append(json[i]);
                continue;
            }

            i++;
            switch (json[i])
            {
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    sb.Append((char)int.Parse(json.Substring(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: sb.Append(json[i]); break;
            }
        }

        i++;
        return sb.ToString();
    }

    private static void SkipSpace(string json, ref int i)
    {
        while (i < json.Length && json[i] is ' ' or '\n' or '\r' or '\t')
        {
            i++;
        }
    }
}

/// <summary>A JSON object; its members in order.</summary>
internal sealed class JsonTreeObject : JsonTree
{
    public List<KeyValuePair<string, JsonTree>> Members { get; } = new();

    public JsonTree? this[string key]
    {
        get
        {
            foreach (var m in Members)
            {
                if (m.Key == key)
                {
                    return m.Value;
                }
            }

            return null;
        }
    }

    public void Add(string key, JsonTree value) => Members.Add(new KeyValuePair<string, JsonTree>(key, value));

    /// <summary>Sets <paramref name="key"/>, in place when present, else at the end.</summary>
    public void Set(string key, JsonTree value)
    {
        for (int i = 0; i < Members.Count; i++)
        {
            if (Members[i].Key == key)
            {
                Members[i] = new KeyValuePair<string, JsonTree>(key, value);
                return;
            }
        }

        Add(key, value);
    }

    /// <summary>Inserts <paramref name="key"/> right after <paramref name="after"/> (or first when it is absent).</summary>
    public void InsertAfter(string after, string key, JsonTree value)
    {
        int at = 0;
        for (int i = 0; i < Members.Count; i++)
        {
            if (Members[i].Key == after)
            {
                at = i + 1;
            }
        }

        Members.Insert(at, new KeyValuePair<string, JsonTree>(key, value));
    }

    public override void WriteTo(StringBuilder sb)
    {
        sb.Append('{');
        for (int i = 0; i < Members.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Literals.Json(Members[i].Key)).Append(':');
            Members[i].Value.WriteTo(sb);
        }

        sb.Append('}');
    }
}

/// <summary>A JSON array.</summary>
internal sealed class JsonTreeArray : JsonTree
{
    public List<JsonTree> Items { get; } = new();

    public override void WriteTo(StringBuilder sb)
    {
        sb.Append('[');
        for (int i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            Items[i].WriteTo(sb);
        }

        sb.Append(']');
    }
}

/// <summary>A string (its value), or a number, <c>true</c>, <c>false</c> or <c>null</c> (its text).</summary>
internal sealed class JsonTreeValue : JsonTree
{
    private JsonTreeValue(string text, bool isString)
    {
        Text = text;
        IsString = isString;
    }

    /// <summary>A string's value, or the literal's JSON text.</summary>
    public string Text { get; }

    public bool IsString { get; }

    public bool IsNull => !IsString && Text == "null";

    public static JsonTreeValue String(string value) => new(value, true);

    public static JsonTreeValue Literal(string text) => new(text, false);

    /// <summary>The value as JSON text.</summary>
    public string Json => IsString ? Literals.Json(Text) : Text;

    public override void WriteTo(StringBuilder sb) => sb.Append(Json);
}
