using System.Collections.Generic;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Writes a contract's wire schema in a provider's dialect: the wire schema (the strict shape, every keyword kept)
/// rewritten by the dialect's row of <see cref="SchemaDialects"/>. Keywords the dialect rejects are left out, with the
/// rule stated in the description where they constrained the answer; <c>$ref</c> is inlined where the dialect has
/// none; null becomes <c>"nullable": true</c> where the dialect has no type lists. Works on any schema keyword
/// (<c>anyOf</c>, <c>const</c>, <c>not</c> included), not on the types that produced it.
/// </summary>
internal sealed class DialectSchemaEmitter
{
    private readonly DialectInfo _dialect;
    private readonly JsonTreeObject _root;
    private readonly HashSet<string> _inlining = new() { "#" };
    private int _inlined;

    private DialectSchemaEmitter(DialectInfo dialect, JsonTreeObject root)
    {
        _dialect = dialect;
        _root = root;
    }

    /// <summary>The schema in <paramref name="dialect"/>, or null when the dialect cannot express the contract (LLMX030).</summary>
    public static string? Emit(ContractNames names, Dialect dialect)
    {
        if (dialect == Dialect.OpenAI)
        {
            return SchemaEmitter.EmitStrict(names);
        }

        return Rewrite(SchemaEmitter.EmitWire(names), dialect);
    }

    /// <summary>
    /// A wire schema (compact JSON, as the schema emitter writes it) rewritten for <paramref name="dialect"/>, or null when
    /// the dialect cannot express it.
    /// </summary>
    public static string? Rewrite(string wireSchema, Dialect dialect)
    {
        var root = (JsonTreeObject)JsonTree.Parse(wireSchema);
        return new DialectSchemaEmitter(SchemaDialects.Info(dialect), root).Schema(root)?.Write();
    }

    // One schema rewritten for the dialect; null when the dialect cannot express it.
    private JsonTreeObject? Schema(JsonTreeObject schema)
    {
        if (schema["$ref"] is JsonTreeValue { IsString: true } reference && _dialect.RuleOf("$ref") == KeywordRule.Inline)
        {
            return Inlined(schema, reference.Text);
        }

        var result = new JsonTreeObject();
        var described = new List<KeyValuePair<string, JsonTree>>();
        var notes = new List<string>();
        bool nullable = false;
        foreach (var member in schema.Members)
        {
            string key = member.Key;
            var value = member.Value;
            switch (key)
            {
                case "properties":
                    var properties = new JsonTreeObject();
                    foreach (var property in ((JsonTreeObject)value).Members)
                    {
                        if (Schema((JsonTreeObject)property.Value) is not { } rewritten)
                        {
                            return null;
                        }

                        properties.Add(property.Key, rewritten);
                    }

                    result.Add(key, properties);
                    continue;
                case "items":
                    if (Schema((JsonTreeObject)value) is not { } items)
                    {
                        return null;
                    }

                    result.Add(key, items);
                    continue;
                case "anyOf":
                    var branches = new JsonTreeArray();
                    foreach (var branch in ((JsonTreeArray)value).Items)
                    {
                        if (_dialect.NullableKeyword && IsNull((JsonTreeObject)branch))
                        {
                            nullable = true;
                        }
                        else if (Schema((JsonTreeObject)branch) is { } rewritten)
                        {
                            branches.Items.Add(rewritten);
                        }
                        else
                        {
                            return null;
                        }
                    }

                    if (nullable && branches.Items.Count == 1)
                    {
                        // "T or null" is T with nullable; the schema's own description stands for T's.
                        foreach (var inner in ((JsonTreeObject)branches.Items[0]).Members)
                        {
                            if (inner.Key != "description" || schema["description"] is null)
                            {
                                result.Set(inner.Key, inner.Value);
                            }
                        }
                    }
                    else
                    {
                        result.Add(key, branches);
                    }

                    continue;
                case "type" when _dialect.NullableKeyword && value is JsonTreeArray types:
                    var named = new JsonTreeArray();
                    foreach (var type in types.Items)
                    {
                        if (type is JsonTreeValue { Text: "null" })
                        {
                            nullable = true;
                        }
                        else
                        {
                            named.Items.Add(type);
                        }
                    }

                    result.Add(key, named.Items.Count == 1 ? named.Items[0] : named);
                    continue;
                case "enum":
                    var values = new JsonTreeArray();
                    bool strings = true;
                    foreach (var item in ((JsonTreeArray)value).Items)
                    {
                        if (_dialect.NullableKeyword && item is JsonTreeValue { IsNull: true })
                        {
                            nullable = true;
                            continue;
                        }

                        strings &= item is JsonTreeValue { IsString: true };
                        values.Items.Add(item);
                    }

                    if (_dialect.StringEnumsOnly && !strings)
                    {
                        notes.Add("One of " + string.Join(", ", Texts(values)) + ".");
                    }
                    else
                    {
                        result.Add(key, values);
                    }

                    continue;
            }

            switch (_dialect.RuleOf(key))
            {
                case null:
                    if (key == "$defs")
                    {
                        var definitions = new JsonTreeObject();
                        foreach (var definition in ((JsonTreeObject)value).Members)
                        {
                            if (Schema((JsonTreeObject)definition.Value) is not { } rewritten)
                            {
                                return null;
                            }

                            definitions.Add(definition.Key, rewritten);
                        }

                        result.Add(key, definitions);
                    }
                    else if (key is "not" or "additionalProperties" && value is JsonTreeObject subschema)
                    {
                        if (Schema(subschema) is not { } rewritten)
                        {
                            return null;
                        }

                        result.Add(key, rewritten);
                    }
                    else
                    {
                        result.Add(key, value);
                    }

                    break;
                case KeywordRule.Remove:
                case KeywordRule.Inline:
                    break;
                case KeywordRule.Reject:
                    // "additionalProperties": false says what a schema of listed properties says anyway.
                    if (value is not JsonTreeValue { Text: "false", IsString: false })
                    {
                        return null;
                    }

                    break;
                case KeywordRule.AsEnum:
                    if (value is JsonTreeValue { IsString: true } constant)
                    {
                        var single = new JsonTreeArray();
                        single.Items.Add(constant);
                        result.Add("enum", single);
                    }
                    else
                    {
                        described.Add(member);
                    }

                    break;
                case KeywordRule.Describe:
                    if (key == "format" && value is JsonTreeValue { IsString: true } format && _dialect.Keeps(format.Text))
                    {
                        result.Add(key, value);
                    }
                    else
                    {
                        described.Add(member);
                    }

                    break;
            }
        }

        if (nullable)
        {
            result.InsertAfter("type", "nullable", JsonTreeValue.Literal("true"));
        }

        // A description that gained notes, or a schema that gained "nullable", has its description right after the
        // type (as the schema emitter places it); any other schema keeps its order.
        notes.InsertRange(0, Notes(described));
        string? text = (result["description"] as JsonTreeValue)?.Text;
        if (notes.Count > 0)
        {
            text = SchemaEmitter.Join(text, string.Join(" ", notes));
        }

        if (text is not null && (notes.Count > 0 || nullable))
        {
            result.Members.RemoveAll(m => m.Key == "description");
            result.InsertAfter(nullable ? "nullable" : "type", "description", JsonTreeValue.String(text));
        }

        return result;
    }

