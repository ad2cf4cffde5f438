using System;
using System.Buffers;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using StructuredOutput.Tests.Fuzzing;
using StructuredOutput.Tests.TypeSpace;
using StructuredOutput.Writing;

namespace StructuredOutput.Tests.Writing;

/// <summary>
/// The generated writer: the contract's names and formats, null members written as null, and a clear error with the
/// JSON path for a value the contract has no JSON for.
/// </summary>
public class WriterTests
{
    private static readonly Scalars SomeScalars = new(
        -8, 200, -300, 60000, -70000, 4_000_000_000, -9_000_000_000, 18_000_000_000_000_000_000,
        1.5f, 0.1, 1.50m, true, 'é', "crème \"brûlée\"\n",
        new DateTime(2024, 5, 1, 9, 30, 0, DateTimeKind.Utc),
        new DateTimeOffset(2024, 5, 1, 9, 30, 0, TimeSpan.FromHours(2)),
        new DateOnly(2024, 2, 29),
        new TimeOnly(9, 30, 0, 500),
        new TimeSpan(1, 2, 30, 0),
        Guid.Parse("0F8FAD5B-D9CB-469F-A165-70867728950E"),
        new Uri("https://example.com/a?b=c"),
        Shade.Dark);

    [Fact]
    public void Every_scalar_is_written_in_the_contracts_names_and_formats()
    {
        string json = LlmContract<Scalars>.ToJson(SomeScalars);

        Assert.Equal(
            """{"sByte":-8,"byte":200,"int16":-300,"uInt16":60000,"int32":-70000,"uInt32":4000000000,"int64":-9000000000,"uInt64":18000000000000000000,"single":1.5,"double":0.1,"decimal":1.50,"bool":true,"char":"é","text":"crème \"brûlée\"\n","when":"2024-05-01T09:30:00Z","at":"2024-05-01T09:30:00+02:00","day":"2024-02-29","time":"09:30:00.5","duration":"P1DT2H30M","id":"0f8fad5b-d9cb-469f-a165-70867728950e","link":"https://example.com/a?b=c","shade":"dark-ish"}""",
            json);
        var result = LlmContract<Scalars>.Parse(json);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Empty(result.Repairs);
        Assert.Equal(SomeScalars, result.Value);
    }

    [Fact]
    public void Collections_sets_and_dictionaries_are_written_as_arrays_and_objects()
    {
        var value = new TypeSpace.Collections(
            [1, 2], [3], [4], [5], [6], [7], [8], ImmutableArray.Create(9),
            ["a"], new HashSet<Shade> { Shade.Neon },
            new Dictionary<string, int> { ["one"] = 1, ["a b"] = 2 },
            new Dictionary<string, TypeSpace.Point> { ["p"] = new(1, 2) },
            new Dictionary<string, List<DateOnly>?> { ["d"] = [new DateOnly(2024, 1, 2)], ["none"] = null },
            default(ImmutableArray<TypeSpace.Point>?));

        string json = LlmContract<TypeSpace.Collections>.ToJson(value);

        Assert.Equal(
            """{"array":[1,2],"list":[3],"iList":[4],"iReadOnlyList":[5],"iCollection":[6],"iReadOnlyCollection":[7],"iEnumerable":[8],"immutable":[9],"set":["a"],"shades":["Neon"],"map":{"one":1,"a b":2},"points":{"p":{"x":1,"y":2}},"calendar":{"d":["2024-01-02"],"none":null},"maybePoints":null}""",
            json);
        Assert.True(LlmContract<TypeSpace.Collections>.Parse(json) is { IsSuccess: true, Repairs.Count: 0 });
    }

    [Fact]
    public void A_null_optional_member_is_written_as_null_so_its_default_does_not_come_back()
    {
        var value = new Measurement("s1", new Dictionary<string, double>(), Unit: null);

        string json = LlmContract<Measurement>.ToJson(value);

        Assert.Contains("\"unit\":null", json, StringComparison.Ordinal);
        var result = LlmContract<Measurement>.Parse(json);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Null(result.Value!.Unit);
        Assert.Equal("kg", LlmContract<Measurement>.Parse("""{"sensor":"s1","values":{}}""").Value!.Unit);
    }

    [Fact]
    public void Every_member_is_written_null_ones_included()
    {
        string json = LlmContract<Optionals>.ToJson(new Optionals(null, null, null, null, null, null, null));

        Assert.Equal("""{"count":null,"day":null,"id":null,"link":null,"shade":null,"times":null,"initial":null}""", json);
    }

