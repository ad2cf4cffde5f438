using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using StructuredOutput.Generator;

namespace StructuredOutput.Generator.Tests;

/// <summary>The outcome of one generator run over a compilation.</summary>
internal sealed class GeneratorRun
{
    public required CSharpCompilation Input { get; init; }

    public required Compilation Output { get; init; }

    public required GeneratorDriver Driver { get; init; }

    public required GeneratorDriverRunResult RunResult { get; init; }

    /// <summary>Hint name → generated text, in hint-name order.</summary>
    public required IReadOnlyDictionary<string, string> Sources { get; init; }

    /// <summary>Diagnostics the generator reported (LLMX…, or CS8785 when it threw).</summary>
    public required ImmutableArray<Diagnostic> GeneratorDiagnostics { get; init; }

    /// <summary>Diagnostics of the compilation with the generated sources added.</summary>
    public required ImmutableArray<Diagnostic> CompilationDiagnostics { get; init; }

    /// <summary>Diagnostics of <see cref="Diagnostics.LlmExtractAnalyzer"/> over the input, Info included.</summary>
    public ImmutableArray<Diagnostic> AnalyzerDiagnostics => _analyzerDiagnostics ??= Harness.Analyze(Input);

    private ImmutableArray<Diagnostic>? _analyzerDiagnostics;

    /// <summary>
    /// The contract diagnostics a user sees as warnings or errors: the analyzer's (without Info) and the generator's own.
    /// </summary>
    public ImmutableArray<Diagnostic> ContractDiagnostics =>
        AnalyzerDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Info).Concat(GeneratorDiagnostics).ToImmutableArray();

    /// <summary>What the generator threw, if anything.</summary>
    public Exception? Exception => RunResult.Results[0].Exception;

    public IEnumerable<Diagnostic> CompilationErrors =>
        CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    public string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));

    /// <summary>Fails when the generator threw or reported anything, or the compilation with generated code has errors.</summary>
    public GeneratorRun AssertCompilesCleanly()
    {
        Assert.Null(Exception);
        Assert.True(ContractDiagnostics.IsEmpty, "The generator or analyzer reported:" + Environment.NewLine + Describe(ContractDiagnostics));
        var errors = CompilationErrors.ToList();
        Assert.True(errors.Count == 0, "The compilation has errors:" + Environment.NewLine + Describe(errors));
        return this;
    }
}

/// <summary>Compiles source strings and runs <see cref="LlmExtractGenerator"/> over them.</summary>
internal static class Harness
{
    public static readonly string RuntimeAssemblyPath = typeof(LlmExtractAttribute).Assembly.Location;

