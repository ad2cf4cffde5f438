using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CsCheck;
using Json.Schema;
using Xunit.Abstractions;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>
/// Property-based tests of the generated parsers, over several generated types:
/// (a) random text and mutated valid answers never make <c>Parse</c> throw;
/// (b) a valid value, serialized, parses back to an equal value (compared through its JSON);
/// (c) every value <c>Parse</c> accepts re-serializes to JSON that the type's generated schema accepts.
/// The number of cases per test is <see cref="DefaultIterations"/>, or <c>STRUCTUREDOUTPUT_FUZZ_ITERATIONS</c> for a long
/// campaign; <c>STRUCTUREDOUTPUT_FUZZ_SEED</c> replays the seed a failure printed. See docs/reliability.md.
/// </summary>
public sealed class ParserFuzzTests
{
    public const int DefaultIterations = 1_000;

    private static readonly Dictionary<string, IFuzzTarget> Targets = new IFuzzTarget[]
    {
        new FuzzTarget<AllScalars>(FuzzGen.AllScalars, FuzzJsonContext.Default.AllScalars),
        new FuzzTarget<Nullables>(FuzzGen.Nullables, FuzzJsonContext.Default.Nullables),
        new FuzzTarget<Profile>(FuzzGen.Profile, FuzzJsonContext.Default.Profile),
        new FuzzTarget<TreeNode>(FuzzGen.TreeNode, FuzzJsonContext.Default.TreeNode),
        new FuzzTarget<Point>(FuzzGen.Point, FuzzJsonContext.Default.Point),
        new FuzzTarget<Order>(FuzzGen.Order, FuzzJsonContext.Default.Order),
        new FuzzTarget<Outline>(FuzzGen.Outline, FuzzJsonContext.Default.Outline),
    }.ToDictionary(t => t.Name);

    private readonly ITestOutputHelper _output;

    public ParserFuzzTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> TypeNames => new(Targets.Keys);

    private static long Iterations => FuzzSettings.Iterations(DefaultIterations);

    private static string? Seed => FuzzSettings.Seed;

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Random_text_never_makes_Parse_throw(string type) =>
        Targets[type].RandomText(Iterations, Seed, _output.WriteLine);

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Mutated_valid_answers_never_make_Parse_throw(string type) =>
        Targets[type].MutatedAnswers(Iterations, Seed, _output.WriteLine);

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Valid_values_round_trip_through_Parse(string type) =>
        Targets[type].RoundTrip(Iterations, Seed, _output.WriteLine);

    [Fact]
    public void The_mutator_changes_answers_and_is_deterministic()
    {
        const string answer = """{"x":1,"y":2}""";
        var random = new uint[] { 3, 1, 4, 1, 5, 9, 2, 6 };
        Assert.Equal(FuzzGen.Mutate(answer, random), FuzzGen.Mutate(answer, random));
        int changed = Enumerable.Range(0, 200).Count(i => FuzzGen.Mutate(answer, new uint[] { (uint)i, (uint)(i * 7919), (uint)(i * 104729) }) != answer);
        Assert.True(changed > 150, $"only {changed} of 200 mutations changed the answer");
    }

    private interface IFuzzTarget
    {
        string Name { get; }

        void RandomText(long iterations, string? seed, Action<string> writeLine);

        void MutatedAnswers(long iterations, string? seed, Action<string> writeLine);

        void RoundTrip(long iterations, string? seed, Action<string> writeLine);
    }

    private sealed class FuzzTarget<T> : IFuzzTarget where T : ILlmExtractable<T>
    {
        private readonly Gen<T> _values;
        private readonly JsonTypeInfo<T> _json;
        private readonly JsonSchema _schema = JsonSchema.FromText(LlmContract<T>.JsonSchema);

        public FuzzTarget(Gen<T> values, JsonTypeInfo<T> json)
        {
            _values = values;
            _json = json;
        }

        public string Name => typeof(T).Name;

        public void RandomText(long iterations, string? seed, Action<string> writeLine) =>
            FuzzGen.Noise.Sample(CheckAnswer, writeLine, seed, iterations, print: Show);

        public void MutatedAnswers(long iterations, string? seed, Action<string> writeLine) =>
            FuzzGen.Mutations(_values.Select(Serialize)).Sample(CheckAnswer, writeLine, seed, iterations, print: Show);

        public void RoundTrip(long iterations, string? seed, Action<string> writeLine) =>
            _values.Sample(
                value =>
                {
                    string json = Serialize(value);
                    AssertSchemaAccepts(json, "the serialized valid value");
                    var result = LlmContract<T>.Parse(json);
                    Assert.True(result.IsSuccess, "A valid answer was rejected: " + string.Join("; ", result.Errors));
                    Assert.Empty(result.Repairs);
                    Assert.Equal(json, Serialize(result.Value!));
                },
                writeLine,
                seed,
                iterations,
                print: value => Show(Serialize(value)));

        // Parse must return, never throw; its result must be consistent; and whatever it accepts must be valid. The
        // returned class (accepted, or the first error's kind) makes CsCheck print how the cases were spread.
        private string CheckAnswer(string answer)
        {
            ParseResult<T> result = LlmContract<T>.Parse(answer);
            Assert.Equal(result.Errors.Count == 0, result.IsSuccess);
            foreach (var error in result.Errors)
            {
                Assert.StartsWith("$", error.Path, StringComparison.Ordinal);
                Assert.False(string.IsNullOrWhiteSpace(error.Message), "an error without a message at " + error.Path);
            }

            if (result.IsSuccess)
            {
                Assert.NotNull(result.Value);
                AssertSchemaAccepts(Serialize(result.Value!), "the re-serialized accepted value");
                return result.Repairs.Count == 0 ? "accepted" : "accepted with repairs";
            }

            return "rejected: " + result.Errors[0].Kind;
        }

        private void AssertSchemaAccepts(string json, string what)
        {
            using var document = JsonDocument.Parse(json);
            var evaluation = _schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!evaluation.IsValid)
            {
                var reasons = (evaluation.Details ?? new List<EvaluationResults>())
                    .Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
                Assert.Fail($"The {typeof(T).Name} schema rejects {what} {json}: {string.Join("; ", reasons)}");
            }
        }

        private string Serialize(T value) => JsonSerializer.Serialize(value, _json);

        private static string Show(string text) => JsonSerializer.Serialize(text); // escaped, so that control characters and surrogates are visible
    }
}
