using System.Collections.Generic;
using System.Linq;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Writes the parser: one reader method per object, enum and composite type, each a
/// <c>JsonValueReader&lt;T&gt;</c> that walks the tokens once, builds the value and records every error with its path.
/// Scalars are read by the runtime's <c>JsonReaders</c>, so the hard cases live (and are tested) in one place.
/// </summary>
internal sealed class ReaderEmitter
{
    private const string Readers = "global::StructuredOutput.Parsing.JsonReaders";
    private const string Context = "global::StructuredOutput.Parsing.JsonReadContext";
    private const string Reader = "global::System.Text.Json.Utf8JsonReader";
    private const string TokenType = "global::System.Text.Json.JsonTokenType";

    private readonly ContractNames _names;
    private readonly SourceWriter _w;
    private readonly Dictionary<string, TypeRef> _composites = new();
    private readonly Queue<string> _pending = new();

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

        while (_pending.Count > 0)
        {
            string name = _pending.Dequeue();
            EmitComposite(name, _composites[name]);
        }
    }

    private void EmitEnum(EnumModel e)
    {
        string name = _names.NameOf(e.FullyQualifiedName);
        // Unique names may differ only in case ("Foo", "foo"), so the field keeps the name's case.
        string map = "s_" + name + "Names";
        string names = string.Join(", ", e.Members.Select(m => Literals.CSharp(m.JsonName)));
        string values = string.Join(", ", e.Members.Select(m => e.FullyQualifiedName + "." + Escape(m.ClrName)));
        _w.Line($"private static readonly global::StructuredOutput.Parsing.JsonEnumMap<{e.FullyQualifiedName}> {map} = new(");
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
            string init = m.Type.IsValueType && !m.Type.IsNullable ? "default" : m.Type.IsNullable ? "null" : "default!";
            _w.Line($"{CSharpType(m.Type)} {Local(m)} = {init};");
            _w.Line($"bool {Seen(m)} = false;");
        }

        _w.Open($"while (reader.Read() && reader.TokenType == {TokenType}.PropertyName)");
        for (int i = 0; i < o.Members.Count; i++)
        {
            var m = o.Members[i];
            _w.Open($"{(i == 0 ? "if" : "else if")} (reader.ValueTextEquals({Literals.CSharp(m.JsonName)}u8))");
            _w.Open($"if (context.EnterMember(ref reader, {Literals.CSharp(m.JsonName)}, ref {Seen(m)}))");
            _w.Line($"{ReaderFor(m.Type)}(ref reader, context, out {Local(m)});");
            _w.Line("context.Exit();");
            _w.Close();
            _w.Close();
        }

        if (o.Members.Count > 0)
        {
            _w.Open("else");
        }

        _w.Line("context.SkipUnknownMember(ref reader);");
        if (o.Members.Count > 0)
        {
            _w.Close();
        }

        _w.Close();
        _w.Line();
        foreach (var m in o.Members)
        {
            string report = m.Type.IsNullable
                ? $"context.ReportMissingAsNull({Literals.CSharp(m.JsonName)});"
                : $"context.ReportMissing({Literals.CSharp(m.JsonName)}, {Literals.CSharp(Expected(m.Type))});";
            _w.Open($"if (!{Seen(m)})");
            _w.Line(report);
            _w.Close();
        }

        _w.Open("if (context.ErrorCount != errorsBefore)");
        _w.Line("return false;");
        _w.Close();
        _w.Line();
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
                _w.Line($"    {Escape(m.ClrName)} = {Local(m)},");
            }

            _w.Line("};");
        }

        _w.Close();
        _w.Open("catch (global::System.Exception exception)");
        _w.Line("return context.ReportConstructionFailed(exception);");
        _w.Close();
        _w.Line();
        _w.Line("return true;");
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
        if (type.Collection == CollectionKind.Array)
        {
            _w.Line($"    => {Readers}.ReadArray<{element}>(ref reader, context, {ReaderFor(type.Element!)}, out value);");
            _w.Line();
            return;
        }

        _w.Line("{");
        _w.Line($"    bool ok = {Readers}.ReadList<{element}>(ref reader, context, {ReaderFor(type.Element!)}, out var list);");
        _w.Line("    value = list;");
        _w.Line("    return ok;");
        _w.Line("}");
        _w.Line();
    }

    /// <summary>The method group that reads a value of <paramref name="type"/>.</summary>
    private string ReaderFor(TypeRef type)
    {
        if (!type.IsNullable)
        {
            switch (type.Kind)
            {
                case ValueKind.String: return Readers + ".ReadString";
                case ValueKind.Boolean: return Readers + ".ReadBoolean";
                case ValueKind.Int32: return Readers + ".ReadInt32";
                case ValueKind.Int64: return Readers + ".ReadInt64";
                case ValueKind.Double: return Readers + ".ReadDouble";
                case ValueKind.Decimal: return Readers + ".ReadDecimal";
                case ValueKind.Enum:
                case ValueKind.Object:
                    return "Read" + _names.NameOf(type.Target!);
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
            ValueKind.Enum or ValueKind.Object => _names.NameOf(type.Target!),
            ValueKind.Collection => type.Collection + "Of" + Mangle(type.Element!),
            _ => type.Kind.ToString(),
        };
    }

    public static string CSharpType(TypeRef type)
    {
        string text = type.Kind switch
        {
            ValueKind.String => "string",
            ValueKind.Boolean => "bool",
            ValueKind.Int32 => "int",
            ValueKind.Int64 => "long",
            ValueKind.Double => "double",
            ValueKind.Decimal => "decimal",
            ValueKind.Enum or ValueKind.Object => type.Target!,
            _ => type.Collection switch
            {
                CollectionKind.Array => CSharpType(type.Element!) + "[]",
                CollectionKind.IList => $"global::System.Collections.Generic.IList<{CSharpType(type.Element!)}>",
                CollectionKind.IReadOnlyList => $"global::System.Collections.Generic.IReadOnlyList<{CSharpType(type.Element!)}>",
                _ => $"global::System.Collections.Generic.List<{CSharpType(type.Element!)}>",
            },
        };

        return type.IsNullable ? text + "?" : text;
    }

    private string Expected(TypeRef type)
    {
        string text = type.Kind switch
        {
            ValueKind.String => "a string",
            ValueKind.Boolean => "true or false",
            ValueKind.Int32 or ValueKind.Int64 => "an integer",
            ValueKind.Double or ValueKind.Decimal => "a number",
            ValueKind.Object => "an object",
            ValueKind.Enum => EnumExpected(_names.FindEnum(type.Target!)),
            _ => "an array",
        };

        return type.IsNullable ? text + " or null" : text;
    }

    private static string EnumExpected(EnumModel e) =>
        e.Members.Count == 1
            ? Literals.Json(e.Members[0].JsonName)
            : "one of " + string.Join(", ", e.Members.Select(m => Literals.Json(m.JsonName)));

    private static string Local(MemberModel m) => "m" + m.ClrName;

    private static string Seen(MemberModel m) => "has" + m.ClrName;

    public static string Escape(string identifier) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(identifier) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None
            ? "@" + identifier
            : identifier;
}