    // The definition a $ref names, in place of the reference; the reference's own keywords (its description) win.
    private JsonTreeObject? Inlined(JsonTreeObject reference, string pointer)
    {
        const string prefix = "#/$defs/";
        string name = pointer.StartsWith(prefix, System.StringComparison.Ordinal) ? pointer.Substring(prefix.Length) : pointer;
        var target = name == "#" ? _root : (_root["$defs"] as JsonTreeObject)?[name] as JsonTreeObject;
        if (target is null || !_inlining.Add(name) || ++_inlined > SchemaDialects.MaxInlinedObjects)
        {
            // A type that contains itself, or more repetition than a schema should hold: LLMX030.
            return null;
        }

        var copy = new JsonTreeObject();
        foreach (var member in target.Members)
        {
            copy.Add(member.Key, member.Value);
        }

        foreach (var member in reference.Members)
        {
            if (member.Key != "$ref")
            {
                copy.Set(member.Key, member.Value);
            }
        }

        var result = Schema(copy);
        _inlining.Remove(name);
        return result;
    }

    private static bool IsNull(JsonTreeObject schema) =>
        schema.Members.Count == 1 && schema["type"] is JsonTreeValue { IsString: true, Text: "null" };

    // The sentences that state the left-out keywords, in the order they stood; a lower and an upper bound are one.
    private static List<string> Notes(List<KeyValuePair<string, JsonTree>> described)
    {
        var notes = new List<string>();
        int? minLength = null;
        int? maxLength = null;
        int lengthAt = -1;
        foreach (var member in described)
        {
            string text = member.Value is JsonTreeValue v ? v.Text : member.Value.Write();
            switch (member.Key)
            {
                case "minLength" or "maxLength":
                    int n = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
                    if (member.Key == "minLength")
                    {
                        minLength = n;
                    }
                    else
                    {
                        maxLength = n;
                    }

                    if (lengthAt < 0)
                    {
                        lengthAt = notes.Count;
                        notes.Add(string.Empty);
                    }

                    break;
                case "exclusiveMinimum":
                    notes.Add("Greater than " + text + ".");
                    break;
                case "exclusiveMaximum":
                    notes.Add("Less than " + text + ".");
                    break;
                case "multipleOf":
                    notes.Add("A multiple of " + text + ".");
                    break;
                case "pattern":
                    notes.Add("Matches the regular expression " + text + ".");
                    break;
                case "format":
                    notes.Add(FormatNote(text));
                    break;
                case "uniqueItems":
                    notes.Add("Items must be unique.");
                    break;
                case "not" when member.Value is JsonTreeObject { } not && not["enum"] is JsonTreeArray denied:
                    notes.Add("Must not be " + string.Join(" or ", Texts(denied)) + ".");
                    break;
                case "const":
                    notes.Add("Must be " + text + ".");
                    break;
                default:
                    notes.Add(member.Key + ": " + text + ".");
                    break;
            }
        }

        if (lengthAt >= 0)
        {
            notes[lengthAt] = SchemaEmitter.LengthSentence(minLength, maxLength);
        }

        return notes;
    }

    private static string FormatNote(string format) => format switch
    {
        "date-time" => "A date and time, ISO 8601 (2024-05-01T14:30:00Z).",
        "date" => "A date, YYYY-MM-DD.",
        "time" => "A time, HH:mm:ss.",
        "duration" => "An ISO 8601 duration (PT1H30M).",
        "uuid" => "A UUID.",
        "uri" => "An absolute URI.",
        "email" => "An e-mail address.",
        _ => "Format: " + format + ".",
    };

    private static List<string> Texts(JsonTreeArray values)
    {
        var texts = new List<string>();
        foreach (var item in values.Items)
        {
            texts.Add(item is JsonTreeValue v ? v.Json : item.Write());
        }

        return texts;
    }
}
