using System;
using Microsoft.CodeAnalysis;

namespace StructuredOutput.Generator.Diagnostics;

/// <summary>The diagnostics of the extraction contract. Ids are stable; see docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "StructuredOutput";
    private const string HelpBase = "docs/diagnostics.md#";

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

    private static readonly DiagnosticDescriptor[] All =
    {
        InternalError, MustBePartial, UnsupportedMemberType, GenericType, CannotConstruct, DuplicateJsonName, InaccessibleType,
    };

    public static DiagnosticDescriptor Find(string id) =>
        Array.Find(All, d => d.Id == id) ?? throw new ArgumentException("Unknown diagnostic id " + id, nameof(id));

    private static DiagnosticDescriptor Create(string id, string title, string message) => new(
        id,
        title,
        message,
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + id.ToLowerInvariant());
}
