using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using StructuredOutput.Generator.Diagnostics;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Parsing;

// Unions: an abstract class, record or interface whose derived types are listed with System.Text.Json's
// [JsonDerivedType], told apart by the discriminator property named by [JsonPolymorphic] (default "$type").
internal sealed partial class ContractParser
{
    private const string PolymorphicAttribute = "System.Text.Json.Serialization.JsonPolymorphicAttribute";
    private const string DerivedTypeAttribute = "System.Text.Json.Serialization.JsonDerivedTypeAttribute";

    /// <summary>System.Text.Json's default discriminator property name.</summary>
    private const string DefaultDiscriminatorName = "$type";

    private readonly List<UnionModel?> _unions = new();
    private readonly Dictionary<string, int> _unionIndex = new(System.StringComparer.Ordinal);
    private readonly bool _findUnlistedTypes;

    /// <summary>Whether the type is a union: it carries <c>[JsonPolymorphic]</c> or <c>[JsonDerivedType]</c>.</summary>
    private static bool IsUnion(INamedTypeSymbol type) =>
        type.TypeKind is TypeKind.Class or TypeKind.Interface
        && type.GetAttributes().Any(a => IsAttribute(a, PolymorphicAttribute) || IsAttribute(a, DerivedTypeAttribute));

    // Registers a union and the object types it lists (once per union; a union may contain itself through its members).
    private void AddUnion(INamedTypeSymbol type, Location? usedAt)
    {
        // A member of type Shape? reaches here annotated; messages name the type itself.
        type = (INamedTypeSymbol)type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        string id = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (_unionIndex.ContainsKey(id))
        {
            return;
        }

        _cancellationToken.ThrowIfCancellationRequested();
        int index = _unions.Count;
        _unionIndex[id] = index;
        _unions.Add(null);

        string discriminatorName = DefaultDiscriminatorName;
        AttributeData? polymorphic = null;
        var listed = new List<AttributeData>();
        foreach (var attribute in type.GetAttributes())
        {
            if (IsAttribute(attribute, PolymorphicAttribute))
            {
                polymorphic = attribute;
                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "TypeDiscriminatorPropertyName" && argument.Value.Value is string name && name.Length > 0)
                    {
                        discriminatorName = name;
                    }
                }
            }
            else if (IsAttribute(attribute, DerivedTypeAttribute))
            {
                listed.Add(attribute);
            }
        }

        if (listed.Count == 0)
        {
            Report(DiagnosticDescriptors.EmptyUnion, AttributeLocation(polymorphic) ?? FirstLocation(type) ?? usedAt, Display(type));
            return;
        }

        var members = new List<UnionMemberModel>();
        var memberTypes = new List<INamedTypeSymbol>();
        bool ok = true;
        foreach (var attribute in listed)
        {
            var at = AttributeLocation(attribute) ?? FirstLocation(type) ?? usedAt;
            if (attribute.ConstructorArguments.Length == 0 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol derived)
            {
                ok = false; // typeof of something that is not a named type: the compiler reports it
                continue;
            }

            string? problem = MemberProblem(type, derived, memberTypes);
            if (problem is not null)
            {
                Report(DiagnosticDescriptors.InvalidDerivedType, at, Display(type), Display(derived), problem);
                ok = false;
                continue;
            }

            object? discriminator = attribute.ConstructorArguments.Length > 1 ? attribute.ConstructorArguments[1].Value : null;
            if (discriminator is not string text)
            {
                string what = discriminator is null ? "no discriminator" : $"the non-string discriminator {discriminator}";
                Report(DiagnosticDescriptors.DiscriminatorNotString, at, Display(type), Display(derived), what, JsonNaming.ToCamelCase(derived.Name));
                ok = false;
                continue;
            }

            var same = members.FindIndex(m => m.Discriminator == text);
            if (same >= 0)
            {
                Report(DiagnosticDescriptors.DuplicateDiscriminator, at, Display(type), text, Display(memberTypes[same]), Display(derived));
                ok = false;
                continue;
            }

            memberTypes.Add(derived);
            members.Add(new UnionMemberModel(text, derived.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
            AddObject(derived, at);
        }

        if (_findUnlistedTypes)
        {
            ReportUnlistedTypes(type, listed);
        }

        if (ok)
        {
            _unions[index] = new UnionModel(id, type.Name, DescriptionOf(type), discriminatorName, members.ToEquatableArray());
        }
    }

    // Why a listed type cannot be a member of the union, or null when it can.
    private string? MemberProblem(INamedTypeSymbol union, INamedTypeSymbol derived, List<INamedTypeSymbol> listedBefore)
    {
        // A concrete base type may list itself, as System.Text.Json allows: its own objects are then one of the shapes.
        bool itself = SymbolEqualityComparer.Default.Equals(derived, union);
        if (!itself && !DerivesFrom(derived, union))
        {
            return $"it does not derive from '{Display(union)}'; list only types that do";
        }

        if (derived.TypeKind == TypeKind.Interface || derived.IsAbstract)
        {
            return $"it is {(derived.TypeKind == TypeKind.Interface ? "an interface" : "abstract")}, so no value of it could be created; list its concrete types on '{Display(union)}' instead";
        }

        if (derived.IsGenericType)
        {
            return "it is generic; list a non-generic record or class";
        }

        if (listedBefore.Any(t => SymbolEqualityComparer.Default.Equals(t, derived)))
        {
            return "it is listed twice; list it once";
        }

        return null;
    }

    private static bool DerivesFrom(INamedTypeSymbol derived, INamedTypeSymbol union)
    {
        if (SymbolEqualityComparer.Default.Equals(derived, union))
        {
            return false;
        }

        if (union.TypeKind == TypeKind.Interface)
        {
            return derived.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, union));
        }

        for (var t = derived.BaseType; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, union))
            {
                return true;
            }
        }

        return false;
    }

    // LLMX020, for the analyzer only (it looks at every type of the compilation): concrete types of the hierarchy that
    // the union does not list.
    private void ReportUnlistedTypes(INamedTypeSymbol union, List<AttributeData> listed)
    {
        var listedTypes = new HashSet<ISymbol>(
            listed.Select(a => a.ConstructorArguments.Length > 0 ? a.ConstructorArguments[0].Value as ISymbol : null).Where(t => t is not null)!,
            SymbolEqualityComparer.Default);
        foreach (var symbol in _compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type, _cancellationToken))
        {
            // An open generic type cannot be listed as it is (a closed one can, and LLMX021 explains why not).
            if (symbol is INamedTypeSymbol { IsAbstract: false, Arity: 0, TypeKind: TypeKind.Class or TypeKind.Struct } candidate
                && !listedTypes.Contains(candidate)
                && DerivesFrom(candidate, union))
            {
                Report(DiagnosticDescriptors.UnlistedDerivedType, FirstLocation(candidate), Display(candidate), Display(union), JsonNaming.ToCamelCase(candidate.Name));
            }
        }
    }

    // After every type is read: a member of a listed type must not take the discriminator's JSON name.
    private void CheckDiscriminatorCollisions()
    {
        foreach (var union in _unions)
        {
            if (union is null)
            {
                continue;
            }

            foreach (var member in union.Members)
            {
                if (!_objectIndex.TryGetValue(member.Target, out int at) || _objects[at] is not { } o)
                {
                    continue;
                }

                foreach (var m in o.Members)
                {
                    if (m.JsonName == union.DiscriminatorName)
                    {
                        _memberLocations.TryGetValue((o.FullyQualifiedName, m.ClrName), out var location);
                        Report(DiagnosticDescriptors.DiscriminatorCollision, location, m.ClrName, o.Name, m.JsonName, union.Name);
                    }
                }
            }
        }
    }

    private Location? AttributeLocation(AttributeData? attribute) =>
        attribute?.ApplicationSyntaxReference?.GetSyntax(_cancellationToken).GetLocation();
}
