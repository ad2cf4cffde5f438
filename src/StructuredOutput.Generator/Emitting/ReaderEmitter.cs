using System.Collections.Generic;
using System.Linq;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Writes the parser: one reader method per object, enum, union and composite type, each a
/// <c>JsonValueReader&lt;T&gt;</c> that walks the tokens once, builds the value and records every error with its path.
/// Scalars are read by the runtime's <c>JsonReaders</c>, so the hard cases live (and are tested) in one place.
/// </summary>
internal sealed class ReaderEmitter
{
    private const string Readers = "global::StructuredOutput.Reading.JsonReaders";
    private const string Context = "global::StructuredOutput.Reading.JsonReadContext";
    private const string Reader = "global::System.Text.Json.Utf8JsonReader";
    private const string TokenType = "global::System.Text.Json.JsonTokenType";

    private readonly ContractNames _names;
    private readonly SourceWriter _w;
    private readonly Dictionary<string, TypeRef> _composites = new();
    private readonly Queue<string> _pending = new();
    private readonly List<string> _fields = new();
    private readonly HashSet<string> _fieldSet = new();
    private int _fieldsWritten;
    private const string Validators = "global::StructuredOutput.Validation.JsonValidators";
    private const string ExpectedValues = "global::StructuredOutput.Reading.ExpectedValues";

    public ReaderEmitter(ContractNames names, SourceWriter writer)
    {
        _names = names;
        _w = writer;
    }

    /// <summary>The name of the root reader.</summary>
    public string RootReader => "Read" + _names.NameOf(_names.Model.Root.FullyQualifiedName);

    public void Emit()
    {
        foreach (var e in _names.Model.Enums)
        {
            EmitEnum(e);
        }

        foreach (var o in _names.Model.Objects)
        {
            EmitObject(o);
        }

        foreach (var u in _names.Model.Unions)
        {
            EmitUnion(u);
        }

        EmitPending();
    }

    /// <summary>Writes the composite readers and fields asked for since the last call (none, normally, after <see cref="Emit"/>).</summary>
    public void EmitPending()
    {
        while (_pending.Count > 0)
        {
            string name = _pending.Dequeue();
            EmitComposite(name, _composites[name]);
        }

        for (; _fieldsWritten < _fields.Count; _fieldsWritten++)
        {
            _w.Line(_fields[_fieldsWritten]);
        }
    }

    // A field is declared once, however many readers (the object's, a member's streaming reader) check with it.
    private void AddField(string field)
    {
        if (_fieldSet.Add(field))
        {
            _fields.Add(field);
        }
    }

    private void EmitEnum(EnumModel e)
    {
        string name = _names.NameOf(e.FullyQualifiedName);
        string map = EnumMap(e);
        string names = string.Join(", ", e.Members.Select(m => Literals.CSharp(m.JsonName)));
        string values = string.Join(", ", e.Members.Select(m => e.FullyQualifiedName + "." + Literals.Identifier(m.ClrName)));
        _w.Line($"private static readonly global::StructuredOutput.Reading.JsonEnumMap<{e.FullyQualifiedName}> {map} = new(");
        _w.Line($"    new string[] {{ {names} }},");
        _w.Line($"    new {e.FullyQualifiedName}[] {{ {values} }});");
        _w.Line();
        _w.Line($"private static bool Read{name}(ref {Reader} reader, {Context} context, out {e.FullyQualifiedName} value) =>");
        _w.Line($"    {Readers}.ReadEnum(ref reader, context, {map}, out value);");
        _w.Line();
    }

