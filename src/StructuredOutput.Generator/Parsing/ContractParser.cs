using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StructuredOutput.Generator.Diagnostics;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Parsing;

/// <summary>
/// The outcome of reading one <c>[LlmExtract]</c> type for the generator: a model when the type is valid (no
/// error-severity diagnostic), and only the internal-error diagnostic if reading failed. Every other diagnostic is
/// reported by <see cref="Diagnostics.LlmExtractAnalyzer"/>, which runs the same parser.
/// </summary>
internal sealed record ParseOutcome(ContractModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Turns an <c>[LlmExtract]</c> type symbol into a <see cref="ContractModel"/>: walks its members and the types they
/// reach, reads names, descriptions, nullability and validation attributes, and reports what cannot be part of a
/// contract. The generator and the analyzer both use it, so they cannot disagree about a type.
/// </summary>
internal sealed partial class ContractParser
{
    public const string AttributeMetadataName = "StructuredOutput.LlmExtractAttribute";

    private readonly INamedTypeSymbol _root;
    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly List<Diagnostic> _diagnostics = new();
    private readonly List<ObjectModel?> _objects = new();
    private readonly Dictionary<string, int> _objectIndex = new(StringComparer.Ordinal);
    private readonly List<EnumModel> _enums = new();
    private readonly HashSet<string> _enumNames = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Owner, string Member), Location?> _memberLocations = new();
    private readonly Location? _rootLocation;
    private ContractMode _mode;
    private readonly Dictionary<ISymbol, XElement?> _docs = new(SymbolEqualityComparer.Default);

    private ContractParser(INamedTypeSymbol root, Location? rootLocation, Compilation compilation, bool findUnlistedTypes, CancellationToken cancellationToken)
    {
        _root = root;
        _findUnlistedTypes = findUnlistedTypes;
        _rootLocation = rootLocation;
        _compilation = compilation;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The model, or null when the type has errors; and every diagnostic found, with its source location.</summary>
    public sealed record Result(ContractModel? Model, IReadOnlyList<Diagnostic> Diagnostics);

    /// <summary>
    /// Reads the type for the generator, turning an unexpected failure into an LLMX000 diagnostic: the generator must
    /// never throw (a thrown exception would surface as CS8785 and drop every other contract in the compilation).
    /// </summary>
    public static ParseOutcome ParseSafely(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax syntax)
            {
                return new ParseOutcome(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            var result = Parse(type, syntax, context.SemanticModel.Compilation, cancellationToken);
            return new ParseOutcome(result?.Model, EquatableArray<DiagnosticInfo>.Empty);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var location = LocationInfo.From((context.TargetNode as TypeDeclarationSyntax)?.Identifier.GetLocation());
            var arguments = new[] { context.TargetSymbol.Name, e.GetType().Name + ": " + e.Message }.ToEquatableArray();
            return new ParseOutcome(null, new[] { new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, location, arguments) }.ToEquatableArray());
        }
    }

    /// <summary>
    /// Reads <paramref name="type"/> as declared by <paramref name="syntax"/>. Returns null when this declaration is not
    /// the one that carries the type's first <c>[LlmExtract]</c> (a type is read once, however many parts it has).
    /// With <paramref name="findUnlistedTypes"/> (the analyzer), it also looks through every type of the compilation
    /// for concrete types that derive from a union without being listed (LLMX020); the generator skips that search.
    /// </summary>
    public static Result? Parse(INamedTypeSymbol type, TypeDeclarationSyntax syntax, Compilation compilation, CancellationToken cancellationToken, bool findUnlistedTypes = false)
    {
        // [LlmExtract] on several partial declarations of one type (an error, CS0579) reaches here once per declaration;
        // only the declaration holding the first one goes on, so the contract is generated at most once.
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeMetadataName);
        if (attribute?.ApplicationSyntaxReference is { } reference
            && !(reference.SyntaxTree == syntax.SyntaxTree && syntax.AttributeLists.Any(l => l.Span.Contains(reference.Span))))
        {
            return null;
        }

        var parser = new ContractParser(type, syntax.Identifier.GetLocation(), compilation, findUnlistedTypes, cancellationToken);
        var model = parser.Run(syntax, attribute);
        return new Result(model, parser._diagnostics);
    }

    private ContractModel? Run(TypeDeclarationSyntax syntax, AttributeData? attribute)
    {
        string? instructions = null;
        string? name = null;
        var dialects = EquatableArray<DialectInfo>.Empty;
        if (attribute is not null)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "Instructions" && argument.Value.Value is string i)
                {
                    instructions = i;
                }
                else if (argument.Key == "Name" && argument.Value.Value is string n)
                {
                    name = n;
                }
                else if (argument.Key == "Mode" && argument.Value.Value is int mode)
                {
                    _mode = (ContractMode)mode;
                }
                else if (argument.Key == "Dialects" && argument.Value.Kind == TypedConstantKind.Array && !argument.Value.IsNull)
                {
                    dialects = ReadDialects(argument.Value.Values);
                }
            }
        }

        if (name is not null && !SchemaNames.IsValid(name))
        {
            var nameLocation = attribute?.ApplicationSyntaxReference?.GetSyntax(_cancellationToken).GetLocation();
            Report(DiagnosticDescriptors.InvalidSchemaName, nameLocation, name);
        }

        if (!CheckRootDeclaration(syntax))
        {
            return Done(null);
        }

        var declaration = ReadDeclaration(syntax);
        AddObject(_root, _rootLocation);
        CheckDiscriminatorCollisions();
        if (HasErrors || _objects.Any(o => o is null) || _unions.Any(u => u is null))
        {
            return Done(null);
        }

        var model = new ContractModel(
            declaration,
            string.IsNullOrWhiteSpace(name) ? _root.Name : name!,
            string.IsNullOrWhiteSpace(instructions) ? null : instructions,
            _objects.Select(o => o!).ToEquatableArray(),
            _enums.ToEquatableArray(),
            _unions.Select(u => u!).ToEquatableArray(),
            _mode,
            dialects,
            syntax.SyntaxTree.Options is CSharpParseOptions options ? options.LanguageVersion : LanguageVersion.Default);
        if (_mode == ContractMode.StrictJsonSchema || (_mode == ContractMode.ToolCall && !HasDictionary(model)))
        {
            CheckStrict(model);
        }

        CheckDialects(model);
        model = CheckPartialViewNames(model)
            ? model with { InheritedViewNames = InheritedViewNames(model) }
            : model with { HasPartialViews = false };

        return Done(model);
    }

    private bool _hasErrorTypes;

    private bool HasErrors => _hasErrorTypes || _diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    private static bool ContainsErrorType(ITypeSymbol type) => type switch
    {
        { TypeKind: TypeKind.Error } => true,
        IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
        INamedTypeSymbol { IsGenericType: true } named => named.TypeArguments.Any(ContainsErrorType),
        _ => false,
    };

    private ContractModel? Done(ContractModel? model) => HasErrors ? null : model;

    private bool CheckRootDeclaration(TypeDeclarationSyntax syntax)
    {
        bool ok = true;
        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            Report(DiagnosticDescriptors.MustBePartial, _rootLocation, _root.Name, string.Empty);
            ok = false;
        }

        for (var outer = _root.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            bool partial = outer.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(_cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                // Reported on the containing type's own name, which is what needs the modifier (docs/diagnostics.md).
                Report(DiagnosticDescriptors.MustBePartial, FirstLocation(outer) ?? _rootLocation, outer.Name, $" (it contains '{_root.Name}')");
                ok = false;
            }
        }

        for (var t = _root; t is not null; t = t.ContainingType)
        {
            // Arity, not IsGenericType: the latter is also true for a type nested in a generic type, which would name
            // the wrong type in the message.
            if (t.Arity > 0)
            {
                Report(DiagnosticDescriptors.GenericType, _rootLocation, Display(t));
                ok = false;
                break;
            }
        }

        return ok;
    }

    private TypeDeclarationModel ReadDeclaration(TypeDeclarationSyntax syntax)
    {
        var containing = new List<ContainingTypeModel>();
        for (var outer = _root.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, new ContainingTypeModel(Keyword(outer), outer.Name));
        }

        string? ns = _root.ContainingNamespace is { IsGlobalNamespace: false } n
            ? n.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted))
            : null;
        string fullName = _root.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        string hint = HintName(_root.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
            .Replace("global::", string.Empty)
            .Replace('<', '{')
            .Replace('>', '}')) + ".LlmContract.g.cs";
        return new TypeDeclarationModel(ns, containing.ToEquatableArray(), Keyword(_root), _root.Name, fullName, hint);
    }

    // A hint name may hold letters, digits and a few punctuation characters only: '@' of an escaped keyword
    // (`record @event`) or a formatting character in an identifier would make AddSource throw.
    private static string HintName(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (c == '@')
            {
                continue;
            }

            sb.Append(char.IsLetterOrDigit(c) || c is '.' or '_' or '{' or '}' or ',' ? c : '_');
        }

        return sb.ToString();
    }

    private static string Keyword(INamedTypeSymbol type) => (type.IsRecord, type.TypeKind) switch
    {
        (true, TypeKind.Struct) => "record struct",
        (true, _) => "record",
        (false, TypeKind.Struct) => "struct",
        (false, TypeKind.Interface) => "interface",
        _ => "class",
    };

    // Registers an object type and reads its members (once per type; recursion is allowed).
    private void AddObject(INamedTypeSymbol type, Location? usedAt)
    {
        string id = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (_objectIndex.ContainsKey(id))
        {
            return;
        }

        _cancellationToken.ThrowIfCancellationRequested();
        int index = _objects.Count;
        _objectIndex[id] = index;
        _objects.Add(null);

        if (!CheckAccessible(type, usedAt) || !CheckConstructible(type, usedAt) || ChooseConstructor(type, usedAt) is not { } constructor)
        {
            return;
        }

        var members = ReadMembers(type, id, constructor, usedAt);
        if (!constructor.GetAttributes().Any(a => IsAttribute(a, "System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute")))
        {
            CheckRequiredMembersAreRead(type, members, usedAt);
        }

        CheckJsonNamesAreUnique(type, id, members, usedAt);
        bool validatable = type.AllInterfaces.Any(i => i.ToDisplayString() == "System.ComponentModel.DataAnnotations.IValidatableObject");
        _objects[index] = new ObjectModel(id, type.Name, DescriptionOf(type), members.ToEquatableArray(), validatable);
    }

    private bool CheckConstructible(INamedTypeSymbol type, Location? usedAt)
    {
        if (type.IsAbstract || type.IsStatic || type.IsRefLikeType || type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            string why = IsUnion(type) ? $"it is a union ([JsonDerivedType]), and the answer is one object of a fixed shape; extract a record with a member of type '{Display(type)}' instead"
                : type.TypeKind == TypeKind.Interface ? "it is an interface; use a concrete record or class"
                : type.IsRefLikeType ? "it is a ref struct; use a struct or record"
                : type.IsStatic ? "it is static"
                : "it is abstract; use a concrete record or class, or make it a union by listing its derived types with [JsonDerivedType(typeof(T), \"name\")]";
            Report(DiagnosticDescriptors.CannotConstruct, usedAt ?? FirstLocation(type), Display(type), why);
            return false;
        }

        return true;
    }

    // The data members of a type, each matched with the constructor parameter it is passed as (if any); a parameter
    // that no member matches is reported.
    private List<MemberModel> ReadMembers(INamedTypeSymbol type, string id, IMethodSymbol constructor, Location? usedAt)
    {
        var members = new List<MemberModel>();
        var parameters = constructor.Parameters;
        var parameterUsed = new bool[parameters.Length];
        foreach (var property in DataProperties(type))
        {
            int parameterIndex = ParameterOf(property, parameters);
            bool settable = property.SetMethod is { } setter && IsAccessible(setter) && !IsObsoleteError(property);
            if (parameterIndex < 0 && !settable)
            {
                // A computed property (expression body, or a getter with no backing field) is not data. A get-only
                // auto-property is data that nothing could set.
                if (IsAutoProperty(property))
                {
                    Report(
                        DiagnosticDescriptors.CannotConstruct,
                        FirstLocation(property) ?? usedAt,
                        Display(type),
                        $"property '{property.Name}' has no accessible setter and no constructor parameter, so it cannot be read from JSON; add a constructor parameter named '{JsonNaming.ToCamelCase(property.Name)}', give it an init accessor, or mark it [JsonIgnore]");
                }

                continue;
            }

            if (parameterIndex >= 0)
            {
                parameterUsed[parameterIndex] = true;
            }

            var member = ReadMember(type, id, property, parameterIndex >= 0 ? parameters[parameterIndex] : null, parameterIndex, usedAt);
            if (member is not null)
            {
                members.Add(member);
            }
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            if (!parameterUsed[i])
            {
                Report(
                    DiagnosticDescriptors.CannotConstruct,
                    FirstLocation(parameters[i]) ?? usedAt,
                    Display(type),
                    $"constructor parameter '{parameters[i].Name}' matches no public property (of that name and a type that converts to the parameter's); add a property of that name or mark another constructor [JsonConstructor]");
            }
        }

        return members;
    }

    // The constructor parameter a property is passed as: same name in any case, and a type the value converts to.
    private int ParameterOf(IPropertySymbol property, ImmutableArray<IParameterSymbol> parameters)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (string.Equals(parameters[i].Name, property.Name, StringComparison.OrdinalIgnoreCase)
                && Converts(property.Type, parameters[i].Type))
            {
                return i;
            }
        }

        return -1;
    }

    // One data member: its type, constraints, JSON name, description and default; null when its type is unsupported.
    private MemberModel? ReadMember(INamedTypeSymbol type, string id, IPropertySymbol property, IParameterSymbol? parameter, int parameterIndex, Location? usedAt)
    {
        var memberLocation = FirstLocation(property) ?? (parameter is null ? null : FirstLocation(parameter)) ?? usedAt;
        var typeRef = Classify(property.Type, property.NullableAnnotation, property, type, memberLocation);
        if (typeRef is null)
        {
            return null;
        }

        string display = Display(type) + "." + property.Name;
        var constraints = ReadConstraints(property, parameter, ref typeRef, display, memberLocation);
        if (_mode == ContractMode.StrictJsonSchema && typeRef.ContainsDictionary)
        {
            Report(DiagnosticDescriptors.StrictUnsupportedMember, memberLocation, property.Name, Display(type));
        }

        string jsonName = JsonNameOf(property, parameter) ?? JsonNaming.ToCamelCase(property.Name);
        string? description = DescriptionOf(property, parameter, type);
        if (description is null && memberLocation is { IsInSource: true })
        {
            Report(DiagnosticDescriptors.MissingDescription, memberLocation, property.Name, Display(type));
        }

        var defaultValue = parameter is not null && !IsJsonRequired(property, parameter) ? DefaultOf(parameter, typeRef) : null;
        _memberLocations[(id, property.Name)] = memberLocation;
        return new MemberModel(property.Name, jsonName, description, typeRef, parameterIndex, defaultValue, constraints);
    }

    private void CheckJsonNamesAreUnique(INamedTypeSymbol type, string id, List<MemberModel> members, Location? usedAt)
    {
        var byJsonName = new Dictionary<string, MemberModel>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (byJsonName.TryGetValue(member.JsonName, out var first))
            {
                // At the later member: the one that clashes with a name already taken.
                _memberLocations.TryGetValue((id, member.ClrName), out var clashAt);
                Report(DiagnosticDescriptors.DuplicateJsonName, clashAt ?? FirstLocation(type) ?? usedAt, first.ClrName, member.ClrName, Display(type), member.JsonName, "[JsonPropertyName]");
            }
            else
            {
                byJsonName[member.JsonName] = member;
            }
        }
    }

    // The parser sets data properties only; a required field, or a required property that is not read from JSON (for
    // example [JsonIgnore]), would leave the generated object initializer incomplete (CS9035).
    private void CheckRequiredMembersAreRead(INamedTypeSymbol type, List<MemberModel> members, Location? usedAt)
    {
        var read = new HashSet<string>(members.Select(m => m.ClrName), StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        for (var t = type; t is not null; t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                bool required = member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true };
                if (!required || read.Contains(member.Name) || !reported.Add(member.Name))
                {
                    continue;
                }

                Report(
                    DiagnosticDescriptors.CannotConstruct,
                    FirstLocation(member) ?? usedAt,
                    Display(type),
                    $"its required member '{member.Name}' is not read from JSON (only public properties that are not [JsonIgnore] are); make it a public property, or not required");
            }
        }
    }

    // The value read for a property is passed to the constructor parameter of the same name, so it must convert.
    private bool Converts(ITypeSymbol from, ITypeSymbol to) =>
        SymbolEqualityComparer.Default.Equals(from, to) || _compilation.ClassifyCommonConversion(from, to).IsImplicit;

    // [Obsolete(..., true)] makes every use an error (CS0619), which '#pragma warning disable' cannot silence.
    private static bool IsObsoleteError(ISymbol symbol) =>
        symbol.GetAttributes().Any(a => IsAttribute(a, "System.ObsoleteAttribute")
            && a.ConstructorArguments.Length == 2
            && a.ConstructorArguments[1].Value is true);

    private IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, Location? usedAt)
    {
        var candidates = type.InstanceConstructors
            .Where(c => IsAccessible(c) && !IsCopyConstructor(c, type) && !(c.IsImplicitlyDeclared && type.IsValueType && c.Parameters.Length == 0))
            .ToList();

        var marked = candidates.Where(c => c.GetAttributes().Any(a => IsAttribute(a, "System.Text.Json.Serialization.JsonConstructorAttribute"))).ToList();
        if (marked.Count == 1)
        {
            return marked[0];
        }

        var parameterless = candidates.FirstOrDefault(c => c.Parameters.Length == 0);
        if (parameterless is not null)
        {
            return parameterless;
        }

        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        if (candidates.Count == 0 && type.IsValueType)
        {
            return type.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length == 0);
        }

        string why = candidates.Count == 0
            ? "it has no public or internal constructor; add one"
            : "it has several constructors and none is marked [JsonConstructor]; mark the one to use";
        Report(DiagnosticDescriptors.CannotConstruct, usedAt ?? FirstLocation(type), Display(type), why);
        return null;
    }

    private static bool IsCopyConstructor(IMethodSymbol constructor, INamedTypeSymbol type) =>
        constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

    // Public instance properties with a public getter, base types first; a property hidden or overridden in a derived
    // type is taken once, from the most derived declaration.
    private IEnumerable<IPropertySymbol> DataProperties(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object && t.SpecialType != SpecialType.System_ValueType; t = t.BaseType)
        {
            chain.Insert(0, t);
        }

        var result = new List<IPropertySymbol>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in chain)
        {
            foreach (var member in t.GetMembers())
            {
                if (member is not IPropertySymbol property
                    || property.IsStatic
                    || property.IsIndexer
                    || property.DeclaredAccessibility != Accessibility.Public
                    || property.GetMethod is null
                    || property.GetMethod.DeclaredAccessibility != Accessibility.Public
                    || property.IsImplicitlyDeclared
                    || IsIgnored(property))
                {
                    continue;
                }

                if (positions.TryGetValue(property.Name, out int at))
                {
                    result[at] = property;
                }
                else
                {
                    positions[property.Name] = result.Count;
                    result.Add(property);
                }
            }
        }

        return result;
    }

    private static bool IsIgnored(IPropertySymbol property)
    {
        foreach (var attribute in property.GetAttributes())
        {
            if (IsAttribute(attribute, "System.Text.Json.Serialization.JsonIgnoreAttribute"))
            {
                // [JsonIgnore] with no condition, or Condition = Always, removes the member.
                var condition = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Condition").Value;
                return condition.Value is null || (condition.Value is int c && c == 1);
            }
        }

        return false;
    }

    private TypeRef? Classify(ITypeSymbol type, NullableAnnotation annotation, IPropertySymbol member, INamedTypeSymbol owner, Location? location)
    {
        string? problem = null;
        var result = ClassifyCore(type, annotation, location, ref problem);
        if (result is null && ContainsErrorType(type))
        {
            // The compiler already reports the missing type; generate nothing and add no second error.
            _hasErrorTypes = true;
        }
        else if (result is null)
        {
            Report(
                DiagnosticDescriptors.UnsupportedMemberType,
                location,
                member.Name,
                Display(owner),
                type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                problem ?? Alternative(Unwrap(type)));
        }
        else
        {
            ReportFlags(type, location);
        }

        return result;
    }

    // A [Flags] value may combine members, which one JSON string cannot name; a list of single values can, so only a
    // member or dictionary value of the enum is reported, at the member (the enum may come from another assembly).
    private void ReportFlags(ITypeSymbol type, Location? location)
    {
        type = Unwrap(type);
        if (type is INamedTypeSymbol { IsGenericType: true } named
            && CollectionKindOf(named) is CollectionKind.Dictionary or CollectionKind.IDictionary or CollectionKind.IReadOnlyDictionary)
        {
            ReportFlags(named.TypeArguments[1], location);
        }
        else if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum } e && e.GetAttributes().Any(a => IsAttribute(a, "System.FlagsAttribute")))
        {
            Report(DiagnosticDescriptors.FlagsEnum, location, Display(e));
        }
    }

    private TypeRef? ClassifyCore(ITypeSymbol type, NullableAnnotation annotation, Location? location, ref string? problem)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            var inner = ClassifyCore(nullable.TypeArguments[0], NullableAnnotation.NotAnnotated, location, ref problem);
            return inner is null ? null : inner with { IsNullable = true };
        }

        bool isNullable = !type.IsValueType && annotation == NullableAnnotation.Annotated;
        ValueKind? scalar = type.SpecialType switch
        {
            SpecialType.System_String => ValueKind.String,
            SpecialType.System_Char => ValueKind.Char,
            SpecialType.System_Boolean => ValueKind.Boolean,
            SpecialType.System_SByte => ValueKind.SByte,
            SpecialType.System_Byte => ValueKind.Byte,
            SpecialType.System_Int16 => ValueKind.Int16,
            SpecialType.System_UInt16 => ValueKind.UInt16,
            SpecialType.System_Int32 => ValueKind.Int32,
            SpecialType.System_UInt32 => ValueKind.UInt32,
            SpecialType.System_Int64 => ValueKind.Int64,
            SpecialType.System_UInt64 => ValueKind.UInt64,
            SpecialType.System_Single => ValueKind.Single,
            SpecialType.System_Double => ValueKind.Double,
            SpecialType.System_Decimal => ValueKind.Decimal,
            SpecialType.System_DateTime => ValueKind.DateTime,
            // By metadata name: a display string would carry the nullable annotation ("System.Uri?").
            _ => type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true } ? type.MetadataName switch
            {
                "DateTimeOffset" => ValueKind.DateTimeOffset,
                "DateOnly" => ValueKind.DateOnly,
                "TimeOnly" => ValueKind.TimeOnly,
                "TimeSpan" => ValueKind.TimeSpan,
                "Guid" => ValueKind.Guid,
                "Uri" => ValueKind.Uri,
                _ => null,
            } : null,
        };
        if (scalar is { } kind)
        {
            return Scalar(kind, type.IsValueType ? false : isNullable, type.IsValueType);
        }

        if (type is IArrayTypeSymbol array)
        {
            if (array.Rank != 1)
            {
                problem = "use a one-dimensional array or List<T>, nesting lists for more dimensions";
                return null;
            }

            var element = ClassifyCore(array.ElementType, array.ElementNullableAnnotation, location, ref problem);
            if (element is null)
            {
                problem ??= ElementProblem(array.ElementType);
                return null;
            }

            return new TypeRef(ValueKind.Collection, isNullable, null, CollectionKind.Array, element, false);
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            if (!named.GetMembers().Any(m => m is IFieldSymbol { IsConst: true }))
            {
                problem = "the enum has no members, so no value could be given; add at least one member";
                return null;
            }

            AddEnum(named);
            return new TypeRef(ValueKind.Enum, false, named.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), CollectionKind.None, null, true);
        }

        if (named.IsGenericType)
        {
            var collection = CollectionKindOf(named);
            if (collection == CollectionKind.None)
            {
                return null;
            }

            bool isDictionary = collection is CollectionKind.Dictionary or CollectionKind.IDictionary or CollectionKind.IReadOnlyDictionary;
            if (isDictionary && named.TypeArguments[0].SpecialType != SpecialType.System_String)
            {
                problem = "JSON object keys are strings; use a string key, or a List<T> of a record with a key and a value";
                return null;
            }

            int elementIndex = isDictionary ? 1 : 0;
            var argument = named.TypeArguments[elementIndex];
            var elementAnnotation = named.TypeArgumentNullableAnnotations[elementIndex];
            var element = ClassifyCore(argument, elementAnnotation, location, ref problem);
            if (element is null)
            {
                problem ??= ElementProblem(argument);
                return null;
            }

            return new TypeRef(isDictionary ? ValueKind.Dictionary : ValueKind.Collection, isNullable, null, collection, element, named.IsValueType);
        }

        if (!IsFrameworkType(named) && IsUnion(named))
        {
            AddUnion(named, location);
            return new TypeRef(ValueKind.Union, isNullable, named.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), CollectionKind.None, null, false);
        }

        if (named.TypeKind is TypeKind.Class or TypeKind.Struct
            && named.SpecialType == SpecialType.None
            && !IsFrameworkType(named))
        {
            AddObject(named, location);
            return new TypeRef(ValueKind.Object, isNullable, named.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), CollectionKind.None, null, named.IsValueType);
        }

        return null;
    }

    private static TypeRef Scalar(ValueKind kind, bool isNullable, bool isValueType) =>
        new(kind, isNullable, null, CollectionKind.None, null, isValueType);

    private static CollectionKind CollectionKindOf(INamedTypeSymbol type) =>
        type.OriginalDefinition.ToDisplayString() switch
        {
            "System.Collections.Generic.List<T>" => CollectionKind.List,
            "System.Collections.Generic.IList<T>" => CollectionKind.IList,
            "System.Collections.Generic.IReadOnlyList<T>" => CollectionKind.IReadOnlyList,
            "System.Collections.Generic.ICollection<T>" => CollectionKind.ICollection,
            "System.Collections.Generic.IReadOnlyCollection<T>" => CollectionKind.IReadOnlyCollection,
            "System.Collections.Generic.IEnumerable<T>" => CollectionKind.IEnumerable,
            "System.Collections.Generic.HashSet<T>" => CollectionKind.HashSet,
            "System.Collections.Generic.ISet<T>" => CollectionKind.ISet,
            "System.Collections.Immutable.ImmutableArray<T>" => CollectionKind.ImmutableArray,
            "System.Collections.Generic.Dictionary<TKey, TValue>" => CollectionKind.Dictionary,
            "System.Collections.Generic.IDictionary<TKey, TValue>" => CollectionKind.IDictionary,
            "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>" => CollectionKind.IReadOnlyDictionary,
            _ => CollectionKind.None,
        };

    private static bool IsFrameworkType(INamedTypeSymbol type)
    {
        string ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Microsoft.", StringComparison.Ordinal);
    }

    // The advice for a supported collection of an unsupported element is about the element, not the collection.
    private static string ElementProblem(ITypeSymbol element) =>
        $"its elements are '{element.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}', which is not supported: {Alternative(Unwrap(element))}";

    private static ITypeSymbol Unwrap(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    private static string Alternative(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Object:
                return "use a concrete record or class that describes the value";
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return "use long";
        }

        string name = type.OriginalDefinition.ToDisplayString();
        switch (name)
        {
            case "System.Int128":
            case "System.UInt128":
            case "System.Numerics.BigInteger":
                return "use long, or string for numbers beyond 64 bits";
            case "System.Half":
                return "use float";
            case "System.Text.Json.JsonElement":
            case "System.Text.Json.Nodes.JsonNode":
            case "System.Text.Json.Nodes.JsonObject":
                return "use a record or class that describes the value, so the model knows what to write";
        }

        if (name.StartsWith("System.Collections.Generic.Dictionary<", StringComparison.Ordinal)
            || name.StartsWith("System.Collections.Generic.IDictionary<", StringComparison.Ordinal)
            || name.StartsWith("System.Collections.Generic.IReadOnlyDictionary<", StringComparison.Ordinal)
            || name.StartsWith("System.Collections.Generic.SortedDictionary<", StringComparison.Ordinal)
            || name.StartsWith("System.Collections.Immutable.ImmutableDictionary<", StringComparison.Ordinal))
        {
            return "use Dictionary<string, T> or IReadOnlyDictionary<string, T>";
        }

        if (name.StartsWith("System.Collections.", StringComparison.Ordinal))
        {
            return "use T[], List<T>, IList<T>, IReadOnlyList<T>, ICollection<T>, IEnumerable<T>, ImmutableArray<T> or HashSet<T>";
        }

        if (type.TypeKind == TypeKind.Interface || type.IsAbstract)
        {
            return "use a concrete record or class, or make it a union by listing its derived types with [JsonDerivedType(typeof(T), \"name\")]";
        }

        if (type.IsTupleType)
        {
            return "use a record with named members instead of a tuple";
        }

        if (type is INamedTypeSymbol { IsGenericType: true })
        {
            return "use a non-generic record or class";
        }

        return "use a string, bool, number, date or time, Guid, Uri, enum, record or class, or a list or string-keyed dictionary of these";
    }

    private void AddEnum(INamedTypeSymbol type)
    {
        string id = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (!_enumNames.Add(id))
        {
            return;
        }

        var members = new List<EnumMemberModel>();
        foreach (var member in type.GetMembers().OfType<IFieldSymbol>())
        {
            if (!member.IsConst)
            {
                continue;
            }

            string jsonName = member.Name;
            foreach (var attribute in member.GetAttributes())
            {
                if (IsAttribute(attribute, "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute")
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is string custom)
                {
                    jsonName = custom;
                }
            }

            var duplicate = members.FirstOrDefault(m => m.JsonName == jsonName);
            if (duplicate is not null)
            {
                // Two members under one name would make the schema's enum list it twice and the parser read it as the first.
                Report(DiagnosticDescriptors.DuplicateJsonName, FirstLocation(member), duplicate.ClrName, member.Name, Display(type), jsonName, "[JsonStringEnumMemberName]");
            }

            members.Add(new EnumMemberModel(member.Name, jsonName, DescriptionOf(member)));
        }

        _enums.Add(new EnumModel(id, type.Name, DescriptionOf(type), members.ToEquatableArray()));
    }

    private bool CheckAccessible(INamedTypeSymbol type, Location? usedAt)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                string what = t.DeclaredAccessibility switch
                {
                    Accessibility.Private => "private",
                    Accessibility.Protected => "protected",
                    _ => "private protected",
                };
                if (!SymbolEqualityComparer.Default.Equals(t, type))
                {
                    what += $" (through '{t.Name}')";
                }

                Report(DiagnosticDescriptors.InaccessibleType, usedAt ?? FirstLocation(type), Display(type), what);
                return false;
            }

            // A file-local type cannot be reopened as a partial type, nor named, from the generated file.
            if (t.IsFileLocal)
            {
                string what = SymbolEqualityComparer.Default.Equals(t, type) ? "file-local" : $"file-local (through '{t.Name}')";
                Report(DiagnosticDescriptors.InaccessibleType, usedAt ?? FirstLocation(type), Display(type), what);
                return false;
            }

            if (t.DeclaredAccessibility == Accessibility.Internal && !SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, _compilation.Assembly))
            {
                Report(DiagnosticDescriptors.InaccessibleType, usedAt ?? FirstLocation(type), Display(type), "internal to another assembly");
                return false;
            }
        }

        return true;
    }

    private bool IsAccessible(IMethodSymbol method) =>
        method.DeclaredAccessibility == Accessibility.Public
        || (method.DeclaredAccessibility is Accessibility.Internal or Accessibility.ProtectedOrInternal
            && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly));

    private static string? JsonNameOf(IPropertySymbol property, IParameterSymbol? parameter)
    {
        foreach (var symbol in new ISymbol?[] { property, parameter })
        {
            if (symbol is null)
            {
                continue;
            }

            foreach (var attribute in symbol.GetAttributes())
            {
                if (IsAttribute(attribute, "System.Text.Json.Serialization.JsonPropertyNameAttribute")
                    && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is string name
                    && name.Length > 0)
                {
                    return name;
                }
            }
        }

        return null;
    }

    private string? DescriptionOf(IPropertySymbol property, IParameterSymbol? parameter, INamedTypeSymbol owner)
    {
        string? attributed = DescriptionAttribute(property) ?? (parameter is null ? null : DescriptionAttribute(parameter));
        if (attributed is not null)
        {
            return attributed;
        }

        string? summary = DocComments.Summary(property, _cancellationToken, _docs);
        if (summary is not null)
        {
            return summary;
        }

        // A positional record documents its properties with <param> on the type.
        if (parameter is not null)
        {
            var declaringType = parameter.ContainingSymbol?.ContainingType ?? owner;
            return DocComments.Param(declaringType, parameter.Name, _cancellationToken, _docs);
        }

        return null;
    }

    private string? DescriptionOf(ISymbol symbol) =>
        DescriptionAttribute(symbol) ?? DocComments.Summary(symbol, _cancellationToken, _docs);

    private static string? DescriptionAttribute(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (IsAttribute(attribute, "System.ComponentModel.DescriptionAttribute")
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is string text
                && !string.IsNullOrWhiteSpace(text))
            {
                return text.Trim();
            }
        }

        return null;
    }

    private static bool IsAttribute(AttributeData attribute, string metadataName) =>
        attribute.AttributeClass?.ToDisplayString() == metadataName;

    private static Location? FirstLocation(ISymbol symbol)
    {
        foreach (var location in symbol.Locations)
        {
            if (location.IsInSource)
            {
                return location;
            }
        }

        return null;
    }

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        _diagnostics.Add(Diagnostic.Create(descriptor, location ?? _rootLocation, arguments));
}
