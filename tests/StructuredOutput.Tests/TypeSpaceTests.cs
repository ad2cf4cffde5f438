using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.Json;
using Json.Schema;

namespace StructuredOutput.Tests.TypeSpace;

/// <summary>Every supported .NET type through the generated parser, schema and prompt.</summary>
public class TypeSpaceTests
{
    internal const string ScalarsJson = """
        {"sByte":-128,"byte":255,"int16":-32768,"uInt16":65535,"int32":-2147483648,"uInt32":4294967295,
         "int64":-9223372036854775808,"uInt64":18446744073709551615,"single":1.5,"double":2.25,"decimal":79228162514264337593543950335,
         "bool":true,"char":"é","text":"hi","when":"2024-05-01T09:30:00+02:00","at":"2024-05-01T09:30:00+02:00",
         "day":"2024-02-29","time":"14:30:15","duration":"P1DT2H30M","id":"0f8fad5b-d9cb-469f-a165-70867728950e",
         "link":"https://example.com/a?b=c","shade":"dark-ish"}
        """;

    [Fact]
    public void Every_scalar_type_reads_its_extreme_and_formatted_values()
    {
        var result = LlmContract<Scalars>.Parse(ScalarsJson);
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        var v = result.Value!;
        Assert.Equal(sbyte.MinValue, v.SByte);
        Assert.Equal(byte.MaxValue, v.Byte);
        Assert.Equal(short.MinValue, v.Int16);
        Assert.Equal(ushort.MaxValue, v.UInt16);
        Assert.Equal(int.MinValue, v.Int32);
        Assert.Equal(uint.MaxValue, v.UInt32);
        Assert.Equal(long.MinValue, v.Int64);
        Assert.Equal(ulong.MaxValue, v.UInt64);
        Assert.Equal(1.5f, v.Single);
        Assert.Equal(2.25, v.Double);
        Assert.Equal(decimal.MaxValue, v.Decimal);
        Assert.True(v.Bool);
        Assert.Equal('é', v.Char);
        Assert.Equal(new DateTime(2024, 5, 1, 7, 30, 0, DateTimeKind.Utc), v.When);
        Assert.Equal(DateTimeKind.Utc, v.When.Kind);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 9, 30, 0, TimeSpan.FromHours(2)), v.At);
        Assert.Equal(TimeSpan.FromHours(2), v.At.Offset);
        Assert.Equal(new DateOnly(2024, 2, 29), v.Day);
        Assert.Equal(new TimeOnly(14, 30, 15), v.Time);
        Assert.Equal(new TimeSpan(1, 2, 30, 0), v.Duration);
        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), v.Id);
        Assert.Equal(new Uri("https://example.com/a?b=c"), v.Link);
        Assert.Equal(Shade.Dark, v.Shade);
        Assert.Empty(result.Repairs);
    }

    [Fact]
    public void A_date_time_without_offset_stays_unspecified_and_a_duration_may_use_the_constant_format()
    {
        string json = ScalarsJson.Replace("\"when\":\"2024-05-01T09:30:00+02:00\"", "\"when\":\"2024-05-01T09:30:00\"")
            .Replace("\"P1DT2H30M\"", "\"1.02:30:00\"");
        var v = LlmContract<Scalars>.Parse(json).Value!;
        Assert.Equal(new DateTime(2024, 5, 1, 9, 30, 0), v.When);
        Assert.Equal(DateTimeKind.Unspecified, v.When.Kind);
        Assert.Equal(new TimeSpan(1, 2, 30, 0), v.Duration);
    }

    [Theory]
    [InlineData("\"byte\":255", "\"byte\":256", "$.byte", ExtractionErrorKind.OutOfRange, "an integer from 0 to 255")]
    [InlineData("\"sByte\":-128", "\"sByte\":-129", "$.sByte", ExtractionErrorKind.OutOfRange, "an integer from -128 to 127")]
    [InlineData("\"uInt64\":18446744073709551615", "\"uInt64\":-1", "$.uInt64", ExtractionErrorKind.OutOfRange, "an integer from 0 to 18446744073709551615")]
    [InlineData("\"uInt32\":4294967295", "\"uInt32\":1.5", "$.uInt32", ExtractionErrorKind.NotAnInteger, "expected an integer, found 1.5")]
    [InlineData("\"single\":1.5", "\"single\":1e39", "$.single", ExtractionErrorKind.OutOfRange, "within the range of a float")]
    [InlineData("\"char\":\"é\"", "\"char\":\"ab\"", "$.char", ExtractionErrorKind.InvalidFormat, "expected a string of one character, found \"ab\"")]
    [InlineData("\"char\":\"é\"", "\"char\":\"\"", "$.char", ExtractionErrorKind.InvalidFormat, "a string of one character")]
    [InlineData("\"at\":\"2024-05-01T09:30:00+02:00\"", "\"at\":\"2024-05-01T09:30:00\"", "$.at", ExtractionErrorKind.InvalidFormat, "with an offset")]
    [InlineData("\"when\":\"2024-05-01T09:30:00+02:00\"", "\"when\":\"May 1st\"", "$.when", ExtractionErrorKind.InvalidFormat, "ISO 8601 date-time")]
    [InlineData("\"day\":\"2024-02-29\"", "\"day\":\"2023-02-29\"", "$.day", ExtractionErrorKind.InvalidFormat, "YYYY-MM-DD")]
    [InlineData("\"day\":\"2024-02-29\"", "\"day\":\"2024-02-29T00:00:00\"", "$.day", ExtractionErrorKind.InvalidFormat, "found \"2024-02-29T00:00:00\"")]
    [InlineData("\"time\":\"14:30:15\"", "\"time\":\"25:00\"", "$.time", ExtractionErrorKind.InvalidFormat, "HH:mm:ss")]
    [InlineData("\"time\":\"14:30:15\"", "\"time\":\"14:30:15+2\"", "$.time", ExtractionErrorKind.InvalidFormat, "HH:mm:ss")]
    [InlineData("\"duration\":\"P1DT2H30M\"", "\"duration\":\"P1Y\"", "$.duration", ExtractionErrorKind.InvalidFormat, "years have no fixed length")]
    [InlineData("\"duration\":\"P1DT2H30M\"", "\"duration\":\"P2M\"", "$.duration", ExtractionErrorKind.InvalidFormat, "months have no fixed length")]
    [InlineData("\"duration\":\"P1DT2H30M\"", "\"duration\":\"soon\"", "$.duration", ExtractionErrorKind.InvalidFormat, "ISO 8601 duration")]
    [InlineData("\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"", "\"id\":\"0f8fad5b\"", "$.id", ExtractionErrorKind.InvalidFormat, "a UUID")]
    [InlineData("\"link\":\"https://example.com/a?b=c\"", "\"link\":\"/relative/path\"", "$.link", ExtractionErrorKind.InvalidFormat, "an absolute URI")]
    [InlineData("\"shade\":\"dark-ish\"", "\"shade\":\"Dark\"", "$.shade", ExtractionErrorKind.UnknownEnumValue, "\"dark-ish\"")]
    [InlineData("\"day\":\"2024-02-29\"", "\"day\":20240229", "$.day", ExtractionErrorKind.WrongKind, "found 20240229")]
    public void A_bad_scalar_is_an_error_at_its_path(string good, string bad, string path, ExtractionErrorKind kind, string message)
    {
        Assert.Contains(good, ScalarsJson);
        var result = LlmContract<Scalars>.Parse(ScalarsJson.Replace(good, bad));
        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(kind, error.Kind);
        Assert.Contains(message, error.Message);
    }

    internal const string CollectionsJson = """
        {"array":[1,2],"list":[3],"iList":[4],"iReadOnlyList":[5],"iCollection":[6],"iReadOnlyCollection":[7],"iEnumerable":[8,9],
         "immutable":[10,11],"set":["a","b","a"],"shades":["Light","Neon"],"map":{"x":1,"y":2},
         "points":{"origin":{"x":0,"y":0},"far":{"x":9,"y":9}},"calendar":{"holidays":["2024-12-25"],"none":null},"maybePoints":null}
        """;

    [Fact]
    public void Every_collection_shape_reads_and_a_repeated_set_item_is_dropped_as_a_repair()
    {
        var result = LlmContract<Collections>.Parse(CollectionsJson);
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        var v = result.Value!;
        Assert.Equal(new[] { 1, 2 }, v.Array);
        Assert.IsType<List<int>>(v.List);
        Assert.Equal(new[] { 3 }, v.List);
        Assert.Equal(new[] { 4 }, v.IList);
        Assert.Equal(new[] { 5 }, v.IReadOnlyList);
        Assert.Equal(new[] { 6 }, v.ICollection);
        Assert.Equal(new[] { 7 }, v.IReadOnlyCollection);
        Assert.Equal(new[] { 8, 9 }, v.IEnumerable);
        Assert.Equal(new[] { 10, 11 }, v.Immutable.ToArray());
        Assert.Equal(new HashSet<string> { "a", "b" }, v.Set);
        Assert.True(v.Shades.SetEquals(new[] { Shade.Light, Shade.Neon }));
        Assert.Equal(new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 }, v.Map);
        Assert.Equal(new Point(9, 9), v.Points["far"]);
        Assert.Equal(new[] { new DateOnly(2024, 12, 25) }, v.Calendar["holidays"]);
        Assert.Null(v.Calendar["none"]);
        Assert.Null(v.MaybePoints);
        Assert.Equal("Dropped the repeated set item $.set[2].", Assert.Single(result.Repairs));
    }

    [Fact]
    public void Dictionary_errors_name_the_key_and_a_repeated_key_is_an_error()
    {
        string json = CollectionsJson
            .Replace("\"far\":{\"x\":9,\"y\":9}", "\"far\":{\"x\":\"nine\",\"y\":9}")
            .Replace("\"map\":{\"x\":1,\"y\":2}", "\"map\":{\"x\":1,\"x\":2}")
            .Replace("\"holidays\":[\"2024-12-25\"]", "\"holidays\":[\"Christmas\"]");
        var result = LlmContract<Collections>.Parse(json);
        Assert.False(result.IsSuccess);
        Assert.Equal(
            new[] { ("$.map.x", ExtractionErrorKind.DuplicateProperty), ("$.points.far.x", ExtractionErrorKind.WrongKind), ("$.calendar.holidays[0]", ExtractionErrorKind.InvalidFormat) },
            result.Errors.Select(e => (e.Path, e.Kind)).ToArray());
    }

    [Fact]
    public void Every_missing_nullable_is_null_with_a_repair_and_every_present_one_is_read()
    {
        var empty = LlmContract<Optionals>.Parse("{}");
        Assert.True(empty.IsSuccess, string.Join("\n", empty.Errors));
        Assert.Equal(new Optionals(null, null, null, null, null, null, null), empty.Value);
        Assert.Equal(7, empty.Repairs.Count);

        var full = LlmContract<Optionals>.Parse("""{"count":1,"day":"2024-01-02","id":"0f8fad5b-d9cb-469f-a165-70867728950e","link":"urn:isbn:0451450523","shade":"Neon","times":["2024-01-02T03:04:05Z"],"initial":"Q"}""");
        Assert.True(full.IsSuccess, string.Join("\n", full.Errors));
        Assert.Equal(new Uri("urn:isbn:0451450523"), full.Value!.Link);
        Assert.Equal('Q', full.Value.Initial);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), Assert.Single(full.Value.Times!));
    }

    [Fact]
    public void Optional_constructor_parameters_take_their_defaults_when_missing_or_null()
    {
        var missing = LlmContract<Defaults>.Parse("""{"name":"n","must":7}""");
        Assert.True(missing.IsSuccess, string.Join("\n", missing.Errors));
        Assert.Equal(new Defaults("n", 3, Shade.Dark, null, "g", 7), missing.Value);
        Assert.Empty(missing.Repairs);

        var nulls = LlmContract<Defaults>.Parse("""{"name":"n","count":null,"shade":null,"note":null,"unit":null,"must":7}""");
        Assert.True(nulls.IsSuccess, string.Join("\n", nulls.Errors));
        Assert.Equal(new Defaults("n", 3, Shade.Dark, null, "g", 7), nulls.Value);

        var given = LlmContract<Defaults>.Parse("""{"name":"n","count":5,"shade":"Neon","note":"x","unit":"kg","must":7}""");
        Assert.Equal(new Defaults("n", 5, Shade.Neon, "x", "kg", 7), given.Value);

        // [JsonRequired] makes an optional parameter required.
        var noMust = LlmContract<Defaults>.Parse("""{"name":"n"}""");
        Assert.Equal("$.must", Assert.Single(noMust.Errors).Path);
    }

    [Fact]
    public void Optional_members_are_not_required_in_the_schema_and_carry_their_default()
    {
        using var doc = JsonDocument.Parse(LlmContract<Defaults>.JsonSchema);
        var root = doc.RootElement;
        Assert.Equal(new[] { "name", "must" }, root.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.Equal(3, root.GetProperty("properties").GetProperty("count").GetProperty("default").GetInt32());
        Assert.Equal("dark-ish", root.GetProperty("properties").GetProperty("shade").GetProperty("default").GetString());
        Assert.Equal("g", root.GetProperty("properties").GetProperty("unit").GetProperty("default").GetString());
        Assert.Contains("count?: int; // default 3", LlmContract<Defaults>.Prompt);
        Assert.Contains("(those marked ? may be left out)", LlmContract<Defaults>.Prompt);
    }

    [Fact]
    public void Classes_structs_and_inherited_members_read_and_computed_properties_are_not_data()
    {
        var derived = LlmContract<Derived>.Parse("""{"id":"a1","level":3,"seen":"2024-01-01T00:00:00Z"}""");
        Assert.True(derived.IsSuccess, string.Join("\n", derived.Errors));
        Assert.Equal("a1", derived.Value!.Id);
        Assert.Equal(3, derived.Value.Level);
        Assert.DoesNotContain("shout", LlmContract<Derived>.JsonSchema);
        Assert.Contains("\"id\":{\"type\":\"string\",\"description\":\"The id.\"}", System.Text.Json.Nodes.JsonNode.Parse(LlmContract<Derived>.JsonSchema)!.ToJsonString());

        var measure = LlmContract<Measure>.Parse("""{"value":2.5,"unit":"kg"}""");
        Assert.Equal(2.5, measure.Value.Value);
        Assert.Equal("kg", measure.Value.Unit);
    }

    [Theory]
    [InlineData("Scalars")]
    [InlineData("Collections")]
    [InlineData("Optionals")]
    [InlineData("Defaults")]
    [InlineData("Constrained")]
    public void Formats_and_ranges_reach_the_schema(string type)
    {
        string schema = System.Text.Json.Nodes.JsonNode.Parse(SchemaOf(type))!.ToJsonString();
        JsonSchema.FromText(schema); // parses as a schema
        if (type == "Scalars")
        {
            foreach (string expected in new[]
            {
                "\"byte\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":255}",
                "\"uInt64\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":18446744073709551615}",
                "\"single\":{\"type\":\"number\"}",
                "\"char\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1}",
                "\"when\":{\"type\":\"string\",\"format\":\"date-time\"}",
                "\"at\":{\"type\":\"string\",\"format\":\"date-time\"}",
                "\"day\":{\"type\":\"string\",\"format\":\"date\"}",
                "\"time\":{\"type\":\"string\",\"format\":\"time\"}",
                "\"duration\":{\"type\":\"string\",\"format\":\"duration\"}",
                "\"id\":{\"type\":\"string\",\"format\":\"uuid\"}",
                "\"link\":{\"type\":\"string\",\"format\":\"uri\"}",
                "\"shade\":{\"type\":\"string\",\"enum\":[\"Light\",\"dark-ish\",\"Neon\"]}",
            })
            {
                Assert.Contains(expected, schema);
            }
        }
        else if (type == "Collections")
        {
            Assert.Contains("\"set\":{\"type\":\"array\",\"uniqueItems\":true,\"items\":{\"type\":\"string\"}}", schema);
            Assert.Contains("\"map\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"", schema);
            Assert.Contains("\"maybePoints\":{\"type\":[\"array\",\"null\"]", schema);
        }
    }

    [Fact]
    public void Valid_answers_pass_an_independent_validator_with_format_assertion()
    {
        // RFC 3339's "time" has an offset; the parser keeps the clock time and says it dropped the offset.
        string withOffset = ScalarsJson.Replace("\"time\":\"14:30:15\"", "\"time\":\"14:30:15Z\"");
        Assert.True(Validate<Scalars>(withOffset), "Scalars");
        var parsed = LlmContract<Scalars>.Parse(withOffset);
        Assert.Equal(new TimeOnly(14, 30, 15), parsed.Value!.Time);
        Assert.Equal("Dropped the offset Z from the time of day at $.time.", Assert.Single(parsed.Repairs));
        Assert.True(Validate<Collections>(CollectionsJson.Replace("[\"a\",\"b\",\"a\"]", "[\"a\",\"b\"]")), "Collections");
        Assert.True(Validate<Defaults>("""{"name":"n","must":1}"""), "Defaults");
        Assert.False(Validate<Scalars>(ScalarsJson.Replace("\"byte\":255", "\"byte\":256")));
        Assert.False(Validate<Scalars>(ScalarsJson.Replace("\"char\":\"é\"", "\"char\":\"ab\"")));
        Assert.False(Validate<Scalars>(ScalarsJson.Replace("\"2024-02-29\"", "\"Feb 29\"")));
        Assert.False(Validate<Collections>(CollectionsJson));
    }

    [Fact]
    public void Parse_options_reach_the_generated_parser()
    {
        string deep = "{\"x\":1,\"y\":2,\"z\":[[[[1]]]]}";
        Assert.True(LlmContract<global::StructuredOutput.Tests.Point>.Parse(deep).IsSuccess);
        var limited = LlmContract<global::StructuredOutput.Tests.Point>.Parse(deep, new ParseOptions { MaxDepth = 3 });
        Assert.Equal(ExtractionErrorKind.TooDeep, Assert.Single(limited.Errors).Kind);

        string fenced = "```json\n{\"x\":1,\"y\":2,}\n```";
        Assert.True(LlmContract<global::StructuredOutput.Tests.Point>.Parse(fenced).IsSuccess);
        var strict = LlmContract<global::StructuredOutput.Tests.Point>.Parse(fenced, new ParseOptions { AllowRepairs = false });
        Assert.False(strict.IsSuccess);
        Assert.True(LlmContract<global::StructuredOutput.Tests.Point>.Parse("{\"x\":1,\"y\":2}", new ParseOptions { MaxAnswerLength = 20 }).IsSuccess);
        Assert.Equal(ExtractionErrorKind.TooLarge, Assert.Single(LlmContract<global::StructuredOutput.Tests.Point>.Parse("{\"x\":1,\"y\":2}    ", new ParseOptions { MaxAnswerLength = 16 }).Errors).Kind);
    }

    internal static bool Validate<T>(string instance, bool strict = false) where T : ILlmExtractable<T>
    {
        var schema = JsonSchema.FromText(strict ? LlmContract<T>.StrictJsonSchema! : LlmContract<T>.JsonSchema);
        using var doc = JsonDocument.Parse(instance);
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
        if (!result.IsValid && Environment.GetEnvironmentVariable("STRUCTUREDOUTPUT_SHOW_SCHEMA_ERRORS") == "1")
        {
            foreach (var detail in (result.Details ?? new List<EvaluationResults>()).Where(d => d.Errors is { Count: > 0 }))
            {
                Console.Error.WriteLine($"{detail.InstanceLocation}: {string.Join("; ", detail.Errors!.Values)}");
            }
        }

        return result.IsValid;
    }

    private static string SchemaOf(string type) => type switch
    {
        "Scalars" => LlmContract<Scalars>.JsonSchema,
        "Collections" => LlmContract<Collections>.JsonSchema,
        "Optionals" => LlmContract<Optionals>.JsonSchema,
        "Defaults" => LlmContract<Defaults>.JsonSchema,
        _ => LlmContract<Constrained>.JsonSchema,
    };
}