    private void EmitObject(ObjectModel o)
    {
        string type = o.FullyQualifiedName;
        _w.Open($"private static bool Read{_names.NameOf(type)}(ref {Reader} reader, {Context} context, out {type} value)");
        _w.Line("value = default!;");
        _w.Open($"if (reader.TokenType != {TokenType}.StartObject)");
        _w.Line("return context.ReportWrongKind(ref reader, \"an object\");");
        _w.Close();
        _w.Line();
        _w.Line("int errorsBefore = context.ErrorCount;");
        foreach (var m in o.Members)
        {
            _w.Line(LocalDeclaration(m));
            _w.Line($"bool {Seen(m)} = false;");
        }

        var discriminators = _names.DiscriminatorsOf(type);
        for (int i = 0; i < discriminators.Count; i++)
        {
            _w.Line($"bool {DiscriminatorSeen(i)} = false;");
        }

        _w.Open($"while (reader.Read() && reader.TokenType == {TokenType}.PropertyName)");
        for (int i = 0; i < discriminators.Count; i++)
        {
            // The union's reader has read the discriminator to choose this type; here it is skipped, once.
            string name = Literals.CSharp(discriminators[i]);
            _w.Open($"{(i == 0 ? "if" : "else if")} (reader.ValueTextEquals({name}u8))");
            _w.Open($"if (context.EnterMember(ref reader, {name}, ref {DiscriminatorSeen(i)}))");
            _w.Line("reader.Skip();");
            _w.Line("context.Exit();");
            _w.Close();
            _w.Close();
        }

        for (int i = 0; i < o.Members.Count; i++)
        {
            var m = o.Members[i];
            _w.Open($"{(i == 0 && discriminators.Count == 0 ? "if" : "else if")} (reader.ValueTextEquals({Literals.CSharp(m.JsonName)}u8))");
            _w.Open($"if (context.EnterMember(ref reader, {Literals.CSharp(m.JsonName)}, ref {Seen(m)}))");
            EmitMemberRead(o, m);
            _w.Line("context.Exit();");
            _w.Close();
            _w.Close();
        }

        bool anyBranch = o.Members.Count + discriminators.Count > 0;
        if (anyBranch)
        {
            _w.Open("else");
        }

        _w.Line("context.SkipUnknownMember(ref reader);");
        if (anyBranch)
        {
            _w.Close();
        }

        _w.Close();
        _w.Line();
        foreach (var m in o.Members)
        {
            if (m.IsOptional)
            {
                continue; // its default stays
            }

            string report = IsRequired(m)
                ? $"context.ReportMissing({Literals.CSharp(m.JsonName)}, {MemberExpected(m)});"
                : $"context.ReportMissingAsNull({Literals.CSharp(m.JsonName)});";
            _w.Open($"if (!{Seen(m)})");
            _w.Line(report);
            _w.Close();
        }

        _w.Open("if (context.ErrorCount != errorsBefore)");
        _w.Line("return false;");
        _w.Close();
        _w.Line();
        EmitConstruction(o);
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Writes the end of a reader or builder of object <paramref name="o"/>: <c>value</c> constructed from the members'
    /// locals (<c>m{Name}</c>), a constructor's exception reported, then the type's own rules; the object's reader and
    /// its streaming builder both end with exactly these statements.
    /// </summary>
    public void EmitConstruction(ObjectModel o)
    {
        string type = o.FullyQualifiedName;
        _w.Open("try");
        var arguments = o.Members.Where(m => m.ConstructorParameterIndex >= 0).OrderBy(m => m.ConstructorParameterIndex).Select(Local);
        var initialized = o.Members.Where(m => m.ConstructorParameterIndex < 0).ToList();
        if (initialized.Count == 0)
        {
            _w.Line($"value = new {type}({string.Join(", ", arguments)});");
        }
        else
        {
            _w.Line($"value = new {type}({string.Join(", ", arguments)})");
            _w.Line("{");
            foreach (var m in initialized)
            {
                _w.Line($"    {Literals.Identifier(m.ClrName)} = {Local(m)},");
            }

            _w.Line("};");
        }

        _w.Close();
        _w.Open("catch (global::System.Exception exception)");
        _w.Line("return context.ReportConstructionFailed(exception);");
        _w.Close();
        _w.Line();
        if (o.IsValidatable)
        {
            string members = "s_" + _names.NameOf(type) + "_MemberNames";
            AddField($"private static readonly string[] {members} = {{ {string.Join(", ", o.Members.SelectMany(m => new[] { Literals.CSharp(m.ClrName), Literals.CSharp(m.JsonName) }))} }};");
            _w.Line($"return {Validators}.ValidateObject(context, value, {Literals.CSharp(o.Name)}, {members});");
        }
        else
        {
            _w.Line("return true;");
        }
    }

    // The statements that read member m of o into its local (declared by LocalDeclaration), with its default for a
    // null and its checks: the object's reader and the member's streaming reader both run exactly these.
    private void EmitMemberRead(ObjectModel o, MemberModel m)
    {
        string read = $"{ReaderFor(m.Type)}(ref reader, context, out {Local(m)})";
        var checks = Checks(o, m);
        string? prefix = null;
        if (m.IsOptional && !m.Type.IsNullable)
        {
            // An optional member may be null (strict mode sends optional values as nullable): its default applies.
            _w.Open($"if (reader.TokenType == {TokenType}.Null)");
            _w.Line($"{Local(m)} = {Constants.CSharp(m.Default!, m.Type)};");
            _w.Close();
            prefix = "else ";
        }

        if (checks.Count == 0)
        {
            if (prefix is null)
            {
                _w.Line(read + ";");
            }
            else
            {
                _w.Open("else");
                _w.Line(read + ";");
                _w.Close();
            }
        }
        else
        {
            _w.Open($"{prefix}if ({read} && {Local(m)} is {{ }} v)");
            foreach (var check in checks)
            {
                _w.Line(check + ";");
            }

            _w.Close();
        }
    }

    private static string LocalDeclaration(MemberModel m)
    {
        string init = m.Default is { } d ? Constants.CSharp(d, m.Type) : m.Type.IsValueType && !m.Type.IsNullable ? "default" : m.Type.IsNullable ? "null" : "default!";
        return $"{CSharpType(m.Type)} {Local(m)} = {init};";
    }

    /// <summary>Whether the object's reader reports the member with <c>ReportMissing</c> when it is left out.</summary>
    public static bool IsRequired(MemberModel m) => !m.IsOptional && !m.Type.IsNullable;

    /// <summary>The expression of the expected-value wording the object's reader passes when the member is missing.</summary>
    public string MemberExpected(MemberModel m) => Expected(m.Type);

    /// <summary>Whether the member has checks of its own beyond its type's reader (a count, a pattern, allowed values…).</summary>
    public bool HasChecks(ObjectModel o, MemberModel m) => Checks(o, m).Count > 0;

    /// <summary>
    /// Writes a <c>PartialValueReader</c> method that reads one value of member <paramref name="m"/> exactly as the
    /// object's reader does, and returns it boxed (null when it could not be read).
    /// </summary>
    public void EmitMemberReader(string name, ObjectModel o, MemberModel m)
    {
        _w.Open($"internal static bool {name}(ref {Reader} reader, {Context} context, out object? value)");
        _w.Line("int errorsBefore = context.ErrorCount;");
        _w.Line(LocalDeclaration(m));
        EmitMemberRead(o, m);
        _w.Line();
        _w.Line("bool ok = context.ErrorCount == errorsBefore;");
        _w.Line($"value = ok ? {Local(m)} : null;");
        _w.Line("return ok;");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Writes a <c>PartialValueReader</c> method that reads one element of a list of <paramref name="element"/> as the
    /// collection's reader reads each, and returns it boxed (null when it could not be read).
    /// </summary>
    public void EmitElementReader(string name, TypeRef element)
    {
        _w.Open($"internal static bool {name}(ref {Reader} reader, {Context} context, out object? value)");
        _w.Line("int errorsBefore = context.ErrorCount;");
        _w.Line($"{ReaderFor(element)}(ref reader, context, out {CSharpType(element)} item);");
        _w.Line("bool ok = context.ErrorCount == errorsBefore;");
        _w.Line("value = ok ? item : null;");
        _w.Line("return ok;");
        _w.Close();
        _w.Line();
    }

    // A union's reader: the runtime finds the listed type by the discriminator, and that type's reader reads the object.
    private void EmitUnion(UnionModel u)
    {
        string type = u.FullyQualifiedName;
        string name = _names.NameOf(u);
        string map = "s_" + name + "Discriminators";
        string values = string.Join(", ", u.Members.Select(m => Literals.CSharp(m.Discriminator)));
        _w.Line($"private static readonly global::StructuredOutput.Reading.JsonUnionMap {map} = new({Literals.CSharp(u.DiscriminatorName)}, new string[] {{ {values} }});");
        _w.Line();
        _w.Open($"private static bool Read{name}(ref {Reader} reader, {Context} context, out {type} value)");
        _w.Open($"switch ({Readers}.ReadDiscriminator(ref reader, context, {map}))");
        for (int i = 0; i < u.Members.Count; i++)
        {
            string target = u.Members[i].Target;
            _w.Open($"case {i.ToString(System.Globalization.CultureInfo.InvariantCulture)}:");
            _w.Line($"bool ok = Read{_names.NameOf(target)}(ref reader, context, out {target} member);");
            _w.Line("value = member;");
            _w.Line("return ok;");
            _w.Close();
        }

        _w.Line("default:");
        _w.Line("    value = default!;");
        _w.Line("    return false;");
        _w.Close();
        _w.Close();
        _w.Line();
    }

    private void EmitComposite(string name, TypeRef type)
    {
        string csharp = CSharpType(type);
        _w.Line($"private static bool {name}(ref {Reader} reader, {Context} context, out {csharp} value)");
        if (type.IsNullable)
        {
            var inner = type.AsNonNullable();
            string helper = type.IsValueType ? "ReadNullable" : "ReadOrNull";
            _w.Line($"    => {Readers}.{helper}<{CSharpType(inner)}>(ref reader, context, {ReaderFor(inner)}, out value);");
            _w.Line();
            return;
        }

        string element = CSharpType(type.Element!);
        string? collectionReader = type.Collection switch
        {
            CollectionKind.Array => "ReadArray",
            CollectionKind.HashSet or CollectionKind.ISet => "ReadHashSet",
            CollectionKind.ImmutableArray => "ReadImmutableArray",
            CollectionKind.Dictionary or CollectionKind.IDictionary or CollectionKind.IReadOnlyDictionary => "ReadDictionary",
            _ => "ReadList",
        };
        _w.Line("{");
        _w.Line($"    bool ok = {Readers}.{collectionReader}<{element}>(ref reader, context, {ReaderFor(type.Element!)}, out var read);");
        _w.Line("    value = read;");
        _w.Line("    return ok;");
        _w.Line("}");
        _w.Line();
    }

    // The generated checks of a member's validation attributes, on the value 'v' read for it.
    private List<string> Checks(ObjectModel o, MemberModel m)
    {
        var list = new List<string>();
        var c = m.Constraints;
        var type = m.Type.AsNonNullable();
        if (c is null)
        {
            return list;
        }

        string field = "s_" + _names.NameOf(o.FullyQualifiedName) + "_" + m.ClrName + "_";
        if (c.HasRange)
        {
            bool floating = type.Kind is ValueKind.Single or ValueKind.Double;
            string suffix = floating ? "d" : "m";
            string Bound(string? b) => b is null ? "null" : b + suffix;
            string value = floating ? "(double)v" : "(decimal)v";
            list.Add($"{Validators}.CheckRange(context, {value}, {Bound(c.Minimum)}, {(c.MinimumExclusive ? "true" : "false")}, {Bound(c.Maximum)}, {(c.MaximumExclusive ? "true" : "false")})");
        }

        if (c.HasLength)
        {
            string min = c.MinLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null";
            string max = c.MaxLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null";
            list.Add(type.Kind == ValueKind.String
                ? $"{Validators}.CheckLength(context, v, {min}, {max})"
                : $"{Validators}.CheckCount(context, v, {min}, {max})");
        }

        if (c.NotEmpty)
        {
            list.Add($"{Validators}.CheckNotEmpty(context, v)");
        }

        if (c.Pattern is not null)
        {
            AddField($"private static readonly global::System.Text.RegularExpressions.Regex {field}Pattern = new({Literals.CSharp(c.Pattern)}, global::System.Text.RegularExpressions.RegexOptions.CultureInvariant, global::System.TimeSpan.FromSeconds(2));");
            list.Add($"{Validators}.CheckPattern(context, v, {field}Pattern)");
        }

        if (c.Email)
        {
            list.Add($"{Validators}.CheckEmail(context, v)");
        }

        if (c.Url)
        {
            list.Add($"{Validators}.CheckUrl(context, v)");
        }

        foreach (var (values, name, method) in new[] { (c.Allowed, "Allowed", "CheckAllowed"), (c.Denied, "Denied", "CheckDenied") })
        {
            if (values.Count == 0)
            {
                continue;
            }

            AddField($"private static readonly {CSharpType(type)}[] {field}{name} = {{ {string.Join(", ", values.Select(x => Constants.CSharp(x, type)))} }};");
            string json = "[" + string.Join(", ", values.Select(x => Constants.Json(x, type, _names))) + "]";
            list.Add($"{Validators}.{method}(context, v, {field}{name}, {Literals.CSharp(json)})");
        }

        return list;
    }

    /// <summary>The method group that reads a value of <paramref name="type"/>.</summary>
    private string ReaderFor(TypeRef type)
    {
        if (!type.IsNullable)
        {
            switch (type.Kind)
            {
                case ValueKind.Collection:
                case ValueKind.Dictionary:
                    break;
                case ValueKind.Enum:
                case ValueKind.Object:
                case ValueKind.Union:
                    return "Read" + _names.NameOf(type);
                default:
                    return Readers + ".Read" + type.Kind;
            }
        }

        string name = "Read" + Mangle(type);
        if (!_composites.ContainsKey(name))
        {
            _composites[name] = type;
            _pending.Enqueue(name);
        }

        return name;
    }

    private string Mangle(TypeRef type)
    {
        if (type.IsNullable)
        {
            return "Nullable" + Mangle(type.AsNonNullable());
        }

        return type.Kind switch
        {
            ValueKind.Enum or ValueKind.Object or ValueKind.Union => _names.NameOf(type),
            ValueKind.Collection or ValueKind.Dictionary => type.Collection + "Of" + Mangle(type.Element!),
            _ => type.Kind.ToString(),
        };
    }

    public static string CSharpType(TypeRef type)
    {
        string text = type.Kind switch
        {
            ValueKind.String => "string",
            ValueKind.Char => "char",
            ValueKind.Boolean => "bool",
            ValueKind.SByte => "sbyte",
            ValueKind.Byte => "byte",
            ValueKind.Int16 => "short",
            ValueKind.UInt16 => "ushort",
            ValueKind.Int32 => "int",
            ValueKind.UInt32 => "uint",
            ValueKind.Int64 => "long",
            ValueKind.UInt64 => "ulong",
            ValueKind.Single => "float",
            ValueKind.Double => "double",
            ValueKind.Decimal => "decimal",
            ValueKind.DateTime => "global::System.DateTime",
            ValueKind.DateTimeOffset => "global::System.DateTimeOffset",
            ValueKind.DateOnly => "global::System.DateOnly",
            ValueKind.TimeOnly => "global::System.TimeOnly",
            ValueKind.TimeSpan => "global::System.TimeSpan",
            ValueKind.Guid => "global::System.Guid",
            ValueKind.Uri => "global::System.Uri",
            ValueKind.Enum or ValueKind.Object or ValueKind.Union => type.Target!,
            ValueKind.Dictionary => type.Collection switch
            {
                CollectionKind.IDictionary => $"global::System.Collections.Generic.IDictionary<string, {CSharpType(type.Element!)}>",
                CollectionKind.IReadOnlyDictionary => $"global::System.Collections.Generic.IReadOnlyDictionary<string, {CSharpType(type.Element!)}>",
                _ => $"global::System.Collections.Generic.Dictionary<string, {CSharpType(type.Element!)}>",
            },
            _ => type.Collection switch
            {
                CollectionKind.Array => CSharpType(type.Element!) + "[]",
                CollectionKind.ImmutableArray => $"global::System.Collections.Immutable.ImmutableArray<{CSharpType(type.Element!)}>",
                _ => $"global::System.Collections.Generic.{type.Collection}<{CSharpType(type.Element!)}>",
            },
        };

        return type.IsNullable ? text + "?" : text;
    }

    // What a value of the type should be, as the runtime words it for a value of the wrong kind (ExpectedValues, or
    // the enum map's own list of names), so that a missing value is worded the same.
    private string Expected(TypeRef type)
    {
        string name = type.Kind switch
        {
            ValueKind.Boolean => "Boolean",
            ValueKind.Char => "Char",
            ValueKind.DateTime => "DateTime",
            ValueKind.DateTimeOffset => "DateTimeOffset",
            ValueKind.DateOnly => "DateOnly",
            ValueKind.TimeOnly => "TimeOnly",
            ValueKind.TimeSpan => "TimeSpan",
            ValueKind.Guid => "Guid",
            ValueKind.Uri => "Uri",
            ValueKind.Single or ValueKind.Double or ValueKind.Decimal => "Number",
            ValueKind.Object or ValueKind.Union or ValueKind.Dictionary => "Object",
            ValueKind.Collection => "Array",
            ValueKind.String => "String",
            ValueKind.Enum => string.Empty,
            _ => "Integer",
        };

        string text = type.Kind == ValueKind.Enum ? EnumMap(_names.FindEnum(type.Target!)) + ".Expected" : ExpectedValues + "." + name;
        return type.IsNullable ? text + " + \" or null\"" : text;
    }

    private string EnumMap(EnumModel e) => _names.EnumMapField(e);

    /// <summary>The local a member's value is read or taken into.</summary>
    public static string Local(MemberModel m) => "m" + m.ClrName;

    private static string Seen(MemberModel m) => "has" + m.ClrName;

    // Member locals are m… and has…, so this name cannot clash with one.
    private static string DiscriminatorSeen(int index) => index == 0 ? "discriminatorSeen" : "discriminatorSeen" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
