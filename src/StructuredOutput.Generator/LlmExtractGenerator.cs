using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StructuredOutput.Generator.Diagnostics;
using StructuredOutput.Generator.Emitting;
using StructuredOutput.Generator.Parsing;

namespace StructuredOutput.Generator;

/// <summary>
/// Emits, for every <c>[LlmExtract]</c> type, its JSON Schema, its prompt and its parser. Symbols become value-equal
/// models in the first step, so an edit that does not touch a contract leaves the rest of the pipeline cached.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class LlmExtractGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline's steps, for tests that check caching.</summary>
    public static class TrackingNames
    {
        /// <summary>The step that turns an attributed type into a model and its diagnostics.</summary>
        public const string Parse = "Parse";

        /// <summary>The step that keeps the models of valid types.</summary>
        public const string Models = "Models";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var outcomes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ContractParser.AttributeMetadataName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => ContractParser.ParseSafely(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        // Contract diagnostics come from LlmExtractAnalyzer; the pipeline reports only its own failures (LLMX000).
        context.RegisterSourceOutput(outcomes, static (spc, outcome) =>
        {
            foreach (var diagnostic in outcome.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        var models = outcomes
            .Select(static (outcome, _) => outcome.Model)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.Models);

        context.RegisterSourceOutput(models, static (spc, model) =>
        {
            string source;
            try
            {
                source = ContractEmitter.Emit(model!);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, null, model!.Declaration.Name, e.GetType().Name + ": " + e.Message));
                return;
            }

            spc.AddSource(model!.Declaration.HintName, source);
        });
    }
}