    private static readonly ImmutableArray<MetadataReference> References =
        Basic.Reference.Assemblies.Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(RuntimeAssemblyPath))
            .ToImmutableArray();

    public static CSharpParseOptions ParseOptions(DocumentationMode mode = DocumentationMode.None) =>
        new(LanguageVersion.Latest, mode);

    /// <summary>A compilation of <paramref name="sources"/>, named <c>/src/Source0.cs</c>, <c>/src/Source1.cs</c>, …</summary>
    public static CSharpCompilation Compile(DocumentationMode mode, params string[] sources)
    {
        var options = ParseOptions(mode);
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, options, path: SourcePath(i)));
        return CSharpCompilation.Create(
            "TestAssembly",
            trees,
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                concurrentBuild: false));
    }

    public static string SourcePath(int index) => $"/src/Source{index}.cs";

    /// <summary>Runs <see cref="Diagnostics.LlmExtractAnalyzer"/> over <paramref name="compilation"/>.</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation)
    {
        var withAnalyzers = compilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new StructuredOutput.Generator.Diagnostics.LlmExtractAnalyzer()));
        // An analyzer that throws shows as AD0001 among all diagnostics; keep it so that tests see it.
        return withAnalyzers.GetAllDiagnosticsAsync().GetAwaiter().GetResult()
            .Where(d => d.Id.StartsWith("LLMX", StringComparison.Ordinal) || d.Id == "AD0001")
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }

    public static GeneratorDriver CreateDriver(CSharpParseOptions parseOptions) =>
        CSharpGeneratorDriver.Create(
            new[] { new LlmExtractGenerator().AsSourceGenerator() },
            parseOptions: parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(string source, DocumentationMode mode = DocumentationMode.None) =>
        Run(Compile(mode, source));

    public static GeneratorRun Run(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver ??= CreateDriver((CSharpParseOptions)compilation.SyntaxTrees.First().Options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult();
        var sources = result.Results[0].GeneratedSources
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        return new GeneratorRun
        {
            Input = compilation,
            Output = output,
            Driver = driver,
            RunResult = result,
            Sources = sources,
            GeneratorDiagnostics = generatorDiagnostics,
            CompilationDiagnostics = output.GetDiagnostics(),
        };
    }
}

/// <summary>Test sources with <c>[|…|]</c> markers around the spans a diagnostic should point at.</summary>
internal sealed class Markup
{
    private Markup(string source, IReadOnlyList<TextSpan> spans)
    {
        Source = source;
        Spans = spans;
    }

    /// <summary>The source with the markers removed.</summary>
    public string Source { get; }

    /// <summary>The marked spans, in order, in <see cref="Source"/>.</summary>
    public IReadOnlyList<TextSpan> Spans { get; }

    public static Markup Parse(string markup)
    {
        var sb = new StringBuilder(markup.Length);
        var spans = new List<TextSpan>();
        int open = -1;
        for (int i = 0; i < markup.Length; i++)
        {
            if (string.CompareOrdinal(markup, i, "[|", 0, 2) == 0)
            {
                Assert.True(open < 0, "Nested [| markers are not supported.");
                open = sb.Length;
                i++;
            }
            else if (string.CompareOrdinal(markup, i, "|]", 0, 2) == 0)
            {
                Assert.True(open >= 0, "|] without [|.");
                spans.Add(TextSpan.FromBounds(open, sb.Length));
                open = -1;
                i++;
            }
            else
            {
                sb.Append(markup[i]);
            }
        }

        Assert.True(open < 0, "[| without |].");
        return new Markup(sb.ToString(), spans);
    }

    /// <summary>The line/column span of marker <paramref name="index"/>.</summary>
    public LinePositionSpan LineSpan(int index = 0) => SourceText.From(Source).Lines.GetLinePositionSpan(Spans[index]);
}

/// <summary>Loads an emitted compilation and calls its generated contracts through <see cref="LlmContract{T}"/>.</summary>
internal sealed class LoadedAssembly : IDisposable
{
    private readonly TestLoadContext _context;

    private LoadedAssembly(TestLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    public Assembly Assembly { get; }

    public static LoadedAssembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, "Emit failed:" + Environment.NewLine + string.Join(Environment.NewLine, emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        var context = new TestLoadContext();
        return new LoadedAssembly(context, context.LoadFromStream(stream));
    }

    public Type GetType(string fullName) =>
        Assembly.GetType(fullName, throwOnError: false) ?? throw new InvalidOperationException("No type " + fullName + " in the emitted assembly.");

    public string JsonSchema(string typeName) => (string)Contract(typeName).GetProperty("JsonSchema")!.GetValue(null)!;

    public string? DialectJsonSchema(string typeName, SchemaDialect dialect) =>
        (string?)Contract(typeName).GetMethod("GetJsonSchema")!.Invoke(null, new object[] { dialect });

    public string? StrictJsonSchema(string typeName) => (string?)Contract(typeName).GetProperty("StrictJsonSchema")!.GetValue(null);

    public string Prompt(string typeName) => (string)Contract(typeName).GetProperty("Prompt")!.GetValue(null)!;

    /// <summary>Calls <c>LlmContract&lt;T&gt;.Parse</c>; the result is a <see cref="ParseResult{T}"/> of the loaded type.</summary>
    public ParsedAnswer Parse(string typeName, string json)
    {
        object result = Contract(typeName).GetMethod("Parse", new[] { typeof(string) })!.Invoke(null, new object[] { json })!;
        var type = result.GetType();
        return new ParsedAnswer(
            (bool)type.GetProperty("IsSuccess")!.GetValue(result)!,
            type.GetProperty("Value")!.GetValue(result),
            (IReadOnlyList<ExtractionError>)type.GetProperty("Errors")!.GetValue(result)!,
            (IReadOnlyList<string>)type.GetProperty("Repairs")!.GetValue(result)!);
    }

    public void Dispose() => _context.Unload();

    private Type Contract(string typeName) => typeof(LlmContract<>).MakeGenericType(GetType(typeName));

    private sealed class TestLoadContext : AssemblyLoadContext
    {
        private static readonly Assembly Runtime = typeof(LlmExtractAttribute).Assembly;

        public TestLoadContext()
            : base("GeneratorTests", isCollectible: true)
        {
        }

        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name == Runtime.GetName().Name ? Runtime : null;
    }
}

internal sealed record ParsedAnswer(bool IsSuccess, object? Value, IReadOnlyList<ExtractionError> Errors, IReadOnlyList<string> Repairs)
{
    public string ErrorText => string.Join(Environment.NewLine, Errors.Select(e => e.ToString()));
}

/// <summary>Reads properties of objects from the loaded assembly.</summary>
internal static class Reflect
{
    public static object? Get(object target, string property) =>
        target.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(target)
        ?? throw new InvalidOperationException($"{target.GetType().Name}.{property} is null or missing.");

    public static object? GetOrNull(object target, string property) =>
        target.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.GetValue(target);
}

/// <summary>
/// Compares generated files with the checked-in files under <c>Snapshots/&lt;TestName&gt;/&lt;hintName&gt;</c>. With
/// <c>STRUCTUREDOUTPUT_UPDATE_SNAPSHOTS=1</c> it rewrites them (and deletes stale ones) instead.
/// </summary>
internal static class Snapshot
{
    public const string UpdateVariable = "STRUCTUREDOUTPUT_UPDATE_SNAPSHOTS";

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>The Snapshots folder in the source tree (not the output directory).</summary>
    public static string Root([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Snapshots");

    public static void Verify(IReadOnlyDictionary<string, string> generated, [CallerMemberName] string testName = "")
    {
        Assert.NotEmpty(generated);
        string folder = Path.Combine(Root(), testName);
        if (Updating)
        {
            Directory.CreateDirectory(folder);
            foreach (string stale in Directory.GetFiles(folder).Where(f => !generated.ContainsKey(Path.GetFileName(f))))
            {
                File.Delete(stale);
            }

            foreach (var (hintName, text) in generated)
            {
                File.WriteAllText(Path.Combine(folder, hintName), WithoutVersion(text));
            }

            return;
        }

        Assert.True(
            Directory.Exists(folder),
            $"No snapshots in {folder}; run the tests with {UpdateVariable}=1 to create them.");
        var expectedNames = Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var actualNames = generated.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.True(
            expectedNames.SequenceEqual(actualNames),
            $"Generated files differ from the snapshots in {folder}.{Environment.NewLine}" +
            $"Expected: {string.Join(", ", expectedNames)}{Environment.NewLine}Actual:   {string.Join(", ", actualNames)}");

        foreach (var (hintName, actual) in generated)
        {
            string expected = File.ReadAllText(Path.Combine(folder, hintName)).ReplaceLineEndings("\n");
            string? difference = FirstDifference(expected, WithoutVersion(actual));
            Assert.True(difference is null, $"{testName}/{hintName} differs from its snapshot: {difference}");
        }
    }

    /// <summary>
    /// The text with the generator's version in <c>[GeneratedCode]</c> written as <c>{version}</c>, so that a new version
    /// number does not change every snapshot.
    /// </summary>
    public static string WithoutVersion(string text) => System.Text.RegularExpressions.Regex.Replace(
        text, @"GeneratedCode\(""StructuredOutput\.Generator"", ""[^""]*""\)", @"GeneratedCode(""StructuredOutput.Generator"", ""{version}"")");

    /// <summary>A readable description of the first line where the texts differ, or null when they are equal.</summary>
    public static string? FirstDifference(string expected, string actual)
    {
        if (expected == actual)
        {
            return null;
        }

        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string? el = i < e.Length ? e[i] : null;
            string? al = i < a.Length ? a[i] : null;
            if (el != al)
            {
                int column = 0;
                while (el is not null && al is not null && column < el.Length && column < al.Length && el[column] == al[column])
                {
                    column++;
                }

                return $"line {i + 1}, column {column + 1}{Environment.NewLine}" +
                    $"  expected: {Excerpt(el, column)}{Environment.NewLine}" +
                    $"  actual:   {Excerpt(al, column)}";
            }
        }

        return "the texts differ only in line endings";
    }

    // Long lines (the schema and prompt constants) are cut to the part around the first difference.
    private static string Excerpt(string? line, int column)
    {
        if (line is null)
        {
            return "<end of file>";
        }

        int start = Math.Max(0, column - 60);
        int end = Math.Min(line.Length, column + 60);
        return (start > 0 ? "…" : "") + line[start..end] + (end < line.Length ? "…" : "");
    }
}
