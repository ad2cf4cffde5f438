using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using StructuredOutput.Generator.Parsing;

namespace StructuredOutput.Generator.Diagnostics;

/// <summary>
/// Reports the contract diagnostics of every <c>[LlmExtract]</c> type. It runs the generator's own parser, so the
/// two never disagree; being an analyzer, its diagnostics show live in the IDE and honour <c>#pragma</c> and
/// <c>.editorconfig</c> severities. The generator itself only skips a type with errors.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LlmExtractAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        DiagnosticDescriptors.All.ToImmutableArray();

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attributeType = start.Compilation.GetTypeByMetadataName(ContractParser.AttributeMetadataName);
            if (attributeType is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, attributeType), SymbolKind.NamedType);
            if (start.Compilation.GetTypeByMetadataName(ExtractableInterfaceMetadataName) is { } extractable)
            {
                start.RegisterSyntaxNodeAction(
                    nodeContext => AnalyzeTypeArgument(nodeContext, attributeType, extractable),
                    SyntaxKind.GenericName);
            }
        });
    }

    private const string ExtractableInterfaceMetadataName = "StructuredOutput.ILlmExtractable`1";

    // ExtractAsync<T>, TryExtractAsync<T> and LlmContract<T> need a contract: without one the compiler says only that T
    // does not convert to ILlmExtractable<T> (CS0311); LLMX016 says what to do, at the type argument.
    private static void AnalyzeTypeArgument(SyntaxNodeAnalysisContext context, INamedTypeSymbol attributeType, INamedTypeSymbol extractable)
    {
        var generic = (GenericNameSyntax)context.Node;
        string name = generic.Identifier.ValueText;
        if (name is not ("ExtractAsync" or "TryExtractAsync" or "LlmContract") || generic.TypeArgumentList.Arguments.Count != 1)
        {
            return;
        }

        var symbolInfo = context.SemanticModel.GetSymbolInfo(generic, context.CancellationToken);
        var symbol = symbolInfo.Symbol ?? symbolInfo.CandidateSymbols.FirstOrDefault();
        var definition = symbol switch
        {
            IMethodSymbol method => method.OriginalDefinition.ContainingType,
            INamedTypeSymbol type => type.OriginalDefinition,
            _ => null,
        };
        if (definition?.ContainingNamespace?.ToDisplayString() != "StructuredOutput" || definition.ContainingAssembly is null
            || !SymbolEqualityComparer.Default.Equals(definition.ContainingAssembly, extractable.ContainingAssembly))
        {
            return;
        }

        var argumentSyntax = generic.TypeArgumentList.Arguments[0];
        if (context.SemanticModel.GetTypeInfo(argumentSyntax, context.CancellationToken).Type is not INamedTypeSymbol argument
            || argument.TypeKind == TypeKind.Error
            || argument.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType))
            || argument.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, extractable)))
        {
            return;
        }

        string display = argument.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotAContract, argumentSyntax.GetLocation(), display, name + "<" + display + ">"));
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attributeType)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (attribute?.ApplicationSyntaxReference is not { } reference
            || reference.GetSyntax(context.CancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration)
        {
            return;
        }

        try
        {
            var result = ContractParser.Parse(type, declaration, context.Compilation, context.CancellationToken, findUnlistedTypes: true);
            if (result is null)
            {
                return;
            }

            foreach (var diagnostic in result.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, declaration.Identifier.GetLocation(), type.Name, e.GetType().Name + ": " + e.Message));
        }
    }
}
