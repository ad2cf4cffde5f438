using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Writes what streaming needs of a contract: the partial views nested in the root type (<c>Partial</c> and one
/// <c>{Name}Partial</c> per object reachable through members and list items, see <see cref="PartialViews"/>), and in the
/// file-local contract class their shapes with one <c>PartialValueReader</c> per member and list element, each reading
/// exactly as the object's reader does (the reader emitter writes both from one function).
/// </summary>
internal sealed class PartialEmitter
{
    private const string PartialMember = "global::StructuredOutput.Streaming.PartialMember";
    private const string PartialElement = "global::StructuredOutput.Streaming.PartialElement";
    private const string PartialShape = "global::StructuredOutput.Streaming.PartialShape";
    private const string PartialList = "global::StructuredOutput.PartialList";
    private const string PartialValues = "global::StructuredOutput.Streaming.PartialValues";
    private const string PartialObject = "global::StructuredOutput.PartialObject";
    private const string Context = "global::StructuredOutput.Reading.JsonReadContext";

    // Members of PartialObject and object that a view's property of the same name hides on purpose (the views call
    // the base's getters as base.GetText and so on, so a property named GetText still compiles). The generic
    // GetValue<T> and GetReference<T> are not hidden by a property: their arity differs.
    private static readonly HashSet<string> InheritedNames = new()
    {
        "IsComplete", "IsMemberComplete", "GetText", "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone",
        "ReferenceEquals",
    };

    private readonly ContractNames _names;
    private readonly SourceWriter _w;
    private readonly string _contractRef;
    private readonly string _generatedCode;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _views;
    private readonly Dictionary<string, string> _viewOf = new();

    public PartialEmitter(ContractNames names, SourceWriter writer, string contractRef, string generatedCodeAttribute)
    {
        _names = names;
        _w = writer;
        _contractRef = contractRef;
        _generatedCode = generatedCodeAttribute;
        _views = names.Model.HasPartialViews ? PartialViews.Names(names.Model) : new List<KeyValuePair<string, string>>();
        foreach (var view in _views)
        {
            _viewOf[view.Key] = view.Value;
        }
    }

    /// <summary>Whether the contract has views (its root is an object and no member of the root takes a view's name).</summary>
    public bool HasViews => _views.Count > 0;

    /// <summary>The expression of the root view's shape, for <c>ILlmExtractable&lt;T&gt;.StreamingShape</c>.</summary>
    public string RootShape => _contractRef + "." + ShapeField(PartialViews.RootViewName);

    /// <summary>Writes the view classes; the writer is inside the root type's declaration.</summary>
    public void EmitViews()
    {
        foreach (var view in _views)
        {
            var o = _names.FindObject(view.Key);
            string name = view.Value;
            _w.Line("/// <summary>");
            _w.Line($"/// The partial view of <c>{o.Name}</c> that a streamed extraction fills in as the answer arrives: a string member");
            _w.Line("/// shows its text so far, an object or a list fills in as it is written, any other member appears once complete and valid.");
            _w.Line("/// </summary>");
            _w.Line(_generatedCode);
            string modifiers = _names.Model.InheritedViewNames.Contains(name) ? "public new" : "public";
            _w.Open($"{modifiers} sealed class {name} : global::StructuredOutput.PartialObject");
            _w.Line($"internal {name}()");
            _w.Line($"    : base({_contractRef}.{ShapeField(name)})");
            _w.Line("{");
            _w.Line("}");
            for (int i = 0; i < o.Members.Count; i++)
            {
                _w.Line();
                EmitProperty(o.Members[i], i);
            }

            _w.Close();
            _w.Line();
        }
    }

    private void EmitProperty(MemberModel m, int index)
    {
        string i = index.ToString(CultureInfo.InvariantCulture);
        string name = Literals.Identifier(m.ClrName);
        string modifiers = InheritedNames.Contains(m.ClrName) ? "public new" : "public";
        string orNull = m.Type.IsNullable ? " (or when it is null)" : string.Empty;
        switch (PartialViews.MemberKind(m.Type))
        {
            case PartialViews.Kind.Text:
                _w.Line($"/// <summary>The text of <c>{m.ClrName}</c> written so far (all of it once complete); null before it starts.</summary>");
                _w.Line($"{modifiers} string? {name} => base.GetText({i});");
                break;
            case PartialViews.Kind.Object:
                string view = ViewType(m.Type);
                _w.Line($"/// <summary>The partial view of <c>{m.ClrName}</c> as far as it is written; null before it starts{orNull}.</summary>");
                _w.Line($"{modifiers} {view}? {name} => base.GetReference<{view}>({i});");
                break;
            case PartialViews.Kind.List:
                string list = $"{PartialList}<{ItemType(m.Type.Element!)}>";
                _w.Line($"/// <summary>The items of <c>{m.ClrName}</c> begun so far; null before the list starts{orNull}.</summary>");
                _w.Line($"{modifiers} {list}? {name} => base.GetReference<{list}>({i});");
                break;
            default:
                string type = ReaderEmitter.CSharpType(m.Type.AsNonNullable());
                string get = m.Type.IsValueType ? "GetValue" : "GetReference";
                _w.Line($"/// <summary><c>{m.ClrName}</c> once it is complete and valid; null before{orNull}.</summary>");
                _w.Line($"{modifiers} {type}? {name} => base.{get}<{type}>({i});");
                break;
        }
    }

    /// <summary>
    /// Writes the shapes, their readers and the builders of values from complete views into the file-local contract
    /// class. Every name written here starts with <c>ShapeOf</c>, <c>MemberReader</c>, <c>ItemReader</c> or
    /// <c>BuildFrom</c>, which no other name of that class does.
    /// </summary>
    public void EmitShapes(ReaderEmitter readers)
    {
        int next = 0;
        var methods = new List<(string Name, ObjectModel Object, MemberModel Member, TypeRef? Element)>();
        var itemReaders = new Dictionary<string, string>(); // one per element type, shared by the lists of it
        foreach (var view in _views)
        {
            var o = _names.FindObject(view.Key);
            _w.Line($"internal static readonly {PartialShape} {ShapeField(view.Value)} = new({Literals.CSharp(o.Name)}, new {PartialMember}[]");
            _w.Line("{");
            foreach (var m in o.Members)
            {
                string k = (next++).ToString(CultureInfo.InvariantCulture);
                string reader = "MemberReader" + k;
                methods.Add((reader, o, m, null));
                string? itemReader = null;
                bool? keyed = EntriesKeyed(m.Type);
                if ((PartialViews.MemberKind(m.Type) == PartialViews.Kind.List || keyed is not null)
                    && !itemReaders.TryGetValue(ReaderEmitter.CSharpType(m.Type.Element!), out itemReader))
                {
                    itemReader = "ItemReader" + k;
                    itemReaders[ReaderEmitter.CSharpType(m.Type.Element!)] = itemReader;
                    methods.Add((itemReader, o, m, m.Type.Element));
                }

                string head = $"{Literals.CSharp(m.ClrName)}, {Literals.CSharp(m.JsonName)}, {(ReaderEmitter.IsRequired(m) ? "true" : "false")}, {readers.MemberExpected(m)}, {reader}";
                string line = PartialViews.MemberKind(m.Type) switch
                {
                    PartialViews.Kind.Text => readers.HasChecks(o, m) ? $"{PartialMember}.Text({head})" : $"{PartialMember}.PlainText({head})",
                    PartialViews.Kind.Object => $"{PartialMember}.Object({head}, {Create(m.Type)}, {Bool(_names.FindObject(m.Type.Target!).IsValidatable)})",
                    PartialViews.Kind.List => $"{PartialMember}.List({head}, {Element(m.Type.Element!, itemReader!)}, {Bool(readers.HasChecks(o, m))})",
                    _ when keyed is { } isKeyed => $"{PartialMember}.Value({head}, {itemReader}, {Bool(isKeyed)})",
                    _ => $"{PartialMember}.Value({head})",
                };
                if (m.Default is { } declared)
                {
                    // Left out, the member takes its declared default, as the object's reader leaves it.
                    line += $".WithDefault((object?)(({ReaderEmitter.CSharpType(m.Type)})({Constants.CSharp(declared, m.Type)})))";
                }

                _w.Line($"    {line},");
            }

            string build = view.Value == PartialViews.RootViewName && CanBuild ? ", " + BoxedBuilder : string.Empty;
            _w.Line($"}}, static () => new {_names.Model.Declaration.FullyQualifiedName}.{view.Value}(){build});");
            _w.Line();
        }

        foreach (var (name, o, m, element) in methods)
        {
            _w.Line(element is null ? $"// {o.Name}.{m.ClrName}" : $"// an item of {o.Name}.{m.ClrName} and of every list of the same element type");
            if (element is null)
            {
                readers.EmitMemberReader(name, o, m);
            }
            else
            {
                readers.EmitElementReader(name, element);
            }
        }

        if (CanBuild)
        {
            EmitBuilders(readers);
        }
    }

    /// <summary>
    /// Whether every view's value can be built from the view: not when an object member or a list's object element is
    /// a nullable struct (its view holds the struct's view, the builder gives the struct), which then is parsed whole.
    /// </summary>
    private bool CanBuild => _views.All(view => _names.FindObject(view.Key).Members.All(m => PartialViews.MemberKind(m.Type) switch
    {
        PartialViews.Kind.Object => !(m.Type.IsNullable && m.Type.IsValueType),
        PartialViews.Kind.List => PartialViews.ElementKind(m.Type.Element!) != PartialViews.Kind.Object || !(m.Type.Element!.IsNullable && m.Type.Element.IsValueType),
        _ => true,
    }));

    private const string BoxedBuilder = "BuildFromPartialBoxed";

    // One builder per view: each member's value taken from the complete view (an object's and a list item's built by
    // their own builder), then the object constructed and checked exactly as its reader does.
    private void EmitBuilders(ReaderEmitter readers)
    {
        string root = _names.Model.Root.FullyQualifiedName;
        _w.Line($"// The root's value from its complete view, boxed for the shape.");
        _w.Open($"private static bool {BoxedBuilder}({PartialObject} view, {Context} context, out object? value)");
        _w.Line($"bool ok = {Builder(PartialViews.RootViewName)}(view, context, out {root} built);");
        _w.Line("value = built;");
        _w.Line("return ok;");
        _w.Close();
        _w.Line();
        foreach (var view in _views)
        {
            var o = _names.FindObject(view.Key);
            _w.Line($"// {o.Name} from its complete view");
            _w.Open($"private static bool {Builder(view.Value)}({PartialObject} view, {Context} context, out {o.FullyQualifiedName} value)");
            _w.Line("value = default!;");
            for (int i = 0; i < o.Members.Count; i++)
            {
                EmitTake(o.Members[i], i.ToString(CultureInfo.InvariantCulture));
            }

            _w.Line();
            readers.EmitConstruction(o);
            _w.Close();
            _w.Line();
        }
    }

    // The statements that set member m's local from slot i of the complete view.
    private void EmitTake(MemberModel m, string i)
    {
        string local = ReaderEmitter.Local(m);
        string type = ReaderEmitter.CSharpType(m.Type);
        switch (PartialViews.MemberKind(m.Type))
        {
            case PartialViews.Kind.Object:
                _w.Line($"{type} {local} = default!;");
                _w.Open($"if ({PartialValues}.Object(view, {i}) is {{ }} view{i} && !{Builder(_viewOf[m.Type.Target!])}(view{i}, context, out {local}))");
                _w.Line("return false;");
                _w.Close();
                break;
            case PartialViews.Kind.List:
                var element = m.Type.Element!;
                string items = "items" + i;
                if (PartialViews.ElementKind(element) == PartialViews.Kind.Object)
                {
                    _w.Open($"if (!{PartialValues}.List<{ReaderEmitter.CSharpType(element)}>(view, {i}, {Builder(_viewOf[element.Target!])}, context, out var {items}))");
                    _w.Line("return false;");
                    _w.Close();
                }
                else
                {
                    _w.Line($"var {items} = {PartialValues}.List<{ReaderEmitter.CSharpType(element)}>(view, {i});");
                }

                _w.Line($"{type} {local} = {Collection(m.Type, items)};");
                break;
            default:
                _w.Line($"{type} {local} = {PartialValues}.Member<{type}>(view, {i});");
                break;
        }
    }

    // The member's collection from the list of its items, as the collection's reader makes it from the list it reads.
    private static string Collection(TypeRef type, string items) => type.Collection switch
    {
        CollectionKind.Array => type.IsNullable ? $"{items}?.ToArray()" : $"{items}!.ToArray()",
        CollectionKind.ImmutableArray => type.IsNullable
            ? $"{items} is null ? null : global::System.Collections.Immutable.ImmutableArray.CreateRange({items})"
            : $"global::System.Collections.Immutable.ImmutableArray.CreateRange({items}!)",
        _ => type.IsNullable ? items : items + "!",
    };

    private static string Builder(string view) => "BuildFrom" + view;

    // A dictionary (keyed) or a set shown whole, whose entries are each read as they close; null for any other member.
    private static bool? EntriesKeyed(TypeRef type) => PartialViews.MemberKind(type) != PartialViews.Kind.Value || type.Element is null ? null : type.Collection switch
    {
        CollectionKind.Dictionary or CollectionKind.IDictionary or CollectionKind.IReadOnlyDictionary => true,
        CollectionKind.HashSet or CollectionKind.ISet => false,
        _ => null,
    };

    // A string item's reader is the element type's own (no checks: a list's rules are the list's), hence PlainText.
    private string Element(TypeRef element, string reader) => PartialViews.ElementKind(element) switch
    {
        PartialViews.Kind.Text => $"{PartialElement}.PlainText({reader})",
        PartialViews.Kind.Object => $"{PartialElement}.Object<{ReaderEmitter.CSharpType(element)}, {ViewType(element)}>({reader}, {Create(element)})",
        _ => $"{PartialElement}.Value<{ReaderEmitter.CSharpType(element)}>({reader})",
    };

    // The list's item type as PartialList shows it: the text so far, the item's view, or the element itself.
    private string ItemType(TypeRef element) => PartialViews.ElementKind(element) switch
    {
        PartialViews.Kind.Text => "string?",
        PartialViews.Kind.Object => ViewType(element) + (element.IsNullable ? "?" : string.Empty),
        _ => ReaderEmitter.CSharpType(element),
    };

    private string ViewType(TypeRef type) => _names.Model.Declaration.FullyQualifiedName + "." + _viewOf[type.Target!];

    private string Create(TypeRef type) => $"static () => new {ViewType(type)}()";

    private static string ShapeField(string view) => "ShapeOf" + view;

    private static string Bool(bool value) => value ? "true" : "false";
}
