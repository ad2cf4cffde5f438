namespace StructuredOutput.Generator.Model;

/// <summary>Everything emitted for one <c>[LlmExtract]</c> type. Holds strings and values only: no symbols or syntax.</summary>
/// <param name="Declaration">Where the partial declaration goes.</param>
/// <param name="SchemaName">The schema's name (the attribute's <c>Name</c>, else the type name).</param>
/// <param name="Instructions">The task from the attribute, if given.</param>
/// <param name="Objects">The object types of the contract; the root is first.</param>
/// <param name="Enums">The enums the contract uses.</param>
/// <param name="Unions">The unions (<c>[JsonDerivedType]</c> hierarchies) the contract uses.</param>
/// <param name="Mode">The mode the type's requests use by default.</param>
/// <param name="Dialects">The rows of <see cref="SchemaDialects"/> of the dialects, besides OpenAI's, that the type names for a wire schema of their own, in enum order.</param>
/// <param name="LanguageVersion">
/// The C# version of the compilation the contract is generated into (from its parse options): the generated code may
/// use only what that version has (raw string literals need C# 11).
/// </param>
/// <param name="HasPartialViews">
/// Whether the partial views for streaming are generated (<see cref="PartialViews"/>); false when the root type
/// already has a member or nested type of a view's name (LLMX017).
/// </param>
/// <param name="InheritedViewNames">
/// The names of this contract's views that a base type's generated views already use (a contract derived from a
/// contract): those views hide the base's with <c>new</c>. Sorted; empty in the common case.
/// </param>
internal sealed record ContractModel(
    TypeDeclarationModel Declaration,
    string SchemaName,
    string? Instructions,
    EquatableArray<ObjectModel> Objects,
    EquatableArray<EnumModel> Enums,
    EquatableArray<UnionModel> Unions,
    ContractMode Mode,
    EquatableArray<DialectInfo> Dialects,
    Microsoft.CodeAnalysis.CSharp.LanguageVersion LanguageVersion,
    bool HasPartialViews = true,
    EquatableArray<string> InheritedViewNames = default)
{
    public ObjectModel Root => Objects[0];
}

/// <summary>The root type's declaration, for re-opening it as a partial type.</summary>
/// <param name="Namespace">The namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">Types that contain it, outermost first.</param>
/// <param name="Keyword">"class", "struct", "record" or "record struct".</param>
/// <param name="Name">The type's name.</param>
/// <param name="FullyQualifiedName">The name with <c>global::</c> and every containing name.</param>
/// <param name="HintName">A file name unique within the compilation.</param>
internal sealed record TypeDeclarationModel(
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Keyword,
    string Name,
    string FullyQualifiedName,
    string HintName);

/// <summary>A type that contains the root type.</summary>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>An object type of the contract (the root or a nested type found through members).</summary>
/// <param name="FullyQualifiedName">The C# type, with <c>global::</c>; also the object's identity.</param>
/// <param name="Name">The short name shown to the model.</param>
/// <param name="Description">From <c>[Description]</c> or the XML summary.</param>
/// <param name="Members">The data members, in declaration order (base type members first).</param>
/// <param name="IsValidatable">Whether the type implements <c>IValidatableObject</c>.</param>
internal sealed record ObjectModel(
    string FullyQualifiedName,
    string Name,
    string? Description,
    EquatableArray<MemberModel> Members,
    bool IsValidatable);

/// <summary>A data member of an object type.</summary>
/// <param name="ClrName">The C# property name.</param>
/// <param name="JsonName">The JSON property name.</param>
/// <param name="Description">From <c>[Description]</c> or XML docs.</param>
/// <param name="Type">The member's type.</param>
/// <param name="ConstructorParameterIndex">The constructor argument it is passed as, or -1 when it is set by an initializer.</param>
/// <param name="Default">For an optional constructor parameter, its default value (in the member's type); the member may then be left out.</param>
/// <param name="Constraints">Validation attributes on the member, or null.</param>
internal sealed record MemberModel(
    string ClrName,
    string JsonName,
    string? Description,
    TypeRef Type,
    int ConstructorParameterIndex,
    ConstantModel? Default,
    ConstraintsModel? Constraints)
{
    public bool IsOptional => Default is not null;
}

/// <summary>
/// The <c>System.ComponentModel.DataAnnotations</c> constraints on a member, checked by the generated reader and stated
/// in the schema. Limits are kept as invariant number text; allowed and denied values are typed constants of the
/// member's type.
/// </summary>
internal sealed record ConstraintsModel(
    string? Minimum,
    bool MinimumExclusive,
    string? Maximum,
    bool MaximumExclusive,
    int? MinLength,
    int? MaxLength,
    string? Pattern,
    bool Email,
    bool Url,
    bool NotEmpty,
    EquatableArray<ConstantModel> Allowed,
    EquatableArray<ConstantModel> Denied)
{
    public bool HasRange => Minimum is not null || Maximum is not null;

    public bool HasLength => MinLength is not null || MaxLength is not null;
}

/// <summary>An enum the contract uses.</summary>
internal sealed record EnumModel(
    string FullyQualifiedName,
    string Name,
    string? Description,
    EquatableArray<EnumMemberModel> Members);

/// <summary>One member of an enum.</summary>
internal sealed record EnumMemberModel(string ClrName, string JsonName, string? Description);

/// <summary>
/// A union: an abstract class, record or interface whose derived types are listed with <c>[JsonDerivedType]</c>, read as
/// one of them by the discriminator property. Each member is also an <see cref="ObjectModel"/> of the contract.
/// </summary>
/// <param name="FullyQualifiedName">The base type, with <c>global::</c>; also the union's identity.</param>
/// <param name="Name">The short name shown to the model.</param>
/// <param name="Description">From <c>[Description]</c> or the XML summary of the base type.</param>
/// <param name="DiscriminatorName">The discriminator's JSON property name (<c>TypeDiscriminatorPropertyName</c>, default <c>$type</c>).</param>
/// <param name="Members">The listed types with their discriminators, in the order listed.</param>
internal sealed record UnionModel(
    string FullyQualifiedName,
    string Name,
    string? Description,
    string DiscriminatorName,
    EquatableArray<UnionMemberModel> Members);

/// <summary>One listed type of a union.</summary>
/// <param name="Discriminator">The value of the discriminator property that names it.</param>
/// <param name="Target">The fully qualified name of its <see cref="ObjectModel"/>.</param>
internal sealed record UnionMemberModel(string Discriminator, string Target);
