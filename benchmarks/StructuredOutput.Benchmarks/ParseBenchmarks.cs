using System;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using StructuredOutput.Benchmarks.Payloads;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// Parsing alone: the generated parser (which also locates the JSON, validates and collects every error) against
/// <c>JsonSerializer.Deserialize</c> with a source-generated <c>JsonSerializerContext</c>, both from the same string.
/// The ratio column is ours over System.Text.Json's.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ParseBenchmarks
{
    private string _recipe = null!;
    private string _invoice = null!;

    [GlobalSetup]
    public void Setup()
    {
        _recipe = PayloadTexts.Recipe;
        _invoice = PayloadTexts.Invoice;
        Equality.AssertSame(Stj_Recipe()!, Ours_Recipe(), nameof(Recipe));
        Equality.AssertSame(Stj_Invoice()!, Ours_Invoice(), nameof(Invoice));
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Recipe (10 ingredients)")]
    public Recipe? Stj_Recipe() => JsonSerializer.Deserialize(_recipe, PayloadJsonContext.Default.Recipe);

    [Benchmark, BenchmarkCategory("Recipe (10 ingredients)")]
    public Recipe Ours_Recipe() => Value(LlmContract<Recipe>.Parse(_recipe));

    [Benchmark(Baseline = true), BenchmarkCategory("Invoice (100 lines)")]
    public Invoice? Stj_Invoice() => JsonSerializer.Deserialize(_invoice, PayloadJsonContext.Default.Invoice);

    [Benchmark, BenchmarkCategory("Invoice (100 lines)")]
    public Invoice Ours_Invoice() => Value(LlmContract<Invoice>.Parse(_invoice));

    private static T Value<T>(ParseResult<T> result) =>
        result.IsSuccess ? result.Value! : throw new InvalidOperationException(string.Join("; ", result.Errors));
}
