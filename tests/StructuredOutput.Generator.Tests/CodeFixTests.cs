using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using StructuredOutput.CodeFixes;
using StructuredOutput.Generator.Diagnostics;

namespace StructuredOutput.Generator.Tests;

/// <summary>The LLMX001 code fix, applied in a real workspace to the analyzer's own diagnostic.</summary>
public class CodeFixTests
{
    [Theory]
    [InlineData(
        "[LlmExtract] public record Recipe(string Name);",
        "[LlmExtract] public partial record Recipe(string Name);")]
    [InlineData(
        "[LlmExtract]\npublic sealed class Order { public string Id { get; set; } = \"\"; }",
        "[LlmExtract]\npublic sealed partial class Order { public string Id { get; set; } = \"\"; }")]
    [InlineData(
        "[LlmExtract]\n// the order\nstruct Point { public int X { get; set; } }",
        "[LlmExtract]\n// the order\npartial struct Point { public int X { get; set; } }")]
    [InlineData(
        "public static class Outer\n{\n    [LlmExtract] public partial record Leaf(int X);\n}",
        "public static partial class Outer\n{\n    [LlmExtract] public partial record Leaf(int X);\n}")]
    public async Task Adds_partial_where_the_diagnostic_points(string before, string after)
    {
        const string head = "using StructuredOutput;\nnamespace Fix;\n";
        var fixedText = await ApplyFixAsync(head + before);
        Assert.Equal(head + after, fixedText);
    }

    [Fact]
    public async Task Fixes_every_type_that_needs_it_and_then_nothing_is_left()
    {
        const string source = "using StructuredOutput;\nnamespace Fix;\npublic class A\n{\n    public class B\n    {\n        [LlmExtract] public record C(int X);\n    }\n}\n";
        string text = source;
        for (int i = 0; i < 3; i++)
        {
            text = await ApplyFixAsync(text);
        }

        Assert.Contains("public partial class A", text);
        Assert.Contains("public partial class B", text);
        Assert.Contains("public partial record C(int X)", text);
        var (_, diagnostics) = await DiagnoseAsync(text);
        Assert.DoesNotContain(diagnostics, d => d.Id == "LLMX001");
    }

    private static async Task<string> ApplyFixAsync(string source)
    {
        var (document, diagnostics) = await DiagnoseAsync(source);
        var diagnostic = diagnostics.First(d => d.Id == MakePartialCodeFix.DiagnosticId);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await new MakePartialCodeFix().RegisterCodeFixesAsync(context);
        var action = Assert.Single(actions);
        Assert.StartsWith("Make '", action.Title, StringComparison.Ordinal);
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var text = await changed.GetDocument(document.Id)!.GetTextAsync();
        return text.ToString();
    }

    private static async Task<(Document Document, ImmutableArray<Diagnostic> Diagnostics)> DiagnoseAsync(string source)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject("Fix", LanguageNames.CSharp)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
            .WithParseOptions(Harness.ParseOptions())
            .WithMetadataReferences(Basic.Reference.Assemblies.Net100.References.All
                .Cast<MetadataReference>()
                .Append(MetadataReference.CreateFromFile(Harness.RuntimeAssemblyPath)));
        var document = project.AddDocument("Source0.cs", source);
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LlmExtractAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        return (document, diagnostics);
    }
}