    [Fact]
    public void A_null_in_a_non_nullable_member_is_written_as_null_and_Parse_names_it()
    {
        string json = LlmContract<Inner2>.ToJson(new Inner2(null!, 1));

        Assert.Equal("""{"label":null,"value":1}""", json);
        var result = LlmContract<Inner2>.Parse(json);
        Assert.False(result.IsSuccess);
        Assert.Equal("$.label", Assert.Single(result.Errors).Path);
    }

    [Theory]
    [InlineData(DateTimeKind.Utc, "\"2024-05-01T09:30:00.1234567Z\"")]
    [InlineData(DateTimeKind.Unspecified, "\"2024-05-01T09:30:00.1234567\"")]
    public void A_DateTime_keeps_its_kind_and_every_tick(DateTimeKind kind, string expected)
    {
        var when = new DateTime(2024, 5, 1, 9, 30, 0, kind).AddTicks(1234567);

        Assert.Equal(expected, Write(JsonWriters.WriteDateTime, when));
        DateTime read = ReadBack<DateTime>(expected, Reading.JsonReaders.ReadDateTime);
        Assert.Equal(when, read);
        Assert.Equal(kind, read.Kind);
    }

    [Fact]
    public void A_local_DateTime_is_written_with_its_offset_and_read_back_as_the_same_instant()
    {
        var local = new DateTime(2024, 5, 1, 9, 30, 0, DateTimeKind.Local);

        string json = Write(JsonWriters.WriteDateTime, local);

        Assert.Equal(local.ToUniversalTime(), ReadBack<DateTime>(json, Reading.JsonReaders.ReadDateTime));
    }

    [Theory]
    [InlineData(0L, "PT0S")]
    [InlineData(15_000_000L, "PT1.5S")]
    [InlineData(1L, "PT0.0000001S")]
    [InlineData(36_000_000_000L, "PT1H")]
    [InlineData(864_000_000_000L, "P1D")]
    [InlineData(954_000_000_000L, "P1DT2H30M")]
    [InlineData(864_000_000_010L, "P1DT0.000001S")]
    [InlineData(-954_000_000_000L, "-1.02:30:00")]
    [InlineData(long.MaxValue, "P10675199DT2H48M5.4775807S")]
    public void A_duration_is_written_in_ISO_8601_and_read_back_to_the_tick(long ticks, string expected)
    {
        var duration = TimeSpan.FromTicks(ticks);

        string json = Write(JsonWriters.WriteTimeSpan, duration);

        Assert.Equal("\"" + expected + "\"", json);
        Assert.Equal(duration, ReadBack<TimeSpan>(json, Reading.JsonReaders.ReadTimeSpan));
    }

    [Fact]
    public void A_time_of_day_is_written_without_an_offset_and_with_its_fraction_only_when_it_has_one()
    {
        Assert.Equal("\"00:00:00\"", Write(JsonWriters.WriteTimeOnly, TimeOnly.MinValue));
        Assert.Equal("\"23:59:59.9999999\"", Write(JsonWriters.WriteTimeOnly, TimeOnly.MaxValue));
        Assert.Equal("\"0001-01-01\"", Write(JsonWriters.WriteDateOnly, DateOnly.MinValue));
    }

    [Fact]
    public void A_URI_read_from_JSON_is_written_back_as_it_was_and_one_given_with_spaces_is_escaped()
    {
        Assert.Equal("\"HTTP://EXAMPLE.COM\"", Write(JsonWriters.WriteUri, new Uri("HTTP://EXAMPLE.COM")));
        string escaped = Write(JsonWriters.WriteUri, new Uri("https://example.com/a b"));
        Assert.Equal("\"https://example.com/a%20b\"", escaped);
        Assert.Equal(new Uri("https://example.com/a%20b"), ReadBack<Uri>(escaped, Reading.JsonReaders.ReadUri));
    }

