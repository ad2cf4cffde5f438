using System.Collections.Generic;

namespace StructuredOutput.Generator.Model;

/// <summary>
/// Which object types of a contract get a generated partial view for streaming, and the view's name: the root's is
/// <c>Partial</c>, every other object reachable from the root through object members and list elements gets
/// <c>{SimpleName}Partial</c> (a numeric suffix tells equal simple names apart, in the order of the contract's
/// objects). Objects reached only through a value shown whole (a union, a dictionary, a set, a nested list) get none.
/// The parser uses the names to find clashes with the root type's own members, the emitters to write the views.
/// </summary>
internal static class PartialViews
{
    /// <summary>The root view's name.</summary>
    public const string RootViewName = "Partial";

    /// <summary>How a member or list element fills in while the answer streams (mirrors the runtime's PartialKind).</summary>
    public enum Kind
    {
        Value,
        Text,
        Object,
        List,
    }

    /// <summary>The view name of each object type that gets one (keyed by its fully qualified name), in the contract's object order.</summary>
    /// <param name="model">The contract.</param>
    /// <returns>The names, the root's <see cref="RootViewName"/>; none while a member has no name (a syntax error).</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> Names(ContractModel model) => Names(model.Objects, model.Declaration.Name);

    /// <inheritdoc cref="Names(ContractModel)"/>
    /// <param name="objects">The contract's object types, the root first.</param>
    /// <param name="rootTypeName">The root type's C# name (a view may not be named like the type it is nested in).</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Names(EquatableArray<ObjectModel> objects, string rootTypeName)
    {
        var byName = new Dictionary<string, ObjectModel>();
        foreach (var o in objects)
        {
            byName[o.FullyQualifiedName] = o;
        }

        var reached = new HashSet<string>();
        var pending = new Stack<ObjectModel>();
        reached.Add(objects[0].FullyQualifiedName);
        pending.Push(objects[0]);
        while (pending.Count > 0)
        {
            foreach (var m in pending.Pop().Members)
            {
                if (m.ClrName.Length == 0)
                {
                    return new List<KeyValuePair<string, string>>(); // code that does not parse yet: a member without a name
                }

                var kind = MemberKind(m.Type);
                var target = kind == Kind.Object ? m.Type : kind == Kind.List && ElementKind(m.Type.Element!) == Kind.Object ? m.Type.Element : null;
                if (target?.Target is { } next && reached.Add(next) && byName.TryGetValue(next, out var o))
                {
                    pending.Push(o);
                }
            }
        }

        var taken = new HashSet<string> { rootTypeName, RootViewName };
        var names = new List<KeyValuePair<string, string>>();
        foreach (var o in objects)
        {
            if (!reached.Contains(o.FullyQualifiedName))
            {
                continue;
            }

            if (o == objects[0])
            {
                names.Add(new KeyValuePair<string, string>(o.FullyQualifiedName, RootViewName));
                continue;
            }

            // A view may not be named like one of its own properties either (CS0542).
            string candidate = o.Name + "Partial";
            for (int i = 2; HasMember(o, candidate) || !taken.Add(candidate); i++)
            {
                candidate = o.Name + "Partial" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            names.Add(new KeyValuePair<string, string>(o.FullyQualifiedName, candidate));
        }

        return names;
    }

    private static bool HasMember(ObjectModel o, string name)
    {
        foreach (var m in o.Members)
        {
            if (m.ClrName == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How a member of <paramref name="type"/> fills in.</summary>
    public static Kind MemberKind(TypeRef type) => type.Kind switch
    {
        ValueKind.String => Kind.Text,
        ValueKind.Object => Kind.Object,
        ValueKind.Collection when IsList(type.Collection) => Kind.List,
        _ => Kind.Value,
    };

    /// <summary>How an element of a list fills in: a nested list is shown whole.</summary>
    public static Kind ElementKind(TypeRef element) => element.Kind switch
    {
        ValueKind.String => Kind.Text,
        ValueKind.Object => Kind.Object,
        _ => Kind.Value,
    };

    private static bool IsList(CollectionKind collection) => collection is CollectionKind.Array or CollectionKind.List
        or CollectionKind.IList or CollectionKind.IReadOnlyList or CollectionKind.ICollection or CollectionKind.IReadOnlyCollection
        or CollectionKind.IEnumerable or CollectionKind.ImmutableArray;
}
