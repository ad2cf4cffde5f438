using System.Collections.Generic;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Facts about a contract that the emitters share: a unique short name per object and enum (two types named
/// <c>Item</c> in different namespaces become <c>Item</c> and <c>Item2</c>), how often each is used, and which objects
/// are recursive.
/// </summary>
internal sealed class ContractNames
{
    private readonly Dictionary<string, string> _names = new();
    private readonly Dictionary<string, int> _uses = new();
    private readonly HashSet<string> _recursive = new();

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
    }

    public ContractModel Model { get; }

    /// <summary>The unique short name of an object or enum.</summary>
    public string NameOf(string fullyQualifiedName) => _names[fullyQualifiedName];

    /// <summary>How many members (at any depth of collections) use the type.</summary>
    public int UsesOf(string fullyQualifiedName) => _uses.TryGetValue(fullyQualifiedName, out int n) ? n : 0;

    /// <summary>Whether the object can contain itself.</summary>
    public bool IsRecursive(string fullyQualifiedName) => _recursive.Contains(fullyQualifiedName);

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
        if (type.Innermost.Target is { } target)
        {
            _uses[target] = UsesOf(target) + 1;
        }
    }

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
}
