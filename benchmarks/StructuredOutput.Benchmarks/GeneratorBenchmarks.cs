using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using StructuredOutput.Generator;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// <c>LlmExtractGenerator</c> driven by <c>CSharpGeneratorDriver</c> over synthetic compilations of N
/// <c>[LlmExtract]</c> types (one file each, every type with a nested record, an enum and a list): the first run,
/// and the cached run after an unrelated edit (a method body changed in a file without contracts).
/// </summary>
/// <remarks>
/// The compilations are built once in setup, so after the first invocation their symbols are bound: the figures are
/// the generator's own work, not the compiler's binding. Setup checks (without timing) that the cached run re-runs
/// nothing after the <c>Parse</c> step and emits nothing.
/// </remarks>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None);

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warmDriver = null!;

    /// <summary>1, 100 and 1,000 types; the CI smoke run (STRUCTUREDOUTPUT_BENCH_SMOKE=1) leaves out 1,000 to stay short.</summary>
    [ParamsSource(nameof(TypeCounts))]
    public int Types { get; set; }

    public static IEnumerable<int> TypeCounts =>
        Environment.GetEnvironmentVariable("STRUCTUREDOUTPUT_BENCH_SMOKE") == "1" ? new[] { 1, 100 } : new[] { 1, 100, 1000 };

    [GlobalSetup]
    public void Setup()
    {
        var references = Basic.Reference.Assemblies.Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(LlmExtractAttribute).Assembly.Location))
            .ToImmutableArray();
        var trees = new List<SyntaxTree>(Types + 1);
        for (int i = 0; i < Types; i++)
        {
            trees.Add(CSharpSyntaxTree.ParseText(Contract(i), ParseOptions, path: $"/src/Contract{i}.cs"));
        }

        var unrelated = CSharpSyntaxTree.ParseText(Unrelated("x * 2"), ParseOptions, path: "/src/Helpers.cs");
        trees.Add(unrelated);
        _compilation = CSharpCompilation.Create(
            "Synthetic",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _edited = _compilation.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(SourceText.From(Unrelated("x + x"))));

        AssertGeneratesAndCaches();
        _warmDriver = CreateDriver(track: false).RunGenerators(_compilation);
    }

    /// <summary>A fresh driver over the whole compilation: everything is parsed and emitted.</summary>
    [Benchmark]
    public GeneratorDriver FirstRun() => CreateDriver(track: false).RunGenerators(_compilation);

    /// <summary>The driver of the first run, over the compilation after an unrelated edit: everything is cached.</summary>
    [Benchmark]
    public GeneratorDriver CachedRunAfterEdit() => _warmDriver.RunGenerators(_edited);

    private void AssertGeneratesAndCaches()
    {
        var first = CreateDriver(track: true).RunGenerators(_compilation);
        var firstResult = first.GetRunResult().Results[0];
        if (firstResult.Exception is not null || firstResult.GeneratedSources.Length != Types || !firstResult.Diagnostics.IsEmpty)
        {
            throw new InvalidOperationException(
                $"The generator made {firstResult.GeneratedSources.Length} files for {Types} types ({firstResult.Exception?.Message}; {string.Join("; ", firstResult.Diagnostics)}).");
        }

        var second = first.RunGenerators(_edited).GetRunResult().Results[0];
        foreach (string step in new[] { LlmExtractGenerator.TrackingNames.Parse, LlmExtractGenerator.TrackingNames.Models })
        {
            if (!second.TrackedSteps.TryGetValue(step, out var runs))
            {
                throw new InvalidOperationException($"The step {step} was not tracked.");
            }

            var reasons = runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
            if (reasons.Count != Types || reasons.Any(r => r is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)))
            {
                throw new InvalidOperationException($"The cached run re-ran step {step}: {string.Join(", ", reasons)}.");
            }

            // Unchanged: the step ran again and produced an equal value (ForAttributeWithMetadataName re-runs its
            // transform after any edit); Cached: it did not run.
            Console.WriteLine($"// cached run, step {step}: " + string.Join(", ", reasons.GroupBy(r => r).Select(g => $"{g.Count()} {g.Key}")));
        }

        var emitted = second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        if (emitted.Any(r => r != IncrementalStepRunReason.Cached))
        {
            throw new InvalidOperationException($"The cached run emitted source again: {string.Join(", ", emitted)}.");
        }
    }

    private static GeneratorDriver CreateDriver(bool track) =>
        CSharpGeneratorDriver.Create(
            new[] { new LlmExtractGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    private static string Contract(int i)
    {
        string n = i.ToString(CultureInfo.InvariantCulture);
        return $$"""
            using System.Collections.Generic;
            using System.ComponentModel;
            using StructuredOutput;

            namespace Synthetic.N{{n}};

            /// <summary>Order number {{n}}.</summary>
            [LlmExtract(Instructions = "Extract order {{n}}.")]
            public partial record Order{{n}}(
                [property: Description("Who ordered.")] string Customer,
                int? Priority,
                Status{{n}} Status,
                List<Line{{n}}> Lines,
                decimal Total,
                bool Paid);

            public record Line{{n}}(string Sku, int Quantity, decimal? UnitPrice, string? Note);

            public enum Status{{n}} { Open, Shipped, [Description("Closed without delivery.")] Cancelled }
            """;
    }

    private static string Unrelated(string body) => $$"""
        namespace Synthetic;

        public static class Helpers
        {
            public static int Twice(int x) => {{body}};
        }
        """;
}
