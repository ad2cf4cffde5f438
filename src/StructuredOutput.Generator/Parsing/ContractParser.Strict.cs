using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using StructuredOutput.Generator.Diagnostics;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Parsing;

// Strict json_schema mode: OpenAI's limits, and the constraints its strict subset does not enforce (both tabled in
// Model/StrictMode.cs, which the schema emitter follows too). They apply wherever the strict schema is sent: in strict
// json_schema mode, and in tool-call mode as a strict function, unless the type has a dictionary (it then has no strict
// schema, and tool-call mode sends the plain one, not strict).
internal sealed partial class ContractParser
{
    private static bool HasDictionary(ContractModel model)
    {
        foreach (var o in model.Objects)
        {
            foreach (var m in o.Members)
            {
                if (m.Type.ContainsDictionary)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void CheckStrict(ContractModel model)
    {
        var objects = new Dictionary<string, ObjectModel>();
        foreach (var o in model.Objects)
        {
            objects[o.FullyQualifiedName] = o;
        }

        var unions = new Dictionary<string, UnionModel>();
        foreach (var u in model.Unions)
        {
            unions[u.FullyQualifiedName] = u;
        }

        var enums = new Dictionary<string, EnumModel>();
        foreach (var e in model.Enums)
        {
            enums[e.FullyQualifiedName] = e;
        }

        int properties = 0;
        int enumValues = 0;
        long characters = 0;
        foreach (var o in model.Objects)
        {
            characters += o.Name.Length;
            foreach (var m in o.Members)
            {
                properties++;
                characters += m.JsonName.Length;
                var t = m.Type.Innermost;
                if (t.Kind == ValueKind.Enum && enums.TryGetValue(t.Target!, out var e))
                {
                    enumValues += e.Members.Count;
                    foreach (var value in e.Members)
                    {
                        characters += value.JsonName.Length;
                    }
                }

                CheckStrictKeywords(o, m);
            }
        }

        foreach (var u in model.Unions)
        {
            // Each listed type's object states the discriminator as one more property.
            properties += u.Members.Count;
            characters += u.Name.Length;
            foreach (var member in u.Members)
            {
                characters += u.DiscriminatorName.Length + member.Discriminator.Length;
            }
        }

        string root = model.Declaration.Name;
        int depth = Depth(model.Root, objects, unions, new HashSet<string>());
        if (properties > StrictMode.MaxProperties)
        {
            Report(DiagnosticDescriptors.StrictLimitExceeded, _rootLocation, root, $"{properties} object properties", StrictMode.MaxProperties.ToString(CultureInfo.InvariantCulture));
        }

        if (depth > StrictMode.MaxNesting)
        {
            Report(DiagnosticDescriptors.StrictLimitExceeded, _rootLocation, root, $"{depth} levels of nested objects", StrictMode.MaxNesting.ToString(CultureInfo.InvariantCulture));
        }

        if (enumValues > StrictMode.MaxEnumValues)
        {
            Report(DiagnosticDescriptors.StrictLimitExceeded, _rootLocation, root, $"{enumValues} enum values", StrictMode.MaxEnumValues.ToString(CultureInfo.InvariantCulture));
        }

        if (characters > StrictMode.MaxNameCharacters)
        {
            Report(DiagnosticDescriptors.StrictLimitExceeded, _rootLocation, root, $"{characters} characters of property names, definition names and enum values", StrictMode.MaxNameCharacters.ToString(CultureInfo.InvariantCulture));
        }
    }

    // Nesting of object levels from the root; a recursive reference goes through $ref and does not add levels. A union
    // stands at the level of its deepest listed type.
    private static int Depth(ObjectModel o, Dictionary<string, ObjectModel> objects, Dictionary<string, UnionModel> unions, HashSet<string> path)
    {
        if (!path.Add(o.FullyQualifiedName))
        {
            return 0;
        }

        int deepest = 0;
        foreach (var m in o.Members)
        {
            var t = m.Type.Innermost;
            var children = new List<ObjectModel>();
            if (t.Kind == ValueKind.Object && objects.TryGetValue(t.Target!, out var child))
            {
                children.Add(child);
            }
            else if (t.Kind == ValueKind.Union && unions.TryGetValue(t.Target!, out var union) && !path.Contains("union " + union.FullyQualifiedName))
            {
                foreach (var member in union.Members)
                {
                    if (objects.TryGetValue(member.Target, out var listed))
                    {
                        children.Add(listed);
                    }
                }
            }

            // A union on the path is a $ref back to it, like a recursive object (kept apart from objects: a concrete
            // base type that lists itself is both).
            string unionKey = "union " + t.Target;
            bool viaUnion = t.Kind == ValueKind.Union && path.Add(unionKey);
            foreach (var c in children)
            {
                int d = Depth(c, objects, unions, path);
                if (d > deepest)
                {
                    deepest = d;
                }
            }

            if (viaUnion)
            {
                path.Remove(unionKey);
            }
        }

        path.Remove(o.FullyQualifiedName);
        return deepest + 1;
    }

    private void CheckStrictKeywords(ObjectModel owner, MemberModel m)
    {
        _memberLocations.TryGetValue((owner.FullyQualifiedName, m.ClrName), out var location);
        string member = owner.Name + "." + m.ClrName;
        foreach (var gap in StrictMode.GapsOf(m))
        {
            Report(DiagnosticDescriptors.StrictKeywordNotEnforced, location, StrictMode.Info(gap).Constraint, member);
        }
    }
}
