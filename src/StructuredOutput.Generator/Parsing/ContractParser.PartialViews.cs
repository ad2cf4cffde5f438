using System;
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
                    if ((inherited && member.DeclaredAccessibility == Accessibility.Private) || IsGeneratedView(member))
                    {
                        continue;
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
