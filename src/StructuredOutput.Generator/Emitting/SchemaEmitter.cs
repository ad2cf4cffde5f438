using System.Collections.Generic;
using System.Globalization;
using System.Text;
using StructuredOutput.Generator.Model;
using StructuredOutput.Generator.Parsing;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Writes the contract's JSON Schema (draft 2020-12): required properties, <c>additionalProperties: false</c>, null as a
/// type union, formats and validation keywords, objects used more than once or recursively under <c>$defs</c>.
/// The strict variant keeps to OpenAI's strict subset: no <c>$schema</c>, every property required (optional ones
/// nullable), and keywords the subset does not enforce moved into the description.
/// </summary>
internal sealed class SchemaEmitter
{
    private readonly ContractNames _names;
    private readonly bool _strict;
    private readonly StringBuilder _sb = new();

    private SchemaEmitter(ContractNames names, bool strict)
    {
        _names = names;
        _strict = strict;
    }

    public static string Emit(ContractNames names) => new SchemaEmitter(names, strict: false).Run();

    /// <summary>The strict schema, or null when the contract holds a dictionary (which strict mode cannot express).</summary>
    public static string? EmitStrict(ContractNames names)
    {
        foreach (var o in names.Model.Objects)
        {
            foreach (var m in o.Members)
            {
                for (var t = m.Type; t is not null; t = t.Element)
                {
                    if (t.Kind == ValueKind.Dictionary)
                    {
                        return null;
                    }
                }
            }
        }

        return new SchemaEmitter(names, strict: true).Run();
    }

    /// <summary>The schema name sent on the wire: the contract's name, reduced to <c>^[A-Za-z0-9_-]{1,64}$</c>.</summary>
    public static string WireName(ContractModel model)
    {
        if (ContractParser.IsValidSchemaName(model.SchemaName))
        {
            return model.SchemaName;
        }

        var sb = new StringBuilder();
        foreach (char c in model.SchemaName)
        {
            if (sb.Length == 64)
            {
                break;
            }

            sb.Append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ? c : '_');
        }