    [Fact]
    public void An_undefined_enum_value_is_an_ArgumentException_naming_its_path()
    {
        var value = new TypeSpace.Collections(
            [], [], [], [], [], [], [], [], [], new HashSet<Shade> { Shade.Light, (Shade)42 },
            new(), new Dictionary<string, TypeSpace.Point>(), new Dictionary<string, List<DateOnly>?>(), null);

        var e = Assert.ThrowsAny<ArgumentException>(() => LlmContract<TypeSpace.Collections>.ToJson(value));

        Assert.StartsWith("$.shades[1]: 42 is not a member of Shade", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"dark-ish\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_finite_number_in_a_dictionary_is_named_by_its_key()
    {
        var value = new Measurement("s1", new Dictionary<string, double> { ["ok"] = 1, ["bad key"] = double.NaN });

        var e = Assert.ThrowsAny<ArgumentException>(() => LlmContract<Measurement>.ToJson(value));

        Assert.Equal("$.values['bad key']: NaN is not a finite number, and JSON has no NaN or infinity", e.Message);
    }

    [Fact]
    public void A_non_finite_number_deep_in_nested_lists_is_named_by_its_indexes()
    {
        var outline = new Outline { Title = "t", Sections = [new Outline { Grid = [[1], [2, double.PositiveInfinity]] }] };

        var e = Assert.ThrowsAny<ArgumentException>(() => LlmContract<Outline>.ToJson(outline));

        Assert.StartsWith("$.sections[0].grid[1][1]: ∞ is not a finite number", e.Message.Replace("Infinity", "∞", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_URI_a_lone_surrogate_and_half_a_surrogate_pair_have_no_JSON_form()
    {
        var relative = Assert.ThrowsAny<ArgumentException>(() =>
            LlmContract<Measurement>.ToJson(new Measurement("s", new(), Source: new Uri("a/b", UriKind.Relative))));
        Assert.StartsWith("$.source: the URI \"a/b\" is relative", relative.Message, StringComparison.Ordinal);

        var text = Assert.ThrowsAny<ArgumentException>(() => LlmContract<Measurement>.ToJson(new Measurement("a\ud800b", new())));
        Assert.Equal("$.sensor: the text has no JSON form: its character 1 is U+D800, half of a surrogate pair", text.Message);

        var key = Assert.ThrowsAny<ArgumentException>(() =>
            LlmContract<Measurement>.ToJson(new Measurement("s", new() { ["ok \ud83d\ude00"] = 1, ["\udc00"] = 2 })));
        Assert.StartsWith("$.values: the key \"\udc00\" has no JSON form: its character 0 is U+DC00", key.Message, StringComparison.Ordinal);

        var grade = Assert.ThrowsAny<ArgumentException>(() => LlmContract<Measurement>.ToJson(new Measurement("s", new(), Grade: '\udc00')));
        Assert.StartsWith("$.grade: the character U+DC00 is half of a surrogate pair", grade.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_beyond_ASCII_is_kept_as_it_is_and_JSON_escapes_stay_where_JSON_needs_them()
    {
        string json = LlmContract<Measurement>.ToJson(new Measurement("Ünïcödé 😀 <b>&'\t\u0001", new()));

        Assert.StartsWith("""{"sensor":"Ünïcödé""", json, StringComparison.Ordinal);
        Assert.Contains("\\t\\u0001", json, StringComparison.Ordinal);
        Assert.Equal("Ünïcödé 😀 <b>&'\t\u0001", LlmContract<Measurement>.Parse(json).Value!.Sensor);
    }

    [Fact]
    public void Write_follows_the_writers_own_options_and_writes_the_same_JSON()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            LlmContract<Scalars>.Write(writer, SomeScalars);
        }

        string indented = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.Contains("\n  \"sByte\": -8,", indented, StringComparison.Ordinal);
        Assert.Equal(SomeScalars, LlmContract<Scalars>.Parse(indented).Value);
        Assert.Throws<ArgumentNullException>(() => LlmContract<Scalars>.Write(null!, SomeScalars));
    }

    [Fact]
    public void A_struct_root_and_a_recursive_type_are_written()
    {
        Assert.Equal("""{"x":1,"y":-2}""", LlmContract<Tests.Point>.ToJson(new Tests.Point(1, -2)));
        var tree = new TreeNode("a", [new TreeNode("b", []), new TreeNode("c", [new TreeNode("d", [])])]);
        Assert.Equal(
            """{"label":"a","children":[{"label":"b","children":[]},{"label":"c","children":[{"label":"d","children":[]}]}]}""",
            LlmContract<TreeNode>.ToJson(tree));
    }

    [Fact]
    public void A_value_that_contains_itself_stops_at_the_writers_depth_limit()
    {
        var outline = new Outline { Title = "loop" };
        outline.Next = outline;

        Assert.Throws<InvalidOperationException>(() => LlmContract<Outline>.ToJson(outline));
    }

    private static string Write<T>(JsonValueWriter<T> write, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static T ReadBack<T>(string json, Reading.JsonValueReader<T> read)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        var context = new Reading.JsonReadContext();
        Assert.True(read(ref reader, context, out T value), json + " was not read back");
        return value;
    }
}

/// <summary>A plain object with a non-nullable string.</summary>
[LlmExtract]
public partial record Inner2(string Label, int Value);
