using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Writes the writer: one method per object, enum and composite type, each a <c>JsonValueWriter&lt;T&gt;</c> that
/// writes the value in the contract's JSON names and formats, the JSON the generated reader reads back without a
/// repair. Scalars, properties and collections are written by the runtime's <c>JsonWriters</c>, which name the JSON path
/// of a value with no JSON form; the per-type methods mirror the reader's, so a new kind of type adds one method here.
/// </summary>
internal sealed class WriterEmitter
{
    private const string Writers = "global::StructuredOutput.Writing.JsonWriters";
    private const string Writer = "global::System.Text.Json.Utf8JsonWriter";

    private readonly ContractNames _names;
    private readonly SourceWriter _w;
    private readonly Dictionary<string, TypeRef> _composites = new();
    private readonly Queue<string> _pending = new();

    public WriterEmitter(ContractNames names, SourceWriter writer)
    {
        _names = names;
        _w = writer;
    }

    /// <summary>The name of the root writer.</summary>
    public string RootWriter => "Write" + _names.NameOf(_names.Model.Root.FullyQualifiedName);

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

        while (_pending.Count > 0)
        {
            string name = _pending.Dequeue();
            EmitComposite(name, _composites[name]);
        }
    }

    // The enum's names are the reader's map: one table, so the two cannot disagree.
    private void EmitEnum(EnumModel e)
    {
        _w.Line($"private static void Write{_names.NameOf(e.FullyQualifiedName)}({Writer} writer, {e.FullyQualifiedName} value) =>");
        _w.Line($"    {Writers}.WriteEnum(writer, value, {_names.EnumMapField(e)});");
        _w.Line();
    }

    private void EmitObject(ObjectModel o)
    {
        bool isValueType = IsValueType(o);
        string type = o.FullyQualifiedName + (isValueType ? string.Empty : "?");
        _w.Open($"private static void Write{_names.NameOf(o.FullyQualifiedName)}({Writer} writer, {type} value)");
        if (!isValueType)
        {
            _w.Open("if (value is null)");
            _w.Line("writer.WriteNullValue();");
            _w.Line("return;");
            _w.Close();
            _w.Line();
        }

        // Every member, null ones too: an optional member left out would be read back as its default, not as null.
        _w.Line("writer.WriteStartObject();");
        if (IsUnionMember(o))
        {
            // A listed type of a union: its members are written after the union's discriminator, by a method of their own.
            _w.Line($"Write{_names.NameOf(o.FullyQualifiedName)}Members(writer, value);");
            _w.Line("writer.WriteEndObject();");
            _w.Close();
            _w.Line();
            _w.Open($"private static void Write{_names.NameOf(o.FullyQualifiedName)}Members({Writer} writer, {o.FullyQualifiedName} value)");
            EmitMembers(o);
            _w.Close();
            _w.Line();
            return;
        }

        EmitMembers(o);
        _w.Line("writer.WriteEndObject();");
        _w.Close();
        _w.Line();
    }

    private void EmitMembers(ObjectModel o)
    {
        foreach (var m in o.Members)
        {
            if (!SyntaxFacts.IsValidIdentifier(m.ClrName))
            {
                continue; // a member without a name, in code that does not compile anyway: nothing to read it from
            }

            _w.Line($"{Writers}.WriteProperty(writer, {Literals.CSharp(m.JsonName)}u8, value.{Literals.Identifier(m.ClrName)}, {WriterFor(m.Type)});");
        }
    }

    // A union: the listed type of the value's own type (exactly: a listed type may derive from another), its
    // discriminator first, then its members. A type the union does not list has no JSON form the reader would take.
    private void EmitUnion(UnionModel u)
    {
        _w.Open($"private static void Write{_names.NameOf(u)}({Writer} writer, {u.FullyQualifiedName}? value)");
        _w.Open("if (value is null)");
        _w.Line("writer.WriteNullValue();");
        _w.Line("return;");
        _w.Close();
        _w.Line();
        _w.Line("global::System.Type type = value.GetType();");
        foreach (var member in u.Members)
        {
            _w.Open($"if (type == typeof({member.Target}))");
            _w.Line("writer.WriteStartObject();");
            _w.Line($"writer.WriteString({Literals.CSharp(u.DiscriminatorName)}u8, {Literals.CSharp(member.Discriminator)}u8);");
            _w.Line($"Write{_names.NameOf(member.Target)}Members(writer, ({member.Target})value);");
            _w.Line("writer.WriteEndObject();");
            _w.Line("return;");
            _w.Close();
            _w.Line();
        }

        _w.Line($"throw new global::System.ArgumentException(type.Name + {Literals.CSharp(" is not a listed type of " + u.Name + ": list it with [JsonDerivedType] on " + u.Name + " to write it.")});");
        _w.Close();
        _w.Line();
    }

    private bool IsUnionMember(ObjectModel o)
    {
        foreach (var u in _names.Model.Unions)
        {
            foreach (var member in u.Members)
            {
                if (member.Target == o.FullyQualifiedName)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void EmitComposite(string name, TypeRef type)
    {
        // A collection of a reference type takes null too, so that a nullable member can use the same method.
        string csharp = ReaderEmitter.CSharpType(type) + (type.IsNullable || type.IsValueType ? string.Empty : "?");
        _w.Line($"private static void {name}({Writer} writer, {csharp} value) =>");
        if (type.IsNullable)
        {
            var inner = type.AsNonNullable();
            _w.Line($"    {Writers}.WriteNullable<{ReaderEmitter.CSharpType(inner)}>(writer, value, {WriterFor(inner)});");
            _w.Line();
            return;
        }

        string element = ReaderEmitter.CSharpType(type.Element!);
        string collectionWriter = type.Collection switch
        {
            CollectionKind.ImmutableArray => "WriteImmutableArray",
            CollectionKind.Dictionary or CollectionKind.IDictionary or CollectionKind.IReadOnlyDictionary => "WriteDictionary",
            _ => "WriteArray",
        };
        _w.Line($"    {Writers}.{collectionWriter}<{element}>(writer, value, {WriterFor(type.Element!)});");
        _w.Line();
    }

    /// <summary>The method group that writes a value of <paramref name="type"/>.</summary>
    private string WriterFor(TypeRef type)
    {
        // A null reference needs no method of its own: every writer of a reference type writes null as null.
        if (type.IsNullable && !type.IsValueType)
        {
            type = type.AsNonNullable();
        }

        if (!type.IsNullable)
        {
            switch (type.Kind)
            {
                case ValueKind.Collection:
                case ValueKind.Dictionary:
                    break;
                case ValueKind.Enum:
                case ValueKind.Object:
                    return "Write" + _names.NameOf(type.Target!);
                case ValueKind.Union:
                    return "Write" + _names.NameOf(_names.FindUnion(type.Target!));
                default:
                    return Writers + ".Write" + type.Kind;
            }
        }

        string name = "Write" + Mangle(type);
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
            ValueKind.Union => _names.NameOf(_names.FindUnion(type.Target!)),
            ValueKind.Collection or ValueKind.Dictionary => type.Collection + "Of" + Mangle(type.Element!),
            _ => type.Kind.ToString(),
        };
    }

    // Whether the object is a struct: the members that use it say so (the model records it on each use).
    private bool IsValueType(ObjectModel o)
    {
        if (o == _names.Model.Root)
        {
            return _names.Model.Declaration.Keyword.Contains("struct");
        }

        foreach (var owner in _names.Model.Objects)
        {
            foreach (var m in owner.Members)
            {
                var t = m.Type;
                while (true)
                {
                    if (t.Kind == ValueKind.Object && t.Target == o.FullyQualifiedName)
                    {
                        return t.IsValueType;
                    }

                    if (t.Element is null)
                    {
                        break;
                    }

                    t = t.Element;
                }
            }
        }

        return false;
    }
}
