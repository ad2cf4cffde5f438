using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using StructuredOutput.Generator.Diagnostics;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Parsing;

// Strict json_schema mode: OpenAI's limits, and the keywords its strict subset does not enforce.
internal sealed partial class ContractParser
{
    /// <summary>OpenAI's limits on a strict schema (Structured Outputs guide).</summary>
    internal const int MaxStrictProperties = 5000;
    internal const int MaxStrictNesting = 10;
    internal const int MaxStrictEnumValues = 1000;
    internal const int MaxStrictNameCharacters = 120000;

    private void CheckStrict(ContractModel model)
    {
        var objects = new Dictionary<string, ObjectModel>();
        foreach (var o in model.Objects)
        {
            objects[o.FullyQualifiedName] = o;
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
                var t = m.Type;
                while (t.Element is { } element)
                {
                    t = element;
                }

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

        string root = model.Declaration.Name;
        int depth = Depth(model.Root, objects, new HashSet<string>());
        if (properties > MaxStrictProperties)
        {
            Report(DiagnosticDescriptors.StrictLimitExceeded, _rootLocation, root, $"{properties} object properties", MaxStrictProperties.ToString(CultureInfo.InvariantCulture));
        }

        if (depth > MaxStrictNesting)
        {
            Report(DiagnosticDescriptors.StrictLimitExceeded, _rootLocation, root, $"{depth} levels of nested objects", MaxStrictNesting.ToString(CultureInfo.InvariantCulture));
        }

        if (enumValues > MaxStrictEnumValues)
        {
            Report(DiagnosticDescriptors.StrictLimitExceeded, _rootLocation, root, $"{enumValues} enum values", MaxStrictEnumValues.ToString(CultureInfo.InvariantCulture));
        }

        if (characters > MaxStrictNameCharacters)
        {
            Report(DiagnosticDescriptors.StrictLimitExceeded, _rootLocation, root, $"{characters} characters of property names, definition names and enum values", MaxStrictNameCharacters.ToString(CultureInfo.InvariantCulture));
        }
    }

    // Nesting of object levels from the root; a recursive reference goes through $ref and does not add levels.
    private static int Depth(ObjectModel o, Dictionary<string, ObjectModel> objects, HashSet<string> path)
    {
        if (!path.Add(o.FullyQualifiedName))
        {
            return 0;
        }

        int deepest = 0;
        foreach (var m in o.Members)
        {
            var t = m.Type;
            while (t.Element is { } element)
            {
                t = element;
            }

            if (t.Kind == ValueKind.Object && objects.TryGetValue(t.Target!, out var child))
            {
                int d = Depth(child, objects, path);
                if (d > deepest)
                {
                    deepest = d;
                }
            }
        }

        path.Remove(o.FullyQualifiedName);
        return deepest + 1;
    }

    private void CheckStrictKeywords(ObjectModel owner, MemberModel m)
    {
        _memberLocations.TryGetValue((owner.FullyQualifiedName, m.ClrName), out var location);
        string member = owner.Name + "." + m.ClrName;
        foreach (string keyword in StrictUnenforced(m))
        {
            Report(DiagnosticDescriptors.StrictKeywordNotEnforced, location, keyword, member);
        }
    }

    /// <summary>The constraints of a member that the strict subset leaves out (the client still checks them).</summary>
    internal static IEnumerable<string> StrictUnenforced(MemberModel m)
    {
        var type = m.Type.AsNonNullable();
        var c = m.Constraints;
        if (type.Kind == ValueKind.String && c is not null && (c.HasLength || c.NotEmpty))
        {
            yield return "string length (minLength/maxLength)";
        }

        if (type.Kind == ValueKind.Char)
        {
            yield return "a one-character string (minLength/maxLength)";
        }

        if (type.Kind == ValueKind.Uri || (c?.Url ?? false))
        {
            yield return "format 'uri'";
        }

        if (type.Collection is CollectionKind.HashSet or CollectionKind.ISet)
        {
            yield return "unique items (uniqueItems)";
        }

        if (c is not null && c.Denied.Count > 0)
        {
            yield return "denied values (not)";
        }
    }
}