        return sb.Length == 0 ? "schema" : sb.ToString();
    }

    private string Run()
    {
        var model = _names.Model;
        _sb.Append('{');
        if (!_strict)
        {
            _sb.Append("\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"");
            _sb.Append(",\"title\":").Append(Literals.Json(model.SchemaName)).Append(',');
        }

        ObjectBody(model.Root, nullable: false, description: model.Root.Description);

        var definitions = new List<ObjectModel>();
        foreach (var o in model.Objects)
        {
            if (_names.IsDefinition(o))
            {
                definitions.Add(o);
            }
        }

        if (definitions.Count > 0)
        {
            _sb.Append(",\"$defs\":{");
            for (int i = 0; i < definitions.Count; i++)
            {
                if (i > 0)
                {
                    _sb.Append(',');
                }

                _sb.Append(Literals.Json(_names.NameOf(definitions[i].FullyQualifiedName))).Append(":{");
                ObjectBody(definitions[i], nullable: false, description: definitions[i].Description);
                _sb.Append('}');
            }

            _sb.Append('}');
        }

        return _sb.Append('}').ToString();
    }

    private void ObjectBody(ObjectModel o, bool nullable, string? description)
    {
        _sb.Append("\"type\":").Append(nullable ? "[\"object\",\"null\"]" : "\"object\"");
        Description(description);
        _sb.Append(",\"properties\":{");
        for (int i = 0; i < o.Members.Count; i++)
        {
            var m = o.Members[i];
            if (i > 0)
            {
                _sb.Append(',');
            }

            _sb.Append(Literals.Json(m.JsonName)).Append(':');
            var type = m.Type;
            string? memberDescription = m.Description;
            if (m.IsOptional && _strict && !type.IsNullable)
            {
                // Strict mode requires every property: an optional one becomes nullable, and null means its default.
                type = type with { IsNullable = true };
                memberDescription = Join(memberDescription, m.Default!.Json.Length > 0 ? "Null means the default, " + m.Default.Json + "." : "Null means the default.");
            }

            Value(type, memberDescription, m.Constraints, m.IsOptional && !_strict ? m.Default : null);
        }

        _sb.Append("},\"required\":[");
        bool first = true;
        foreach (var m in o.Members)
        {
            if (m.IsOptional && !_strict)
            {
                continue;
            }

            if (!first)
            {
                _sb.Append(',');
            }

            first = false;
            _sb.Append(Literals.Json(m.JsonName));
        }

        _sb.Append("],\"additionalProperties\":false");
    }

    private void Value(TypeRef type, string? description, ConstraintsModel? c, DefaultValueModel? defaultValue)
    {
        _sb.Append('{');
        var notes = new List<string>();
        switch (type.Kind)
        {
            case ValueKind.Object:
                var target = _names.FindObject(type.Target!);
                if (target == _names.Model.Root || _names.IsDefinition(target))
                {
                    string reference = target == _names.Model.Root ? "#" : "#/$defs/" + _names.NameOf(target.FullyQualifiedName);
                    if (type.IsNullable)
                    {
                        _sb.Append("\"anyOf\":[{\"$ref\":").Append(Literals.Json(reference)).Append("},{\"type\":\"null\"}]");
                    }
                    else
                    {
                        _sb.Append("\"$ref\":").Append(Literals.Json(reference));
                    }

                    Description(description);
                }
                else
                {
                    ObjectBody(target, type.IsNullable, description ?? target.Description);
                }

                break;
            case ValueKind.Collection:
                Type("array", type.IsNullable);
                if (c is not null)
                {
                    Keyword("minItems", c.MinLength);
                    Keyword("maxItems", c.MaxLength);
                }

                if (type.Collection is CollectionKind.HashSet or CollectionKind.ISet)
                {
                    if (_strict)
                    {
                        notes.Add("Items must be unique.");
                    }
                    else
                    {
                        _sb.Append(",\"uniqueItems\":true");
                    }
                }

                Description(Join(description, notes));
                _sb.Append(",\"items\":");
                Value(type.Element!, null, null, null);
                break;
            case ValueKind.Dictionary:
                Type("object", type.IsNullable);
                Description(description);
                _sb.Append(",\"additionalProperties\":");
                Value(type.Element!, null, null, null);
                break;
            case ValueKind.Enum:
                var e = _names.FindEnum(type.Target!);
                Type("string", type.IsNullable);
                Description(Join(EnumDescription(e, description), notes));
                _sb.Append(",\"enum\":[");
                bool firstValue = true;
                foreach (var member in e.Members)
                {
                    string json = Literals.Json(member.JsonName);
                    if (c is not null && ((c.Allowed.Count > 0 && !Contains(c.Allowed, json)) || Contains(c.Denied, json)))
                    {
                        continue;
                    }

                    _sb.Append(firstValue ? string.Empty : ",").Append(json);
                    firstValue = false;
                }

                if (type.IsNullable)
                {
                    _sb.Append(firstValue ? "null" : ",null");
                }

                _sb.Append(']');
                break;
            case ValueKind.Boolean:
                Type("boolean", type.IsNullable);
                DeniedNote(c, notes);
                Description(Join(description, notes));
                AllowedAndDenied(type, c, notes);
                break;
            case ValueKind.Char:
                Type("string", type.IsNullable);
                if (_strict)
                {
                    notes.Add("Exactly one character.");
                }
                else
                {
                    _sb.Append(",\"minLength\":1,\"maxLength\":1");
                }

                Description(Join(description, notes));
                break;
            case ValueKind.String:
                Type("string", type.IsNullable);
                StringKeywords(c, notes);
                DeniedNote(c, notes);
                Description(Join(description, notes));
                AllowedAndDenied(type, c, notes);
                break;
            default:
                if (type.IsNumber)
                {
                    Type(type.IsInteger ? "integer" : "number", type.IsNullable);
                    DeniedNote(c, notes);
                    Description(Join(description, notes));
                    NumberKeywords(type, c);
                    AllowedAndDenied(type, c, notes);
                }
                else
                {
                    // Dates, times, durations, UUIDs and URIs are strings with a format.
                    Type("string", type.IsNullable);
                    string format = Format(type.Kind);
                    if (_strict && format == "uri")
                    {
                        notes.Add("An absolute URI.");
                    }
                    else
                    {
                        _sb.Append(",\"format\":").Append(Literals.Json(format));
                    }

                    Description(Join(description, notes));
                }

                break;
        }

        if (defaultValue is { Json.Length: > 0 })
        {
            _sb.Append(",\"default\":").Append(defaultValue.Json);
        }

        _sb.Append('}');
    }

    private void StringKeywords(ConstraintsModel? c, List<string> notes)
    {
        if (c is null)
        {
            return;
        }

        int? min = c.NotEmpty ? System.Math.Max(c.MinLength ?? 0, 1) : c.MinLength;
        if (_strict)
        {
            if (c.HasLength)
            {
                notes.Add(LengthSentence(c.MinLength, c.MaxLength));
            }
        }
        else
        {
            Keyword("minLength", min);
            Keyword("maxLength", c.MaxLength);
        }

        if (c.Pattern is not null)
        {
            _sb.Append(",\"pattern\":").Append(Literals.Json("^(?:" + c.Pattern + ")$"));
        }
        else if (c.NotEmpty)
        {
            _sb.Append(",\"pattern\":").Append(Literals.Json("\\S"));
        }

        // [EmailAddress] and [Url] are looser than the "email" and "uri" formats (DataAnnotations only asks for one '@',
        // or an http/https/ftp prefix). The plain schema states them in words, so that it never rejects a value the
        // parser accepts; the strict schema guides decoding with the stricter "email" format, which it enforces.
        if (c.Email)
        {
            if (_strict)
            {
                _sb.Append(",\"format\":\"email\"");
            }
            else
            {
                notes.Add("An e-mail address.");
            }
        }

        if (c.Url)
        {
            notes.Add("An http, https or ftp URL.");
        }
    }

    private void NumberKeywords(TypeRef type, ConstraintsModel? c)
    {
        string? min = c?.Minimum;
        string? max = c?.Maximum;
        bool minExclusive = c?.MinimumExclusive ?? false;
        bool maxExclusive = c?.MaximumExclusive ?? false;
        if (type.IsInteger)
        {
            // The type's own range applies unless a constraint is tighter.
            var (lo, hi) = ContractParser.IntegerRange(type.Kind);
            if (min is null || (decimal.TryParse(min, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal m) && m < lo))
            {
                min = lo.ToString(CultureInfo.InvariantCulture);
                minExclusive = false;
            }

            if (max is null || (decimal.TryParse(max, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal x) && x > hi))
            {
                max = hi.ToString(CultureInfo.InvariantCulture);
                maxExclusive = false;
            }
        }

        if (min is not null)
        {
            _sb.Append(minExclusive ? ",\"exclusiveMinimum\":" : ",\"minimum\":").Append(min);
        }

        if (max is not null)
        {
            _sb.Append(maxExclusive ? ",\"exclusiveMaximum\":" : ",\"maximum\":").Append(max);
        }
    }

    private void AllowedAndDenied(TypeRef type, ConstraintsModel? c, List<string> notes)
    {
        if (c is null)
        {
            return;
        }

        if (c.Allowed.Count > 0)
        {
            _sb.Append(",\"enum\":[");
            for (int i = 0; i < c.Allowed.Count; i++)
            {
                _sb.Append(i > 0 ? "," : string.Empty).Append(c.Allowed[i].Json);
            }

            _sb.Append(type.IsNullable ? ",null]" : "]");
        }

        if (c.Denied.Count > 0 && !_strict)
        {
            _sb.Append(",\"not\":{\"enum\":[");
            for (int i = 0; i < c.Denied.Count; i++)
            {
                _sb.Append(i > 0 ? "," : string.Empty).Append(c.Denied[i].Json);
            }

            _sb.Append("]}");
        }
    }

    private void DeniedNote(ConstraintsModel? c, List<string> notes)
    {
        if (_strict && c is not null && c.Denied.Count > 0)
        {
            var denied = new List<string>();
            foreach (var d in c.Denied)
            {
                denied.Add(d.Json);
            }

            notes.Add("Must not be " + string.Join(" or ", denied) + ".");
        }
    }

    private static bool Contains(EquatableArray<ConstantModel> values, string json)
    {
        foreach (var v in values)
        {
            if (v.Json == json)
            {
                return true;
            }
        }

        return false;
    }

    private static string Format(ValueKind kind) => kind switch
    {
        ValueKind.DateTime or ValueKind.DateTimeOffset => "date-time",
        ValueKind.DateOnly => "date",
        ValueKind.TimeOnly => "time",
        ValueKind.TimeSpan => "duration",
        ValueKind.Guid => "uuid",
        _ => "uri",
    };

    private static string LengthSentence(int? min, int? max) => (min, max) switch
    {
        (int lo, int hi) when lo == hi => $"Exactly {lo} characters.",
        (int lo, int hi) => $"{lo} to {hi} characters.",
        (int lo, null) => $"At least {lo} characters.",
        (null, int hi) => $"At most {hi} characters.",
        _ => string.Empty,
    };

    private void Keyword(string name, int? value)
    {
        if (value is int n)
        {
            _sb.Append(",\"").Append(name).Append("\":").Append(n.ToString(CultureInfo.InvariantCulture));
        }
    }

    private void Type(string type, bool nullable) =>
        _sb.Append("\"type\":").Append(nullable ? "[\"" + type + "\",\"null\"]" : "\"" + type + "\"");

    private void Description(string? description)
    {
        if (description is not null)
        {
            _sb.Append(",\"description\":").Append(Literals.Json(description));
        }
    }

    private static string? Join(string? description, List<string> notes) =>
        notes.Count == 0 ? description : Join(description, string.Join(" ", notes));

    private static string? Join(string? description, string note) =>
        string.IsNullOrEmpty(note) ? description : description is null ? note : description.TrimEnd() + (description.TrimEnd().EndsWith(".") ? " " : ". ") + note;

    private static string? EnumDescription(EnumModel e, string? memberDescription)
    {
        var parts = new List<string>();
        if ((memberDescription ?? e.Description) is { } head)
        {
            parts.Add(head);
        }

        var values = new List<string>();
        foreach (var m in e.Members)
        {
            if (m.Description is not null)
            {
                values.Add(m.JsonName + ": " + m.Description);
            }
        }

        if (values.Count > 0)
        {
            parts.Add(string.Join("; ", values));
        }

        return parts.Count == 0 ? null : string.Join(" ", parts);
    }
}
