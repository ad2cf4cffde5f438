using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.Json;
using CsCheck;
using Json.Schema;
using StructuredOutput.Tests.TypeSpace;
using StructuredOutput.Tests.Writing;
using Xunit.Abstractions;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>
/// Property-based tests of the generated writers: for random values of several contract types, the JSON
/// <c>ToJson</c> writes parses back with no error and no repair to a value structurally equal to the one written, and
/// the schema accepts it with format assertion on. The one place the schema's formats and the contract differ on
/// purpose is a <c>TimeOnly</c>: the contract holds a time of day without an offset (RFC 3339's partial-time), which
/// JSON Schema's <c>time</c> does not take. Values beyond the schema's formats (an unspecified <c>DateTime</c>, a
/// fraction of a second or a negative duration) round-trip too, without the schema check. Iterations and seed as in
/// <see cref="ParserFuzzTests"/>.
/// </summary>
public sealed class WriterPropertyTests
{
    public const int DefaultIterations = 300;

    private static readonly Gen<string> AsciiWord = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_"], 1, 10];

    private static readonly Gen<Shade> Shade = Gen.Enum<Shade>();

    private static readonly Gen<DateTime> UtcDateTime =
        Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks].Select(t => new DateTime(t, DateTimeKind.Utc));

    private static readonly Gen<DateTime> AnyKindDateTime = Gen.Select(
        Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks], Gen.OneOf(DateTimeKind.Utc, DateTimeKind.Unspecified),
        (t, kind) => new DateTime(t, kind));

    // Any instant with any offset DateTimeOffset holds, whole minutes up to ±14:00.
    private static readonly Gen<DateTimeOffset> Instant = Gen.Select(
        Gen.Long[DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay], Gen.Int[-14 * 60, 14 * 60],
        (t, minutes) => new DateTimeOffset(t, TimeSpan.FromMinutes(minutes)));

    private static readonly Gen<DateOnly> Day = Gen.Int[DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber].Select(DateOnly.FromDayNumber);

    private static readonly Gen<TimeOnly> Time = Gen.Long[0, TimeOnly.MaxValue.Ticks].Select(t => new TimeOnly(t));

    private static readonly Gen<TimeSpan> WholeSeconds =
        Gen.Long[0, TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerSecond].Select(s => TimeSpan.FromTicks(s * TimeSpan.TicksPerSecond));

    private static readonly Gen<TimeSpan> AnyDuration = Gen.Long.Select(TimeSpan.FromTicks);

    private static readonly Gen<Uri> Link = Gen.Select(
        Gen.OneOf("https", "http", "urn", "ftp"), AsciiWord, AsciiWord.Array[0, 3],
        (scheme, host, path) => new Uri(scheme == "urn" ? $"urn:{host}:{string.Join(':', path)}" : $"{scheme}://{host}.example/{string.Join('/', path)}"));

    private static readonly Gen<char> Character = Gen.Char.Where(c => !char.IsSurrogate(c));

    private static readonly Gen<Scalars> Scalars = Gen.Select(
        Gen.Select(Gen.SByte, Gen.Byte, Gen.Short, Gen.UShort, Gen.Int, Gen.UInt, Gen.Long, Gen.ULong),
        Gen.Select(Gen.Float.Where(float.IsFinite), FuzzGen.FiniteDouble, Gen.Decimal, Gen.Bool, Character, FuzzGen.Text),
        Gen.Select(UtcDateTime, Instant, Day, Time, WholeSeconds, Gen.Guid, Link, Shade),
        (a, b, c) => new Scalars(
            a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7, a.Item8,
            b.Item1, b.Item2, b.Item3, b.Item4, b.Item5, b.Item6,
            c.Item1, c.Item2, c.Item3, c.Item4, c.Item5, c.Item6, c.Item7, c.Item8));

    private static readonly Gen<TypeSpace.Point> SpacePoint = Gen.Select(Gen.Int, Gen.Int, (x, y) => new TypeSpace.Point(x, y));

    private static readonly Gen<TypeSpace.Collections> Collections = Gen.Select(
        Gen.Select(Gen.Int.Array[0, 4], Gen.Int.List[0, 4], Gen.Int.List[0, 3], Gen.Int.List[0, 3], Gen.Int.List[0, 3], Gen.Int.List[0, 3], Gen.Int.List[0, 3]),
        Gen.Select(
            Gen.Int.Array[0, 3].Select(ImmutableArray.Create),
            FuzzGen.Text.HashSet[0, 4],
            Shade.HashSet[0, 3],
            Gen.Dictionary(FuzzGen.Text, Gen.Int)[0, 4],
            Gen.Dictionary(AsciiWord, SpacePoint)[0, 3],
            Gen.Dictionary(FuzzGen.Text, Day.List[0, 3].Null())[0, 3],
            SpacePoint.Array[0, 3].Select(ImmutableArray.Create).Nullable()),
        (a, b) => new TypeSpace.Collections(
            a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7,
            b.Item1, b.Item2, b.Item3, b.Item4, b.Item5,
            b.Item6.ToDictionary(e => e.Key, e => (List<DateOnly>?)e.Value) as IDictionary<string, List<DateOnly>?>,
            b.Item7));

    private static readonly Gen<Optionals> Optionals = Gen.Select(
        Gen.Int.Nullable(), Day.Nullable(), Gen.Guid.Nullable(), Link.Null(), Shade.Nullable(), UtcDateTime.List[0, 3].Null(), Character.Nullable(),
        (count, day, id, link, shade, times, initial) => new Optionals(count, day, id, link, shade, times, initial));

    private static readonly Gen<Measurement> Measurements = Gen.Select(
        FuzzGen.Text, Gen.Dictionary(FuzzGen.Text, FuzzGen.FiniteDouble)[0, 4], FuzzGen.Text.Null(), Link.Null(), Character,
        (sensor, values, unit, source, grade) => new Measurement(sensor, values, unit, source, grade));

    // A settable class with init, required and inherited members.
    private static readonly Gen<Derived> Derived = Gen.Select(
        FuzzGen.Text, Gen.Int, Instant.Nullable(),
        (id, level, seen) => new Derived { Id = id, Level = level, Seen = seen });

    private static readonly Dictionary<string, IWriterTarget> Targets = new IWriterTarget[]
    {
        new WriterTarget<AllScalars>(FuzzGen.AllScalars),
        new WriterTarget<Nullables>(FuzzGen.Nullables),
        new WriterTarget<Profile>(FuzzGen.Profile),
        new WriterTarget<TreeNode>(FuzzGen.TreeNode),
        new WriterTarget<Tests.Point>(FuzzGen.Point),
        new WriterTarget<Order>(FuzzGen.Order),
        new WriterTarget<Outline>(FuzzGen.Outline),
        new WriterTarget<Scalars>(Scalars, allowedFormatFailures: ["/time"]),
        new WriterTarget<TypeSpace.Collections>(Collections),
        new WriterTarget<Optionals>(Optionals),
        new WriterTarget<Measurement>(Measurements),
        new WriterTarget<Derived>(Derived),
    }.ToDictionary(t => t.Name);

    private readonly ITestOutputHelper _output;

    public WriterPropertyTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> TypeNames => new(Targets.Keys);

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Written_values_parse_back_equal_with_no_repair_and_the_schema_accepts_them(string type) =>
        Targets[type].RoundTrip(FuzzSettings.Iterations(DefaultIterations), FuzzSettings.Seed, _output.WriteLine);

    [Fact]
    public void DateTimes_of_either_kind_and_durations_of_any_sign_and_tick_round_trip()
    {
        Gen.Select(AnyKindDateTime, AnyDuration).Sample(
            pair =>
            {
                var when = ParseBack<Scalars>(SomeScalars with { When = pair.Item1, Duration = pair.Item2 });
                Assert.Null(Structural.Difference(pair.Item1, when.When));
                Assert.Equal(pair.Item2, when.Duration);
            },
            _output.WriteLine,
            FuzzSettings.Seed,
            FuzzSettings.Iterations(DefaultIterations));
    }

    private static readonly Scalars SomeScalars = Scalars.Single();

    private static T ParseBack<T>(T value) where T : ILlmExtractable<T>
    {
        string json = LlmContract<T>.ToJson(value);
        var result = LlmContract<T>.Parse(json);
        Assert.True(result.IsSuccess, $"{json} was rejected: {string.Join("; ", result.Errors)}");
        Assert.Empty(result.Repairs);
        return result.Value!;
    }

    private interface IWriterTarget
    {
        string Name { get; }

        void RoundTrip(long iterations, string? seed, Action<string> writeLine);
    }

    private sealed class WriterTarget<T> : IWriterTarget where T : ILlmExtractable<T>
    {
        private readonly Gen<T> _values;
        private readonly string[] _allowedFormatFailures;
        private readonly JsonSchema _schema = JsonSchema.FromText(LlmContract<T>.JsonSchema);

        public WriterTarget(Gen<T> values, string[]? allowedFormatFailures = null)
        {
            _values = values;
            _allowedFormatFailures = allowedFormatFailures ?? [];
        }

        public string Name => typeof(T).FullName!.Replace("StructuredOutput.Tests.", string.Empty, StringComparison.Ordinal);

        public void RoundTrip(long iterations, string? seed, Action<string> writeLine) =>
            _values.Sample(
                value =>
                {
                    string json = LlmContract<T>.ToJson(value);
                    var result = LlmContract<T>.Parse(json);
                    Assert.True(result.IsSuccess, $"{json} was rejected: {string.Join("; ", result.Errors)}");
                    Assert.Empty(result.Repairs);
                    Assert.Null(Structural.Difference(value, result.Value));
                    AssertSchemaAccepts(json);
                },
                writeLine,
                seed,
                iterations,
                print: value => JsonSerializer.Serialize(LlmContract<T>.ToJson(value)));

        private void AssertSchemaAccepts(string json)
        {
            using var document = JsonDocument.Parse(json);
            var evaluation = _schema.Evaluate(document.RootElement, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
            var reasons = (evaluation.Details ?? new List<EvaluationResults>())
                .Where(d => d.Errors is { Count: > 0 } && !(d.Errors.ContainsKey("format") && _allowedFormatFailures.Contains(d.InstanceLocation.ToString())))
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
                .ToList();
            Assert.True(evaluation.IsValid || reasons.Count == 0, $"The {typeof(T).Name} schema rejects {json}: {string.Join("; ", reasons)}");
        }
    }
}
