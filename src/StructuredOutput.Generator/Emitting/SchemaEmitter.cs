using System.Collections.Generic;
using System.Globalization;
using System.Text;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Writes the contract's JSON Schema (draft 2020-12): required properties, <c>additionalProperties: false</c>, null as a
/// type union, formats and validation keywords, a union as <c>anyOf</c> of its listed types' objects (each with its
/// discriminator as a <c>const</c>), objects and unions used more than once or recursively under <c>$defs</c>.
/// The strict variant keeps to OpenAI's strict subset: no <c>$schema</c>, every property required (optional ones
/// nullable), and the keywords <see cref="StrictMode"/> tables as unenforced moved into the description.
/// </summary>
internal sealed class SchemaEmitter
{
    private readonly ContractNames _names;
    private readonly bool _strict;
    private readonly bool _describeGaps;
    private readonly StringBuilder _sb = new();

    private SchemaEmitter(ContractNames names, bool strict, bool describeGaps)
    {
        _names = names;
        _strict = strict;
        _describeGaps = describeGaps;
    }

    public static string Emit(ContractNames names) => new SchemaEmitter(names, strict: false, describeGaps: false).Run();

    /// <summary>
    /// The wire schema that the provider dialects rewrite (<see cref="DialectSchemaEmitter"/>): the strict schema's shape
    /// (no <c>$schema</c>, every property required, optional ones nullable) with every keyword kept, dictionaries too.
    /// </summary>
    public static string EmitWire(ContractNames names) => new SchemaEmitter(names, strict: true, describeGaps: false).Run();

    /// <summary>The strict schema, or null when the contract holds a dictionary (which strict mode cannot express).</summary>
    public static string? EmitStrict(ContractNames names)
    {
        foreach (var o in names.Model.Objects)
        {
            foreach (var m in o.Members)
            {
                if (m.Type.ContainsDictionary)
                {
                    return null;
                }
            }
        }

        return new SchemaEmitter(names, strict: true, describeGaps: true).Run();
    }

    /// <summary>The schema name sent on the wire: the contract's name, reduced to <c>^[A-Za-z0-9_-]{1,64}$</c>.</summary>
    public static string WireName(ContractModel model)
    {
        if (SchemaNames.IsValid(model.SchemaName))
        {
            return model.SchemaName;
        }

        var sb = new StringBuilder();
        foreach (char c in model.SchemaName)
        {
            if (sb.Length == SchemaNames.MaxLength)
            {
                break;
            }

            sb.Append(SchemaNames.IsValidCharacter(c) ? c : '_');
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

        var unionDefinitions = new List<UnionModel>();
        foreach (var u in model.Unions)
        {
            if (_names.IsDefinition(u))
            {
                unionDefinitions.Add(u);
            }
        }

        if (definitions.Count + unionDefinitions.Count > 0)
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

            for (int i = 0; i < unionDefinitions.Count; i++)
            {
                if (definitions.Count + i > 0)
                {
                    _sb.Append(',');
                }

                _sb.Append(Literals.Json(_names.NameOf(unionDefinitions[i]))).Append(":{");
                UnionBody(unionDefinitions[i], nullable: false, description: unionDefinitions[i].Description);
                _sb.Append('}');
            }

            _sb.Append('}');
        }

        return _sb.Append('}').ToString();
    }

    // An object's schema; as a listed type of a union, its discriminator comes first, a required constant.
    private void ObjectBody(ObjectModel o, bool nullable, string? description, UnionModel? union = null, string? discriminator = null)
    {
        _sb.Append("\"type\":").Append(nullable ? "[\"object\",\"null\"]" : "\"object\"");
        Description(description);
        _sb.Append(",\"properties\":{");
        if (union is not null)
        {
            _sb.Append(Literals.Json(union.DiscriminatorName)).Append(":{\"type\":\"string\",\"const\":").Append(Literals.Json(discriminator!)).Append('}');
        }

        for (int i = 0; i < o.Members.Count; i++)
        {
            var m = o.Members[i];
            if (i > 0 || union is not null)
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
                memberDescription = Join(memberDescription, Constants.Json(m.Default!, m.Type, _names) is { } json ? "Null means the default, " + json + "." : "Null means the default.");
            }

            Value(type, memberDescription, m.Constraints, m.IsOptional && !_strict ? Constants.Json(m.Default!, m.Type, _names) : null);
        }

        _sb.Append("},\"required\":[");
        bool first = true;
        if (union is not null)
        {
            _sb.Append(Literals.Json(union.DiscriminatorName));
            first = false;
        }

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

