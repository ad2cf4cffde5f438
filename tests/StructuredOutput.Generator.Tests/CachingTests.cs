using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// The pipeline caches: an edit that does not touch a contract re-runs nothing after the <c>Parse</c> step, and the
/// models it holds are values (no symbols, syntax or compilations that would keep old compilations alive).
/// </summary>
public class CachingTests
{
    private static readonly string[] TrackedSteps = { LlmExtractGenerator.TrackingNames.Parse, LlmExtractGenerator.TrackingNames.Models };

    private const string Contract = """
        using System.Collections.Generic;
        using StructuredOutput;

        namespace Cache;

        /// <summary>An order.</summary>
        [LlmExtract(Instructions = "Extract the order.")]
        public partial record Order(string Customer, List<Line> Lines, Status Status);

        public record Line(string Sku, int Qty);

        public enum Status { Open, Closed }
        """;

    private const string Unrelated = """
        namespace Cache;

        public static class Helpers
        {
            public static int Twice(int x) => x * 2;
        }
        """;

    [Fact]
    public void SecondRunOnTheSameCompilationIsCached()
    {
        var compilation = Harness.Compile(DocumentationMode.None, Contract, Unrelated);
        var first = Harness.Run(compilation).AssertCompilesCleanly();

        var second = Harness.Run(compilation, first.Driver);

        AssertEverythingCached(second.RunResult);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void EditingAnotherFileKeepsTheContractCached()
    {
        var compilation = Harness.Compile(DocumentationMode.None, Contract, Unrelated);
        var first = Harness.Run(compilation).AssertCompilesCleanly();

        var oldTree = compilation.SyntaxTrees.Single(t => t.FilePath == Harness.SourcePath(1));
        var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Unrelated.Replace("x * 2", "x + x", StringComparison.Ordinal)));
        var edited = compilation.ReplaceSyntaxTree(oldTree, newTree);
        var second = Harness.Run(edited, first.Driver).AssertCompilesCleanly();

