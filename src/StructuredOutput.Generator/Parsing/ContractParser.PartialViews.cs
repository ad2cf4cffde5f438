using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using StructuredOutput.Generator.Diagnostics;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Parsing;

// The partial views for streaming are nested in the root type under the names Model/PartialViews.cs gives them; a
// member or nested type of the root with one of those names would clash with a view (LLMX017), so then no view is
// generated for the contract.
internal sealed partial class ContractParser
{
    // The generator's own output (the views themselves) is part of the compilation the analyzer sees; a declaration
    // there is no clash. Generated trees are named after the generator's type.
    private static readonly string GeneratorTypeName = typeof(LlmExtractGenerator).FullName!;

    private bool CheckPartialViewNames(ContractModel model)
    {
        foreach (var view in PartialViews.Names(model))
        {
            string name = view.Value;
            string of = model.Objects.First(o => o.FullyQualifiedName == view.Key).Name;
            if (_root.Name == name)
            {
                Report(DiagnosticDescriptors.PartialViewNameTaken, _rootLocation, _root.Name, name, "the type itself", of, "type");
                return false;
            }

            for (var type = _root; type is not null; type = type.BaseType)
            {
                foreach (var member in type.GetMembers(name))
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    bool inherited = !SymbolEqualityComparer.Default.Equals(type, _root);
                    if ((inherited && (member.DeclaredAccessibility == Accessibility.Private || IsView(member))) || IsGeneratedView(member))
                    {
                        continue; // a base contract's view is hidden by this one's (InheritedViewNames)
                    }

                    var location = inherited ? null : Declared(member);
                    string what = What(member);
                    Report(
                        DiagnosticDescriptors.PartialViewNameTaken,
                        location ?? _rootLocation,
                        _root.Name,
                        name,
                        (what == "event" ? "an " : "a ") + what + (inherited ? " inherited from '" + type.Name + "'" : string.Empty),
                        of,
                        what);
                    return false;
                }
            }
        }

        return true;
    }

    private const string PartialObjectMetadataName = "StructuredOutput.PartialObject";

    // The views of a contract this one derives from have the names this one's views would get for the same objects:
    // each is hidden with 'new'. A base in metadata, or seen by the analyzer, shows its views; a base contract of the
    // same compilation does not (the generator sees no generated code), so its view names are worked out from its
    // own objects, as its generated file will have them.
    private EquatableArray<string> InheritedViewNames(ContractModel model)
    {
        var mine = new HashSet<string>(PartialViews.Names(model).Select(v => v.Value), StringComparer.Ordinal);
        var hidden = new SortedSet<string>(StringComparer.Ordinal);
        for (var type = _root.BaseType; type is not null; type = type.BaseType)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            bool showsViews = false;
            foreach (var nested in type.GetTypeMembers())
            {
                if (IsView(nested) && nested.DeclaredAccessibility != Accessibility.Private)
                {
                    showsViews = true;
                    if (mine.Contains(nested.Name))
                    {
                        hidden.Add(nested.Name);
                    }
                }
            }

            if (!showsViews && type.DeclaringSyntaxReferences.Length > 0 && IsContract(type))
            {
                foreach (string name in ViewNamesOfBaseContract(type))
                {
                    if (mine.Contains(name))
                    {
                        hidden.Add(name);
                    }
                }
            }
        }

        return hidden.ToEquatableArray();
    }

    private static bool IsContract(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeMetadataName);

    // The view names the generator gives a base contract of this compilation: none when it has errors or a clash.
    private IEnumerable<string> ViewNamesOfBaseContract(INamedTypeSymbol type)
    {
        var parser = new ContractParser(type, null, _compilation, false, _cancellationToken);
        parser.AddObject(type, null);
        if (parser.HasErrors || parser._objects.Any(o => o is null))
        {
            return Array.Empty<string>();
        }

        var objects = parser._objects.Select(o => o!).ToEquatableArray();
        var names = PartialViews.Names(objects, type.Name).Select(v => v.Value).ToList();
        return parser.FindsClash(names) ? Array.Empty<string>() : names;
    }

    // Whether the root has a member of one of the names, as CheckPartialViewNames would report (without reporting).
    private bool FindsClash(IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            if (_root.Name == name)
            {
                return true;
            }

            for (var type = _root; type is not null; type = type.BaseType)
            {
                bool inherited = !SymbolEqualityComparer.Default.Equals(type, _root);
                if (type.GetMembers(name).Any(m => !((inherited && (m.DeclaredAccessibility == Accessibility.Private || IsView(m))) || IsGeneratedView(m))))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsView(ISymbol member)
    {
        if (member is not INamedTypeSymbol type)
        {
            return false;
        }

        for (var b = type.BaseType; b is not null; b = b.BaseType)
        {
            if (b.ToDisplayString() == PartialObjectMetadataName)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsGeneratedView(ISymbol member) =>
        member is INamedTypeSymbol && member.DeclaringSyntaxReferences.Length > 0
        && member.DeclaringSyntaxReferences.All(r => r.SyntaxTree.FilePath.IndexOf(GeneratorTypeName, StringComparison.Ordinal) >= 0);

    // The member's first location in a file of the user's own (not the generated one).
    private static Location? Declared(ISymbol member) =>
        member.Locations.FirstOrDefault(l => l.IsInSource && l.SourceTree?.FilePath.IndexOf(GeneratorTypeName, StringComparison.Ordinal) < 0);

    private static string What(ISymbol member) => member switch
    {
        INamedTypeSymbol => "nested type",
        IPropertySymbol => "property",
        IFieldSymbol => "field",
        IMethodSymbol => "method",
        IEventSymbol => "event",
        _ => "member",
    };
}