    // One value's schema. In strict mode, what StrictMode tables as unenforced for the value becomes a note in its
    // description instead of a keyword.
    private void Value(TypeRef type, string? description, ConstraintsModel? c, string? defaultJson)
    {
        _sb.Append('{');
        var gaps = _describeGaps ? StrictMode.GapsOf(type, c) : new List<StrictGap>();
        var notes = new List<string>();
        foreach (var gap in gaps)
        {
            notes.Add(GapNote(gap, type, c));
        }

        switch (type.Kind)
        {
            case ValueKind.Object:
                ObjectValue(type, description);
                break;
            case ValueKind.Union:
                UnionValue(type, description);
                break;
            case ValueKind.Collection:
                ArrayValue(type, Join(description, notes), c, gaps);
                break;
            case ValueKind.Dictionary:
                Type("object", type.IsNullable);
                Description(description);
                _sb.Append(",\"additionalProperties\":");
                Value(type.Element!, null, null, null);
                break;
            case ValueKind.Enum:
                EnumValue(type, description, c);
                break;
            case ValueKind.Boolean:
                Type("boolean", type.IsNullable);
                Description(Join(description, notes));
                AllowedAndDenied(type, c, gaps);
                break;
            case ValueKind.Char:
                Type("string", type.IsNullable);
                Description(Join(description, notes));
                if (!gaps.Contains(StrictGap.OneCharacter))
                {
                    _sb.Append(",\"minLength\":1,\"maxLength\":1");
                }

                break;
            case ValueKind.String:
                StringValue(type, description, c, gaps, notes);
                break;
            default:
                if (type.IsNumber)
                {
                    Type(type.IsInteger ? "integer" : "number", type.IsNullable);
                    Description(Join(description, notes));
                    NumberKeywords(type, c);
                    AllowedAndDenied(type, c, gaps);
                }
                else
                {
                    // Dates, times, durations, UUIDs and URIs are strings with a format.
                    Type("string", type.IsNullable);
                    Description(Join(description, notes));
                    if (!gaps.Contains(StrictGap.UriFormat))
                    {
                        _sb.Append(",\"format\":").Append(Literals.Json(Format(type.Kind)));
                    }
                }

                break;
        }

        if (defaultJson is not null)
        {
            _sb.Append(",\"default\":").Append(defaultJson);
        }

        _sb.Append('}');
    }

    // The sentence that states an unenforced constraint in a strict schema's description.
    private string GapNote(StrictGap gap, TypeRef type, ConstraintsModel? c) => gap switch
    {
        StrictGap.StringLength => LengthSentence(MinLength(c), c?.MaxLength),
        StrictGap.OneCharacter => "Exactly one character.",
        StrictGap.UriFormat => "An absolute URI.",
        StrictGap.UniqueItems => "Items must be unique.",
        _ => "Must not be " + string.Join(" or ", JsonValues(c!.Denied, type)) + ".",
    };

