using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StructuredOutput.CodeFixes;

/// <summary>Fixes LLMX001 by adding the <c>partial</c> modifier to the type the diagnostic points at.</summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(MakePartialCodeFix))]
[Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <summary>The diagnostic this fix resolves.</summary>
    public const string DiagnosticId = "LLMX001";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticId);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?
                .AncestorsAndSelf()
                .OfType<TypeDeclarationSyntax>()
                .FirstOrDefault(t => t.Identifier.Span == diagnostic.Location.SourceSpan);
            if (declaration is null)
            {
                continue;
            }

            string title = $"Make '{declaration.Identifier.ValueText}' partial";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => AddPartialAsync(context.Document, declaration, ct), equivalenceKey: nameof(MakePartialCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> AddPartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // 'partial' goes last among the modifiers, right before the keyword. With no modifiers, it takes over the
        // keyword's leading trivia (indentation, comments) so the layout stays as written.
        TypeDeclarationSyntax fixedDeclaration;
        if (declaration.Modifiers.Count == 0)
        {
            var keyword = declaration.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            fixedDeclaration = declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(partial));
        }
        else
        {
            fixedDeclaration = declaration.AddModifiers(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(declaration, fixedDeclaration));
    }
}
