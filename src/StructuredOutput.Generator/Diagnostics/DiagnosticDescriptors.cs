using System;
using Microsoft.CodeAnalysis;

namespace StructuredOutput.Generator.Diagnostics;

/// <summary>The diagnostics of the extraction contract. Ids are stable; see docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "StructuredOutput";

    /// <summary>The project's repository; Directory.Build.props states the same URL as <c>RepositoryUrl</c>.</summary>
    public const string RepositoryUrl = "https://github.com/StructuredOutput/StructuredOutput";

    /// <summary>The page that documents every diagnostic; a help link adds <c>#llmx001</c> and so on.</summary>
    public const string DocumentationUrl = RepositoryUrl + "/blob/main/docs/diagnostics.md";

    public static readonly DiagnosticDescriptor InternalError = Create(
        "LLMX000",
        "The generator failed on this type",
        "The StructuredOutput generator failed on '{0}' ({1}); nothing was generated for it. Please report this with the type's declaration.");

    public static readonly DiagnosticDescriptor MustBePartial = Create(
        "LLMX001",
        "Extraction type must be partial",
        "'{0}' must be declared partial so that the generated contract can be added to it: add the 'partial' modifier to its declaration{1}");

    public static readonly DiagnosticDescriptor UnsupportedMemberType = Create(
        "LLMX002",
        "Member type is not supported",
        "Member '{0}' of '{1}' has type '{2}', which extraction does not support: {3}");

    public static readonly DiagnosticDescriptor GenericType = Create(
        "LLMX003",
        "Generic types cannot be extraction roots",
        "'{0}' is generic, and an extraction contract is fixed at compile time: declare a non-generic type for each shape you extract");

    public static readonly DiagnosticDescriptor CannotConstruct = Create(
        "LLMX004",
        "Type cannot be constructed from JSON",
        "'{0}' cannot be constructed from JSON: {1}");

    public static readonly DiagnosticDescriptor DuplicateJsonName = Create(
        "LLMX005",
        "Two members map to the same JSON name",
        "Members '{0}' and '{1}' of '{2}' both map to the JSON name \"{3}\": rename one, or give one a different {4}");

    public static readonly DiagnosticDescriptor InaccessibleType = Create(
        "LLMX006",
        "Type is not accessible to the generated parser",
        "'{0}' is {1}, so the generated parser cannot create it: make it internal or public");

    public static readonly DiagnosticDescriptor FlagsEnum = Create(
        "LLMX007",
        "Flags enums cannot be extracted",
        "Enum '{0}' is [Flags], and a JSON string names one member only: use a List<{0}> of single values, or remove [Flags]");

    public static readonly DiagnosticDescriptor InvalidConstraint = Create(
        "LLMX008",
        "Constraint is contradictory or malformed",
        "[{0}] on '{1}' is invalid: {2}");

    public static readonly DiagnosticDescriptor InapplicableConstraint = Create(
        "LLMX009",
        "Constraint does not apply to the member's type",
        "[{0}] on '{1}' does not apply to its type '{2}': {3}");

    public static readonly DiagnosticDescriptor UncheckedValidationAttribute = Create(
        "LLMX010",
        "Validation attribute is not checked",
        "[{0}] on '{1}' is not checked by the generated validator and does not reach the schema: express the rule with a supported attribute or in IValidatableObject.Validate",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor StrictLimitExceeded = Create(
        "LLMX011",
        "Strict schema exceeds a provider limit",
        "The strict schema of '{0}' has {1}, over OpenAI's limit of {2}: the request will be rejected; simplify the type or choose a mode that does not send the strict schema (LlmExtract.Mode)",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor StrictKeywordNotEnforced = Create(
        "LLMX012",
        "Strict mode does not enforce a constraint",
        "Strict mode does not enforce {0} on '{1}': it is left out of the strict schema and stated in the description, and the client still checks it (a violation is re-asked)",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor StrictUnsupportedMember = Create(
        "LLMX013",
        "Strict mode cannot express the member",
        "Member '{0}' of '{1}' is a dictionary, which strict json_schema mode cannot express (every object needs fixed properties): use a List<T> of a record with a key and a value, or choose another LlmExtract.Mode (ToolCall sends such a type's plain schema)");

    public static readonly DiagnosticDescriptor MissingDescription = Create(
        "LLMX014",
        "Member has no description",
        "Member '{0}' of '{1}' has no description, so the model sees only its name: add an XML <summary> or [Description]",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor InvalidSchemaName = Create(
        "LLMX015",
        "Schema name is invalid",
        "The schema name \"{0}\" must be 1 to 64 letters, digits, '_' or '-' (it is sent as the json_schema name): change LlmExtract.Name");

    public static readonly DiagnosticDescriptor NotAContract = Create(
        "LLMX016",
        "Type argument is not an extraction contract",
        "'{0}' is not an extraction contract, so {1} cannot use it: add [LlmExtract] to '{0}' and declare it partial, so that the generator implements ILlmExtractable<{0}> for it");

    public static readonly DiagnosticDescriptor PartialViewNameTaken = Create(
        "LLMX017",
        "A member's name is taken by a generated partial view",
        "'{0}' uses the name '{1}' for {2}, and the generator gives that name to the partial view of '{3}' that streaming fills in: no partial views are generated for '{0}' and it cannot be extracted while streaming; rename the {4}",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UnlistedDerivedType = Create(
        "LLMX020",
        "Derived type is not listed in its union",
        "'{0}' derives from the union '{1}' but is not listed, so the model is never offered it and an answer of it cannot be read: add [JsonDerivedType(typeof({0}), \"{2}\")] to '{1}'",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor InvalidDerivedType = Create(
        "LLMX021",
        "Listed type cannot be a member of the union",
        "[JsonDerivedType] on '{0}' lists '{1}', which cannot be a member of the union: {2}");

    public static readonly DiagnosticDescriptor DuplicateDiscriminator = Create(
        "LLMX022",
        "Two listed types share a discriminator",
        "[JsonDerivedType] on '{0}' gives the discriminator \"{1}\" to both '{2}' and '{3}', so an answer could not say which it is: list each type once, each with its own discriminator");

    public static readonly DiagnosticDescriptor EmptyUnion = Create(
        "LLMX023",
        "Union lists no derived types",
        "'{0}' is [JsonPolymorphic] but lists no derived types, so no value of it could be read: add [JsonDerivedType(typeof(T), \"name\")] to '{0}' for each concrete type");

    public static readonly DiagnosticDescriptor DiscriminatorCollision = Create(
        "LLMX024",
        "Member collides with the union's discriminator",
        "Member '{0}' of '{1}' has the JSON name \"{2}\", which is the discriminator property of the union '{3}': rename the member or give it another [JsonPropertyName], or set TypeDiscriminatorPropertyName on '{3}' to another name");

    public static readonly DiagnosticDescriptor DiscriminatorNotString = Create(
        "LLMX025",
        "Union discriminator must be a string",
        "[JsonDerivedType] on '{0}' gives '{1}' {2}, and an answer names its type with a string: give it a string discriminator, such as [JsonDerivedType(typeof({1}), \"{3}\")]");

    public static readonly DiagnosticDescriptor DialectCannotExpress = Create(
        "LLMX030",
        "Schema dialect cannot express the type",
        "The {0} schema cannot express {1}: {2}; {3}, or remove SchemaDialect.{0} from LlmExtract.Dialects");

    public static readonly DiagnosticDescriptor DialectStatesInWords = Create(
        "LLMX031",
        "Schema dialect states a constraint in words only",
        "The {0} schema does not accept {1} on '{2}': it is stated in the description instead, and the client still checks it (a violation is re-asked)",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor[] All =
    {
        InternalError, MustBePartial, UnsupportedMemberType, GenericType, CannotConstruct, DuplicateJsonName, InaccessibleType,
        FlagsEnum, InvalidConstraint, InapplicableConstraint, UncheckedValidationAttribute, StrictLimitExceeded,
        StrictKeywordNotEnforced, StrictUnsupportedMember, MissingDescription, InvalidSchemaName, NotAContract, PartialViewNameTaken,
        UnlistedDerivedType, InvalidDerivedType, DuplicateDiscriminator, EmptyUnion, DiscriminatorCollision, DiscriminatorNotString,
        DialectCannotExpress, DialectStatesInWords,
    };

    public static DiagnosticDescriptor Find(string id) =>
        Array.Find(All, d => d.Id == id) ?? throw new ArgumentException("Unknown diagnostic id " + id, nameof(id));

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error) => new(
        id,
        title,
        message,
        Category,
        severity,
        isEnabledByDefault: true,
        helpLinkUri: DocumentationUrl + "#" + id.ToLowerInvariant());
}
