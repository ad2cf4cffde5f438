using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using StructuredOutput.Generator.Diagnostics;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Parsing;

// Provider schema dialects (LlmExtract.Dialects): what each cannot express (LLMX030) and what it states in words only
// (LLMX031), both by the one table in Model/SchemaDialects.cs, which the dialect emitter follows too.
internal sealed partial class ContractParser
{
    // The named dialects other than OpenAI's (always generated), each once, in enum order; a number that names no
    // dialect is left out.
    private static EquatableArray<DialectInfo> ReadDialects(ImmutableArray<TypedConstant> values)
    {
        var dialects = new SortedSet<Dialect>();
        foreach (var value in values)
        {
            if (value.Value is int n && SchemaDialects.IsDefined(n) && (Dialect)n != Dialect.OpenAI)
            {
                dialects.Add((Dialect)n);
            }
        }

        var rows = new List<DialectInfo>();
        foreach (var dialect in dialects)
        {
            rows.Add(SchemaDialects.Info(dialect));
        }

        return rows.ToEquatableArray();
    }

    private void CheckDialects(ContractModel model)
    {
        if (model.Dialects.Count == 0)
        {
            return;
        }

        var objects = new Dictionary<string, ObjectModel>();
        foreach (var o in model.Objects)
        {
            objects[o.FullyQualifiedName] = o;
        }

        foreach (var info in model.Dialects)
        {
            foreach (var o in model.Objects)
            {
                foreach (var m in o.Members)
                {
                    CheckDialectKeywords(info, o, m);
                }
            }

            if (info.RuleOf("$ref") == KeywordRule.Inline)
            {
                CheckInlining(info, model, objects);
            }
        }
    }

    private void CheckDialectKeywords(DialectInfo info, ObjectModel owner, MemberModel m)
    {
        _memberLocations.TryGetValue((owner.FullyQualifiedName, m.ClrName), out var location);
        string member = owner.Name + "." + m.ClrName;
        var reported = new HashSet<string>();
        TypeRef? type = m.Type;
        var constraints = m.Constraints;
        for (; type is not null; type = type.Element, constraints = null)
        {
            foreach (var (keyword, value) in SchemaDialects.KeywordsOf(type, constraints))
            {
                var rule = info.RuleOf(keyword);
                if (rule == KeywordRule.Reject)
                {
                    Report(
                        DiagnosticDescriptors.DialectCannotExpress,
                        location,
                        info.Name,
                        $"member '{m.ClrName}' of '{owner.Name}'",
                        $"it is a dictionary, and {info.Name}'s schema has no '{keyword}' for its values",
                        "use a List<T> of a record with a key and a value");
                    return;
                }

                string? constraint = rule == KeywordRule.Describe && !(keyword == "format" && info.Keeps(value))
                    ? (keyword == "format" ? $"'format: {value}'" : $"'{keyword}'")
                    : keyword == "enum" && value == "values" && info.StringEnumsOnly ? "'enum' of values that are not strings"
                    : null;
                if (constraint is not null && reported.Add(constraint))
                {
                    Report(DiagnosticDescriptors.DialectStatesInWords, location, info.Name, constraint, member);
                }
            }
        }
    }

    // A dialect without $ref inlines every object where it is used: a type that contains itself cannot be, and shared
    // types must not repeat without bound.
    private void CheckInlining(DialectInfo info, ContractModel model, Dictionary<string, ObjectModel> objects)
    {
        bool recursive = false;
        foreach (var o in model.Objects)
        {
            foreach (var m in o.Members)
            {
                var t = m.Type.Innermost;
                if (t.Kind == ValueKind.Object && t.Target is { } target
                    && (target == o.FullyQualifiedName || Reaches(target, o.FullyQualifiedName, objects, new HashSet<string>())))
                {
                    recursive = true;
                    _memberLocations.TryGetValue((o.FullyQualifiedName, m.ClrName), out var location);
                    Report(
                        DiagnosticDescriptors.DialectCannotExpress,
                        location,
                        info.Name,
                        $"member '{m.ClrName}' of '{o.Name}'",
                        $"through it '{o.Name}' contains itself, and {info.Name}'s schema has no '$ref', so every object is written out where it is used",
                        "replace the recursion with a fixed number of levels of distinct types");
                }
            }
        }

        if (recursive)
        {
            return;
        }

        long inlined = ObjectCount(model.Root, objects, new Dictionary<string, long>());
        if (inlined > SchemaDialects.MaxInlinedObjects)
        {
            Report(
                DiagnosticDescriptors.DialectCannotExpress,
                _rootLocation,
                info.Name,
                $"'{model.Root.Name}'",
                $"{info.Name}'s schema has no '$ref', and writing every shared type out where it is used repeats {inlined.ToString(CultureInfo.InvariantCulture)} object schemas, over the limit of {SchemaDialects.MaxInlinedObjects.ToString(CultureInfo.InvariantCulture)}",
                "share fewer nested types between members");
        }
    }

    private static bool Reaches(string from, string target, Dictionary<string, ObjectModel> objects, HashSet<string> visited)
    {
        if (!visited.Add(from) || !objects.TryGetValue(from, out var o))
        {
            return false;
        }

        foreach (var m in o.Members)
        {
            var t = m.Type.Innermost;
            if (t.Kind == ValueKind.Object && t.Target is { } next && (next == target || Reaches(next, target, objects, visited)))
            {
                return true;
            }
        }

        return false;
    }

    // How many object schemas the contract holds once every object is written out where it is used (no recursion).
    private static long ObjectCount(ObjectModel o, Dictionary<string, ObjectModel> objects, Dictionary<string, long> counted)
    {
        if (counted.TryGetValue(o.FullyQualifiedName, out long known))
        {
            return known;
        }

        long count = 1;
        foreach (var m in o.Members)
        {
            var t = m.Type.Innermost;
            if (t.Kind == ValueKind.Object && t.Target is { } target && objects.TryGetValue(target, out var child))
            {
                count += ObjectCount(child, objects, counted);
                if (count > int.MaxValue)
                {
                    break;
                }
            }
        }

        counted[o.FullyQualifiedName] = count;
        return count;
    }
}
