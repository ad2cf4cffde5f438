using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using StructuredOutput.Benchmarks.Payloads;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// The repair path against the strict path: the strict parse of a valid answer is the baseline, and each other row
/// parses the same answer with one malformation that the repair stage fixes (a missing comma and single quotes in the
/// middle, a trailing comma near the end). A repaired answer is first read strictly up to the malformation, then
/// scanned and read again, so its cost is the strict read of the part before the malformation, the scan, and a full
/// strict read of the repaired JSON. The allocation ratio is the figure to watch: it does not depend on the machine's
/// load.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RepairBenchmarks
{
    private const string Small = "Recipe (10 ingredients)";
    private const string Large = "Recipe (12,000 ingredients, about 1 MB)";

    private Answers _small = null!;
    private Answers _large = null!;

    [GlobalSetup]
    public void Setup()
    {
        _small = Answers.From(PayloadTexts.Recipe);
        _large = Answers.From(PayloadTexts.LargeRecipe);
        foreach (Answers answers in new[] { _small, _large })
        {
            Recipe strict = Parse(answers.Valid, repairs: 0);
            Equality.AssertSame(strict, Parse(answers.MissingComma, repairs: 1), "missing comma");
            Equality.AssertSame(strict, Parse(answers.TrailingComma, repairs: 1), "trailing comma");
            Equality.AssertSame(strict, Parse(answers.SingleQuotes, repairs: 1), "single quotes");
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Small)]
    public Recipe Strict_Small() => Value(LlmContract<Recipe>.Parse(_small.Valid));

    [Benchmark, BenchmarkCategory(Small)]
    public Recipe MissingComma_Small() => Value(LlmContract<Recipe>.Parse(_small.MissingComma));

    [Benchmark, BenchmarkCategory(Small)]
    public Recipe TrailingComma_Small() => Value(LlmContract<Recipe>.Parse(_small.TrailingComma));

    [Benchmark, BenchmarkCategory(Small)]
    public Recipe SingleQuotes_Small() => Value(LlmContract<Recipe>.Parse(_small.SingleQuotes));

    [Benchmark(Baseline = true), BenchmarkCategory(Large)]
    public Recipe Strict_Large() => Value(LlmContract<Recipe>.Parse(_large.Valid));

    [Benchmark, BenchmarkCategory(Large)]
    public Recipe MissingComma_Large() => Value(LlmContract<Recipe>.Parse(_large.MissingComma));

    [Benchmark, BenchmarkCategory(Large)]
    public Recipe TrailingComma_Large() => Value(LlmContract<Recipe>.Parse(_large.TrailingComma));

    [Benchmark, BenchmarkCategory(Large)]
    public Recipe SingleQuotes_Large() => Value(LlmContract<Recipe>.Parse(_large.SingleQuotes));

    private static Recipe Parse(string text, int repairs)
    {
        ParseResult<Recipe> result = LlmContract<Recipe>.Parse(text);
        if (result.Repairs.Count != repairs)
        {
            throw new InvalidOperationException($"expected {repairs} repairs, got: {string.Join("; ", result.Repairs)}");
        }

        return Value(result);
    }

    private static Recipe Value(ParseResult<Recipe> result) =>
        result.IsSuccess ? result.Value! : throw new InvalidOperationException(string.Join("; ", result.Errors));

    /// <summary>One valid answer and three variants, each with one malformation.</summary>
    private sealed record Answers(string Valid, string MissingComma, string TrailingComma, string SingleQuotes)
    {
        public static Answers From(string valid)
        {
            // The comma before the "note" of the ingredient at the middle of the text.
            int note = valid.IndexOf(",\"note\":", valid.Length / 2, StringComparison.Ordinal);
            string missingComma = valid.Remove(note, 1).Insert(note, " ");

            // A comma after the last step.
            int lastStep = valid.LastIndexOf("],\"totalMinutes\"", StringComparison.Ordinal);
            string trailingComma = valid.Insert(lastStep, ",");

            // Single quotes around the name of the ingredient at the middle of the text.
            int name = valid.IndexOf("{\"name\":\"", valid.Length / 2, StringComparison.Ordinal) + "{\"name\":".Length;
            int close = valid.IndexOf('"', name + 1);
            string singleQuotes = valid.Substring(0, name) + "'" + valid.Substring(name + 1, close - name - 1) + "'" + valid.Substring(close + 1);
            return new Answers(valid, missingComma, trailingComma, singleQuotes);
        }
    }
}
