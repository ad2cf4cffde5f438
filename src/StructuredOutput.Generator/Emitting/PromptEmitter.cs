using System.Collections.Generic;
using System.Text;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Writes the system prompt: the task, the answer rule (one JSON object only), the shape as compact TypeScript-like
/// types with descriptions as comments and enum values spelled out; a union is <c>A | B</c>, each listed type with its
/// discriminator as a string literal property. How the input is delimited is the runtime's to say: it appends that
/// rule to the prompt in the request.
/// </summary>
internal static class PromptEmitter
{
    public static string Emit(ContractNames names)
    {
        var model = names.Model;
        string root = names.NameOf(model.Root.FullyQualifiedName);
        var sb = new StringBuilder();
        sb.Append(model.Instructions ?? "Extract the " + root + " from the document.").Append("\n\n");
        sb.Append("Answer with one JSON object of type ").Append(root).Append(" (TypeScript notation below");
        if (UsesInt(model))
        {
            sb.Append("; int is a whole number");
        }

        sb.Append(") and nothing else: no text around it, no markdown. Include every property");
        if (HasOptional(model))
        {
            sb.Append(" (those marked ? may be left out)");
        }

        sb.Append("; null only where the type allows it.\n");

        foreach (var e in model.Enums)
        {
            if (IsNamedEnum(names, e))
            {
                sb.Append('\n');
                EnumAlias(sb, names, e);
            }
        }

        foreach (var u in model.Unions)
        {
            sb.Append('\n');
            Comment(sb, u.Description);
            sb.Append("type ").Append(names.NameOf(u)).Append(" = ");
            for (int i = 0; i < u.Members.Count; i++)
            {
                sb.Append(i > 0 ? " | " : string.Empty).Append(names.NameOf(u.Members[i].Target));
            }

            sb.Append("; // told apart by ").Append(Literals.Json(u.DiscriminatorName)).Append('\n');
        }

        foreach (var o in model.Objects)
        {
            sb.Append('\n');
            Comment(sb, o.Description);
            sb.Append("type ").Append(names.NameOf(o.FullyQualifiedName)).Append(" = {\n");
            foreach (var u in model.Unions)
            {
                foreach (var member in u.Members)
                {
                    if (member.Target == o.FullyQualifiedName)
                    {
                        sb.Append(' ').Append(PropertyKey(u.DiscriminatorName)).Append(": ").Append(Literals.Json(member.Discriminator)).Append(";\n");
                    }
                }
            }

            foreach (var m in o.Members)
            {
                sb.Append(' ').Append(PropertyKey(m.JsonName)).Append(m.IsOptional ? "?: " : ": ").Append(TypeText(names, m.Type)).Append(';');
                string? comment = Comment(m, names);
                if (comment is not null)
                {
                    sb.Append(" // ").Append(OneLine(comment));
                }

                sb.Append('\n');
            }

            sb.Append("};\n");
        }

        return sb.ToString().TrimEnd('\n');
    }

