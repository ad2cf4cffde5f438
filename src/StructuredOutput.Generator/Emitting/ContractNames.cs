using System.Collections.Generic;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Facts about a contract that the emitters share: a unique short name per object and enum (two types named
/// <c>Item</c> in different namespaces become <c>Item</c> and <c>Item2</c>), how often each is used, and which objects
/// and unions are recursive.
/// </summary>
internal sealed class ContractNames
{
    private readonly Dictionary<string, string> _names = new();
    private readonly Dictionary<string, int> _uses = new();
    private readonly HashSet<string> _recursive = new();
    private readonly Dictionary<string, List<string>> _discriminators = new();

    public ContractNames(ContractModel model)
    {
        Model = model;
        var taken = new HashSet<string>();
        foreach (var o in model.Objects)
        {
            _names[o.FullyQualifiedName] = Unique(o.Name, taken);
        }

        foreach (var e in model.Enums)
        {
            _names[e.FullyQualifiedName] = Unique(e.Name, taken);
        }

        foreach (var u in model.Unions)
        {
            _names[UnionKey(u.FullyQualifiedName)] = Unique(u.Name, taken);
            foreach (var member in u.Members)
            {
                if (!_discriminators.TryGetValue(member.Target, out var list))
                {
                    _discriminators[member.Target] = list = new List<string>();
                }

                if (!list.Contains(u.DiscriminatorName))
                {
                    list.Add(u.DiscriminatorName);
                }
            }
        }

        foreach (var o in model.Objects)
        {
            foreach (var m in o.Members)
            {
                CountUses(m.Type);
            }
        }

        foreach (var o in model.Objects)
        {
            if (Reaches(o.FullyQualifiedName, o.FullyQualifiedName, new HashSet<string>()))
            {
                _recursive.Add(o.FullyQualifiedName);
            }
        }

        foreach (var u in model.Unions)
        {
            string key = UnionKey(u.FullyQualifiedName);
            if (ReachesThroughUnions(key, key, new HashSet<string>()))
            {
                _recursive.Add(key);
            }
        }
    }

    public ContractModel Model { get; }

    /// <summary>The unique short name of an object or enum.</summary>
    public string NameOf(string fullyQualifiedName) => _names[fullyQualifiedName];

    /// <summary>
    /// The unique short name of a union. A concrete base type that lists itself is both a union and an object, so
    /// unions are kept under keys of their own.
    /// </summary>
    public string NameOf(UnionModel union) => _names[UnionKey(union.FullyQualifiedName)];

    /// <summary>The unique short name of the object, enum or union a type refers to.</summary>
    public string NameOf(TypeRef type) => _names[Key(type)];

    /// <summary>How many members (at any depth of collections) use the type.</summary>
    public int UsesOf(string fullyQualifiedName) => _uses.TryGetValue(fullyQualifiedName, out int n) ? n : 0;

    /// <summary>
    /// Whether the object can contain itself through objects alone, or the union can contain itself through anything
    /// (a cycle that passes a union is closed by the union's <c>$ref</c>).
    /// </summary>
    public bool IsRecursive(string fullyQualifiedName) => _recursive.Contains(fullyQualifiedName);

    /// <summary>Whether the union's schema goes under <c>$defs</c> (used more than once, or recursive) rather than inline.</summary>
    public bool IsDefinition(UnionModel u) =>
        UsesOf(UnionKey(u.FullyQualifiedName)) > 1 || IsRecursive(UnionKey(u.FullyQualifiedName));

    /// <summary>
    /// The discriminator property names of the unions that list the object, which its reader accepts and skips (the
    /// union's reader has already read the value); empty for an object no union lists.
    /// </summary>
    public IReadOnlyList<string> DiscriminatorsOf(string fullyQualifiedName) =>
        _discriminators.TryGetValue(fullyQualifiedName, out var list) ? list : System.Array.Empty<string>();

    /// <summary>Whether the object's schema goes under <c>$defs</c> (used more than once, or recursive) rather than inline.</summary>
    public bool IsDefinition(ObjectModel o) =>
        o != Model.Root && (UsesOf(o.FullyQualifiedName) > 1 || IsRecursive(o.FullyQualifiedName));

    /// <summary>
    /// The field holding an enum's JSON names and values, which the reader and the writer share; unique names may
    /// differ only in case, so it keeps the name's case.
    /// </summary>
    public string EnumMapField(EnumModel e) => "s_" + NameOf(e.FullyQualifiedName) + "Names";

    public ObjectModel FindObject(string fullyQualifiedName)
    {
        foreach (var o in Model.Objects)
        {
            if (o.FullyQualifiedName == fullyQualifiedName)
            {
                return o;
            }
        }

        throw new KeyNotFoundException(fullyQualifiedName);
    }

    public UnionModel FindUnion(string fullyQualifiedName)
    {
        foreach (var u in Model.Unions)
        {
            if (u.FullyQualifiedName == fullyQualifiedName)
            {
                return u;
            }
        }

        throw new KeyNotFoundException(fullyQualifiedName);
    }

    public EnumModel FindEnum(string fullyQualifiedName)
    {
        foreach (var e in Model.Enums)
        {
            if (e.FullyQualifiedName == fullyQualifiedName)
            {
                return e;
            }
        }

        throw new KeyNotFoundException(fullyQualifiedName);
    }

    private static string Unique(string name, HashSet<string> taken)
    {
        string candidate = name;
        for (int i = 2; !taken.Add(candidate); i++)
        {
            candidate = name + i;
        }

        return candidate;
    }

    private void CountUses(TypeRef type)
    {
        if (type.Innermost.Target is not null)
        {
            string key = Key(type.Innermost);
            _uses[key] = UsesOf(key) + 1;
        }
    }

    private static string UnionKey(string fullyQualifiedName) => "union " + fullyQualifiedName;

    private static string Key(TypeRef type) => type.Kind == ValueKind.Union ? UnionKey(type.Target!) : type.Target!;

    private bool Reaches(string from, string target, HashSet<string> visited)
    {
        if (!visited.Add(from))
        {
            return false;
        }

        foreach (var m in FindObject(from).Members)
        {
            var t = m.Type.Innermost;
            if (t.Kind == ValueKind.Object && t.Target is { } next && (next == target || Reaches(next, target, visited)))
            {
                return true;
            }
        }

        return false;
    }

    // Whether 'from' (a union's key or an object's name) reaches 'target' through members of any kind.
    private bool ReachesThroughUnions(string from, string target, HashSet<string> visited)
    {
        if (!visited.Add(from))
        {
            return false;
        }

        var next = new List<string>();
        foreach (var u in Model.Unions)
        {
            if (UnionKey(u.FullyQualifiedName) == from)
            {
                foreach (var member in u.Members)
                {
                    next.Add(member.Target);
                }
            }
        }

        foreach (var o in Model.Objects)
        {
            if (o.FullyQualifiedName == from)
            {
                foreach (var m in o.Members)
                {
                    var t = m.Type.Innermost;
                    if (t.Kind is ValueKind.Object or ValueKind.Union)
                    {
                        next.Add(Key(t));
                    }
                }
            }
        }

        foreach (string n in next)
        {
            if (n == target || ReachesThroughUnions(n, target, visited))
            {
                return true;
            }
        }

        return false;
    }
}