        AssertEverythingCached(second.RunResult);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void EditingAnotherFileKeepsAContractWithUnionsCached()
    {
        var compilation = Harness.Compile(DocumentationMode.None, UnionTests.UnionSource, Unrelated);
        var first = Harness.Run(compilation).AssertCompilesCleanly();

        var oldTree = compilation.SyntaxTrees.Single(t => t.FilePath == Harness.SourcePath(1));
        var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Unrelated.Replace("x * 2", "x + x", StringComparison.Ordinal)));
        var second = Harness.Run(compilation.ReplaceSyntaxTree(oldTree, newTree), first.Driver).AssertCompilesCleanly();

        AssertEverythingCached(second.RunResult);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void AddingAFileKeepsTheContractCached()
    {
        var compilation = Harness.Compile(DocumentationMode.None, Contract);
        var first = Harness.Run(compilation).AssertCompilesCleanly();

        var added = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Unrelated, Harness.ParseOptions(), path: "/src/Added.cs"));
        var second = Harness.Run(added, first.Driver).AssertCompilesCleanly();

        AssertEverythingCached(second.RunResult);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void EditingTheContractRegeneratesIt()
    {
        var compilation = Harness.Compile(DocumentationMode.None, Contract, Unrelated);
        var first = Harness.Run(compilation).AssertCompilesCleanly();

        var oldTree = compilation.SyntaxTrees.Single(t => t.FilePath == Harness.SourcePath(0));
        var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Contract.Replace("string Customer", "string? Customer", StringComparison.Ordinal)));
        var second = Harness.Run(compilation.ReplaceSyntaxTree(oldTree, newTree), first.Driver).AssertCompilesCleanly();

        var parse = Outputs(second.RunResult, LlmExtractGenerator.TrackingNames.Parse);
        Assert.Contains(IncrementalStepRunReason.Modified, parse);
        Assert.Contains(IncrementalStepRunReason.Modified, Outputs(second.RunResult, LlmExtractGenerator.TrackingNames.Models));
        var output = second.RunResult.Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);
        Assert.Contains(IncrementalStepRunReason.Modified, output);

        string before = first.Sources.Values.Single();
        string after = second.Sources.Values.Single();
        Assert.NotEqual(before, after);
        Assert.Contains("\"customer\": {\n", after, StringComparison.Ordinal);
        Assert.Contains("\"type\": [\"string\", \"null\"]", after, StringComparison.Ordinal);
    }

    [Fact]
    public void EditingANestedTypeOfTheContractRegeneratesIt()
    {
        var compilation = Harness.Compile(DocumentationMode.None, Contract, Unrelated);
        var first = Harness.Run(compilation).AssertCompilesCleanly();

        var oldTree = compilation.SyntaxTrees.Single(t => t.FilePath == Harness.SourcePath(0));
        var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Contract.Replace("Open, Closed", "Open, Closed, Cancelled", StringComparison.Ordinal)));
        var second = Harness.Run(compilation.ReplaceSyntaxTree(oldTree, newTree), first.Driver).AssertCompilesCleanly();

        Assert.Contains(IncrementalStepRunReason.Modified, Outputs(second.RunResult, LlmExtractGenerator.TrackingNames.Models));
        Assert.Contains("Cancelled", second.Sources.Values.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void PipelineHoldsNoSymbolsSyntaxOrCompilations()
    {
        // A type with an error as well, so that the diagnostics path is walked too.
        var compilation = Harness.Compile(DocumentationMode.Parse, Contract, Unrelated, """
            using StructuredOutput;
            namespace Cache;
            [LlmExtract] public record NotPartial(float Value);
            """);
        var run = Harness.Run(compilation);
        Assert.Contains(run.AnalyzerDiagnostics, d => d.Id == "LLMX001");
        Assert.DoesNotContain(run.Sources.Keys, k => k.Contains("NotPartial", StringComparison.Ordinal));

        // Roslyn's own steps ("Compilation", "..._ForAttribute...") hold compilations and syntax by design; every
        // step this generator names, and every value it hands to an output, must not.
        var result = run.RunResult.Results[0];
        var ownSteps = result.TrackedSteps.Where(s => TrackedSteps.Contains(s.Key)).ToList();
        Assert.Equal(TrackedSteps.Length, ownSteps.Count);
        var walked = 0;
        foreach (var (name, runs) in ownSteps)
        {
            foreach (var (value, _) in runs.SelectMany(r => r.Outputs))
            {
                AssertHoldsNoCompilerObjects(value, $"step '{name}'");
                walked++;
            }
        }

        // An output step's own outputs are the sources and Diagnostics it produced (which hold Locations by design);
        // what it consumes must be values.
        foreach (var step in result.TrackedOutputSteps.SelectMany(s => s.Value))
        {
            foreach (var (source, index) in step.Inputs)
            {
                AssertHoldsNoCompilerObjects(source.Outputs[index].Value, $"input of output step '{step.Name}'");
                walked++;
            }
        }

        Assert.True(walked >= 4, $"Only {walked} step outputs were walked.");
    }

    [Fact]
    public void ForbiddenObjectCheckFindsNestedSymbols()
    {
        // The walker itself must be able to fail, or the test above proves nothing.
        var compilation = Harness.Compile(DocumentationMode.None, Contract);
        var symbol = compilation.GetTypeByMetadataName("Cache.Order")!;
        var holder = new { Items = new List<object> { 1, new[] { (object)"x", new KeyValuePair<string, object>("k", symbol) } } };

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertHoldsNoCompilerObjects(holder, "holder"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertHoldsNoCompilerObjects(symbol.Locations[0], "location"));
        AssertHoldsNoCompilerObjects(new { Text = "fine", Numbers = new[] { 1, 2 } }, "plain values");
    }

    private static void AssertEverythingCached(GeneratorDriverRunResult result)
    {
        var steps = result.Results[0].TrackedSteps;
        foreach (string name in TrackedSteps)
        {
            Assert.True(steps.ContainsKey(name), $"No tracked step named {name}.");
            var reasons = Outputs(result, name);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(
                r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step '{name}' produced an output that is {r}."));
        }

        var outputs = result.Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    private static List<IncrementalStepRunReason> Outputs(GeneratorDriverRunResult result, string step) =>
        result.Results[0].TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();

    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Location), typeof(Compilation),
    };

    private static void AssertHoldsNoCompilerObjects(object? root, string where)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, where, visited);
    }

    private static void Walk(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is decimal)
        {
            return;
        }

        var type = value.GetType();
        foreach (var forbidden in Forbidden)
        {
            Assert.False(forbidden.IsInstanceOfType(value), $"{path} holds a {forbidden.Name} ({type.FullName}).");
        }

        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable enumerable)
        {
            int i = 0;
            foreach (object? item in enumerable)
            {
                Walk(item, $"{path}[{i++}]", visited);
            }
        }

        foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (property.GetIndexParameters().Length > 0 || property.PropertyType.IsByRefLike || !property.CanRead)
            {
                continue;
            }

            object? propertyValue;
            try
            {
                propertyValue = property.GetValue(value);
            }
            catch (TargetInvocationException)
            {
                continue; // a computed property that does not apply to this value
            }

            Walk(propertyValue, $"{path}.{property.Name}", visited);
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                {
                    continue;
                }

                Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}