    private static bool UsesInt(ContractModel model)
    {
        foreach (var o in model.Objects)
        {
            foreach (var m in o.Members)
            {
                if (m.Type.Innermost.IsInteger)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool HasOptional(ContractModel model)
    {
        foreach (var o in model.Objects)
        {
            foreach (var m in o.Members)
            {
                if (m.IsOptional)
                {
                    return true;
                }
            }
        }

        return false;
    }

    // The member's comment: its format and constraints in a few words, then its description.
    private static string? Comment(MemberModel m, ContractNames names)
    {
        var notes = new List<string>();
        var type = m.Type.AsNonNullable();
        var inner = type.Innermost.AsNonNullable();
        string? format = FormatNote(inner);
        if (format is not null)
        {
            notes.Add(inner == type ? format : "each " + format);
        }

        var c = m.Constraints;
        string? range = RangeNote(type, c);
        if (range is not null)
        {
            notes.Add(range);
        }

        if (c is not null)
        {
            string unit = type.Kind == ValueKind.String ? "char" : "item";
            int? min = c.MinLength;
            int? max = c.MaxLength;
            string Units(int? n) => n == 1 ? unit : unit + "s";
            if (min is not null && max is not null)
            {
                notes.Add(min == max ? $"exactly {min} {Units(min)}" : $"{min}-{max} {Units(max)}");
            }
            else if (min is not null)
            {
                notes.Add($"at least {min} {Units(min)}");
            }
            else if (max is not null)
            {
                notes.Add($"at most {max} {Units(max)}");
            }

            if (c.NotEmpty)
            {
                notes.Add("non-empty");
            }

            if (c.Pattern is not null)
            {
                notes.Add("matches ^(?:" + c.Pattern + ")$");
            }

            if (c.Email)
            {
                notes.Add("email address");
            }

            if (c.Url)
            {
                notes.Add("http(s) or ftp URL");
            }

            if (c.Allowed.Count > 0)
            {
                notes.Add("one of " + string.Join(", ", Jsons(c.Allowed, type, names)));
            }

            if (c.Denied.Count > 0)
            {
                notes.Add("not " + string.Join(" or ", Jsons(c.Denied, type, names)));
            }
        }

        if (type.Collection is CollectionKind.HashSet or CollectionKind.ISet)
        {
            notes.Add("unique items");
        }

        if (m.Default is { } d)
        {
            notes.Add(Constants.Json(d, m.Type, names) is { } json ? "default " + json : "optional");
        }

        string? head = notes.Count == 0 ? null : string.Join("; ", notes);
        return head is null ? m.Description : m.Description is null ? head : head + ". " + m.Description;
    }

    private static IEnumerable<string?> Jsons(EquatableArray<ConstantModel> values, TypeRef type, ContractNames names)
    {
        foreach (var v in values)
        {
            yield return Constants.Json(v, type, names);
        }
    }

    private static string? FormatNote(TypeRef type) => type.Kind switch
    {
        ValueKind.DateTime => "ISO 8601 date-time",
        ValueKind.DateTimeOffset => "ISO 8601 date-time with offset",
        ValueKind.DateOnly => "date YYYY-MM-DD",
        ValueKind.TimeOnly => "time HH:mm:ss",
        ValueKind.TimeSpan => "ISO 8601 duration like PT1H30M",
        ValueKind.Guid => "UUID",
        ValueKind.Uri => "absolute URI",
        ValueKind.Char => "one character",
        _ => null,
    };

    private static string? RangeNote(TypeRef type, ConstraintsModel? c)
    {
        string? min = c?.Minimum;
        string? max = c?.Maximum;
        if (min is null && max is null)
        {
            return type.Kind switch
            {
                ValueKind.SByte => "-128 to 127",
                ValueKind.Byte => "0 to 255",
                ValueKind.Int16 => "-32768 to 32767",
                ValueKind.UInt16 => "0 to 65535",
                ValueKind.UInt32 or ValueKind.UInt64 => ">= 0",
                _ => null,
            };
        }

        if (min is not null && max is not null && !c!.MinimumExclusive && !c.MaximumExclusive)
        {
            return min + " to " + max;
        }

        var parts = new List<string>();
        if (min is not null)
        {
            parts.Add((c!.MinimumExclusive ? "> " : ">= ") + min);
        }

        if (max is not null)
        {
            parts.Add((c!.MaximumExclusive ? "< " : "<= ") + max);
        }

        return string.Join(", ", parts);
    }

    // An enum gets its own alias when it is used more than once or documents its values; otherwise it is inlined.
    private static bool IsNamedEnum(ContractNames names, EnumModel e)
    {
        if (names.UsesOf(e.FullyQualifiedName) > 1 || e.Description is not null)
        {
            return true;
        }

        foreach (var m in e.Members)
        {
            if (m.Description is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static void EnumAlias(StringBuilder sb, ContractNames names, EnumModel e)
    {
        Comment(sb, e.Description);
        sb.Append("type ").Append(names.NameOf(e.FullyQualifiedName)).Append(" =");
        bool documented = false;
        foreach (var m in e.Members)
        {
            documented |= m.Description is not null;
        }

        if (!documented)
        {
            sb.Append(' ').Append(EnumUnion(e)).Append(";\n");
            return;
        }

        for (int i = 0; i < e.Members.Count; i++)
        {
            var m = e.Members[i];
            sb.Append("\n |").Append(Literals.Json(m.JsonName));
            if (i == e.Members.Count - 1)
            {
                sb.Append(';');
            }

            if (m.Description is not null)
            {
                sb.Append(" // ").Append(OneLine(m.Description));
            }
        }

        sb.Append('\n');
    }

    private static string EnumUnion(EnumModel e)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < e.Members.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('|');
            }

            sb.Append(Literals.Json(e.Members[i].JsonName));
        }

        return sb.ToString();
    }

    private static string TypeText(ContractNames names, TypeRef type)
    {
        string text = type.Kind switch
        {
            ValueKind.Boolean => "boolean",
            ValueKind.Single or ValueKind.Double or ValueKind.Decimal => "number",
            ValueKind.Object or ValueKind.Union => names.NameOf(type),
            ValueKind.Enum => IsNamedEnum(names, names.FindEnum(type.Target!))
                ? names.NameOf(type.Target!)
                : EnumUnion(names.FindEnum(type.Target!)),
            ValueKind.Collection => ElementText(names, type.Element!) + "[]",
            ValueKind.Dictionary => "Record<string, " + TypeText(names, type.Element!) + ">",
            _ => type.IsInteger ? "int" : "string",
        };

        return type.IsNullable ? text + "|null" : text;
    }

    private static string ElementText(ContractNames names, TypeRef element)
    {
        string text = TypeText(names, element);
        return text.Contains("|") ? "(" + text + ")" : text;
    }

    private static string PropertyKey(string jsonName)
    {
        if (jsonName.Length == 0 || !(char.IsLetter(jsonName[0]) || jsonName[0] == '_' || jsonName[0] == '$'))
        {
            return Literals.Json(jsonName);
        }

        foreach (char c in jsonName)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_' || c == '$'))
            {
                return Literals.Json(jsonName);
            }
        }

        return jsonName;
    }

    private static void Comment(StringBuilder sb, string? text)
    {
        if (text is not null)
        {
            sb.Append("// ").Append(OneLine(text)).Append('\n');
        }
    }

    private static string OneLine(string text) => text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
}