    private void ObjectValue(TypeRef type, string? description)
    {
        var target = _names.FindObject(type.Target!);
        if (target != _names.Model.Root && !_names.IsDefinition(target))
        {
            ObjectBody(target, type.IsNullable, description ?? target.Description);
            return;
        }

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

    // A union inline, or a reference to its definition.
    private void UnionValue(TypeRef type, string? description)
    {
        var union = _names.FindUnion(type.Target!);
        if (!_names.IsDefinition(union))
        {
            UnionBody(union, type.IsNullable, description ?? union.Description);
            return;
        }

        string reference = "#/$defs/" + _names.NameOf(union);
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

    // anyOf the listed types' objects (null last when allowed).
    private void UnionBody(UnionModel union, bool nullable, string? description)
    {
        _sb.Append("\"anyOf\":[");
        for (int i = 0; i < union.Members.Count; i++)
        {
            var member = union.Members[i];
            var o = _names.FindObject(member.Target);
            _sb.Append(i > 0 ? ",{" : "{");
            ObjectBody(o, nullable: false, o.Description, union, member.Discriminator);
            _sb.Append('}');
        }

        if (nullable)
        {
            _sb.Append(",{\"type\":\"null\"}");
        }

        _sb.Append(']');
        Description(description);
    }

    private void ArrayValue(TypeRef type, string? description, ConstraintsModel? c, List<StrictGap> gaps)
    {
        Type("array", type.IsNullable);
        Description(description);
        if (c is not null)
        {
            Keyword("minItems", c.MinLength);
            Keyword("maxItems", c.MaxLength);
        }

        if (type.Collection is CollectionKind.HashSet or CollectionKind.ISet && !gaps.Contains(StrictGap.UniqueItems))
        {
            _sb.Append(",\"uniqueItems\":true");
        }

        _sb.Append(",\"items\":");
        Value(type.Element!, null, null, null);
    }

    // An enum lists its members' JSON names; [AllowedValues] and [DeniedValues] narrow the list.
    private void EnumValue(TypeRef type, string? description, ConstraintsModel? c)
    {
        var e = _names.FindEnum(type.Target!);
        Type("string", type.IsNullable);
        Description(EnumDescription(e, description));
        _sb.Append(",\"enum\":[");
        bool first = true;
        foreach (var member in e.Members)
        {
            if (c is not null && ((c.Allowed.Count > 0 && !Names(c.Allowed, member)) || Names(c.Denied, member)))
            {
                continue;
            }

            _sb.Append(first ? string.Empty : ",").Append(Literals.Json(member.JsonName));
            first = false;
        }

        if (type.IsNullable)
        {
            _sb.Append(first ? "null" : ",null");
        }

        _sb.Append(']');
    }

    private void StringValue(TypeRef type, string? description, ConstraintsModel? c, List<StrictGap> gaps, List<string> notes)
    {
        // [EmailAddress] and [Url] are looser than the "email" and "uri" formats (DataAnnotations only asks for one '@',
        // or an http/https/ftp prefix). The plain schema states them in words, so that it never rejects a value the
        // parser accepts; the strict schema guides decoding with the stricter "email" format, which it enforces.
        if (c is { Email: true } && !_strict)
        {
            notes.Add("An e-mail address.");
        }

        if (c is { Url: true })
        {
            notes.Add("An http, https or ftp URL.");
        }

        Type("string", type.IsNullable);
        Description(Join(description, notes));
        if (c is null)
        {
            return;
        }

        if (!gaps.Contains(StrictGap.StringLength))
        {
            Keyword("minLength", MinLength(c));
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

        if (c.Email && _strict)
        {
            _sb.Append(",\"format\":\"email\"");
        }

        AllowedAndDenied(type, c, gaps);
    }

    // [Required] on a string means at least one character.
    private static int? MinLength(ConstraintsModel? c) =>
        c is null ? null : c.NotEmpty ? System.Math.Max(c.MinLength ?? 0, 1) : c.MinLength;

    private void NumberKeywords(TypeRef type, ConstraintsModel? c)
    {
        string? min = c?.Minimum;
        string? max = c?.Maximum;
        bool minExclusive = c?.MinimumExclusive ?? false;
        bool maxExclusive = c?.MaximumExclusive ?? false;
        if (type.IsInteger)
        {
            // The type's own range applies unless a constraint is tighter.
            var (lo, hi) = IntegerRanges.Of(type.Kind);
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

    private void AllowedAndDenied(TypeRef type, ConstraintsModel? c, List<StrictGap> gaps)
    {
        if (c is null)
        {
            return;
        }

        if (c.Allowed.Count > 0)
        {
            _sb.Append(",\"enum\":[").Append(string.Join(",", JsonValues(c.Allowed, type))).Append(type.IsNullable ? ",null]" : "]");
        }

        if (c.Denied.Count > 0 && !gaps.Contains(StrictGap.DeniedValues))
        {
            _sb.Append(",\"not\":{\"enum\":[").Append(string.Join(",", JsonValues(c.Denied, type))).Append("]}");
        }
    }

    private List<string> JsonValues(EquatableArray<ConstantModel> values, TypeRef type)
    {
        var list = new List<string>();
        foreach (var v in values)
        {
            if (Constants.Json(v, type, _names) is { } json)
            {
                list.Add(json);
            }
        }

        return list;
    }

    private static bool Names(EquatableArray<ConstantModel> values, EnumMemberModel member)
    {
        foreach (var v in values)
        {
            if (v.Kind == ConstantKind.EnumMember && v.Value == member.ClrName)
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

    internal static string LengthSentence(int? min, int? max) => (min, max) switch
    {
        (int lo, int hi) when lo == hi => $"Exactly {Characters(lo)}.",
        (int lo, int hi) => $"{lo} to {Characters(hi)}.",
        (int lo, null) => $"At least {Characters(lo)}.",
        (null, int hi) => $"At most {Characters(hi)}.",
        _ => string.Empty,
    };

    private static string Characters(int n) => n == 1 ? "1 character" : n.ToString(CultureInfo.InvariantCulture) + " characters";

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

    internal static string? Join(string? description, string note) =>
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
