using System.Linq;

namespace StructuredOutput.Tests;

/// <summary>Each kind of error is reported, all of them in one pass, each at its JSON path.</summary>
public class ParserErrorTests
{
    private static ParseResult<T> Fail<T>(string json) where T : ILlmExtractable<T>
    {
        var result = LlmContract<T>.Parse(json);
        Assert.False(result.IsSuccess);
        Assert.Equal(default, result.Value);
        Assert.NotEmpty(result.Errors);
        return result;
    }

    private static ExtractionError Single(ParseResult<AllScalars> result, string path) =>
        Assert.Single(result.Errors, e => e.Path == path);

    private const string ValidScalars = """{"text":"t","flag":true,"count":1,"big":2,"ratio":0.5,"price":1.5,"color":"Red"}""";

    private static string WithScalar(string member, string value) =>
        System.Text.RegularExpressions.Regex.Replace(ValidScalars, $"\"{member}\":[^,}}]+", $"\"{member}\":{value}");

    [Fact]
    public void Missing_required_property()
    {
        var result = Fail<AllScalars>("""{"text":"t","flag":true,"big":2,"ratio":0.5,"price":1.5,"color":"Red"}""");
        var error = Assert.Single(result.Errors);
        Assert.Equal("$.count", error.Path);
        Assert.Equal(ExtractionErrorKind.MissingProperty, error.Kind);
        Assert.Equal("is required but missing; expected an integer", error.Message);
    }

    [Theory]
    [InlineData("count", "\"four\"", ExtractionErrorKind.WrongKind, "expected an integer, found \"four\"")]
    [InlineData("count", "2.5", ExtractionErrorKind.NotAnInteger, "expected an integer, found 2.5")]
    [InlineData("count", "2147483648", ExtractionErrorKind.OutOfRange, "expected an integer from -2147483648 to 2147483647, found 2147483648")]
    [InlineData("big", "1e30", ExtractionErrorKind.OutOfRange, "expected an integer from -9223372036854775808 to 9223372036854775807, found 1e30")]
    [InlineData("count", "1e-40", ExtractionErrorKind.NotAnInteger, "expected an integer, found 1e-40")]
    [InlineData("count", "null", ExtractionErrorKind.NullNotAllowed, "expected an integer, found null")]
    [InlineData("text", "null", ExtractionErrorKind.NullNotAllowed, "expected a string, found null")]
    [InlineData("text", "12", ExtractionErrorKind.WrongKind, "expected a string, found 12")]
    [InlineData("flag", "\"yes\"", ExtractionErrorKind.WrongKind, "expected true or false, found \"yes\"")]
    [InlineData("ratio", "1e400", ExtractionErrorKind.OutOfRange, "expected a number within the range of a double, found 1e400")]
    [InlineData("price", "1e40", ExtractionErrorKind.OutOfRange, "expected a number within the range of a decimal (±7.9e28), found 1e40")]
    [InlineData("price", "[1]", ExtractionErrorKind.WrongKind, "expected a number, found an array")]
    [InlineData("color", "\"Purple\"", ExtractionErrorKind.UnknownEnumValue, "expected one of \"Red\", \"Green\", \"Blue\", found \"Purple\"")]
    [InlineData("color", "\"crimson\"", ExtractionErrorKind.UnknownEnumValue, "expected one of \"Red\", \"Green\", \"Blue\", found \"crimson\"")]
    [InlineData("color", "{\"a\":1}", ExtractionErrorKind.WrongKind, "expected one of \"Red\", \"Green\", \"Blue\", found an object")]
    public void Scalar_errors(string member, string value, ExtractionErrorKind kind, string message)
    {
        var result = Fail<AllScalars>(WithScalar(member, value));
        var error = Single(result, "$." + member);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(message, error.Message);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Nullable_members_say_null_was_allowed()
    {
        var result = Fail<Nullables>(
            """{"text":1,"flag":null,"count":"x","big":null,"ratio":null,"price":null,"color":"Pink","inner":null,"numbers":null}""");
        Assert.Equal("expected a string or null, found 1", Assert.Single(result.Errors, e => e.Path == "$.text").Message);
        Assert.Equal("expected an integer or null, found \"x\"", Assert.Single(result.Errors, e => e.Path == "$.count").Message);
        Assert.Equal("expected one of \"Red\", \"Green\", \"Blue\" or null, found \"Pink\"", Assert.Single(result.Errors, e => e.Path == "$.color").Message);
        Assert.Equal(3, result.Errors.Count);
    }

    [Fact]
    public void All_errors_are_collected_in_one_pass_with_nested_paths()
    {
        var result = Fail<Collections>(
            """
            {"items":[{"label":"a","value":1},{"label":5,"value":"x"},{"value":3}],
             "array":"c",
             "names":["x",null],
             "numbers":[1,2.5],
             "matrix":[[1],[2,"three"]],
             "sparse":[null,"n"],
             "maybeNames":[null,7],
             "colors":["Red","Mauve"],
             "person":{"name":"Ada","age":36}}
            """);
        var byPath = result.Errors.ToDictionary(e => e.Path, e => e.Kind);
        Assert.Equal(ExtractionErrorKind.WrongKind, byPath["$.items[1].label"]);
        Assert.Equal(ExtractionErrorKind.WrongKind, byPath["$.items[1].value"]);
        Assert.Equal(ExtractionErrorKind.MissingProperty, byPath["$.items[2].label"]);
        Assert.Equal(ExtractionErrorKind.WrongKind, byPath["$.array[0]"]); // a single value is read as a list of one
        Assert.Equal(ExtractionErrorKind.NullNotAllowed, byPath["$.names[1]"]);
        Assert.Equal(ExtractionErrorKind.NotAnInteger, byPath["$.numbers[1]"]);
        Assert.Equal(ExtractionErrorKind.WrongKind, byPath["$.matrix[1][1]"]);
        Assert.Equal(ExtractionErrorKind.WrongKind, byPath["$.sparse[1]"]);
        Assert.Equal(ExtractionErrorKind.WrongKind, byPath["$.maybeNames[1]"]);
        Assert.Equal(ExtractionErrorKind.UnknownEnumValue, byPath["$.colors[1]"]);
        Assert.Equal(ExtractionErrorKind.MissingProperty, byPath["$.person.tags"]);
        Assert.Equal(11, result.Errors.Count);
    }

    [Fact]
    public void Duplicate_property_is_an_error_not_a_silent_overwrite()
    {
        var result = Fail<Point>("""{"x":1,"y":2,"x":3}""");
        var error = Assert.Single(result.Errors);
        Assert.Equal("$.x", error.Path);
        Assert.Equal(ExtractionErrorKind.DuplicateProperty, error.Kind);
    }

    [Fact]
    public void Unknown_properties_are_ignored_and_reported_as_repairs()
    {
        var result = LlmContract<Point>.Parse("""{"x":1,"z":{"deep":[1,2,{"a":null}]},"y":2,"my key":"v"}""");
        Assert.True(result.IsSuccess);
        Assert.Equal(new Point(1, 2), result.Value);
        Assert.Equal(new[] { "Ignored the unknown property $.z.", "Ignored the unknown property $['my key']." }, result.Repairs);
    }

    [Fact]
    public void Missing_nullable_member_is_taken_as_null_and_reported()
    {
        var result = LlmContract<Nullables>.Parse("""{"text":"t","flag":null,"count":null,"big":null,"ratio":null,"price":null,"color":null,"inner":null}""");
        Assert.True(result.IsSuccess);
        Assert.Null(result.Value!.Numbers);
        Assert.Equal("Took the missing property $.numbers as null.", Assert.Single(result.Repairs));
    }

    [Fact]
    public void A_constructor_that_rejects_the_values_becomes_an_error_at_its_path()
    {
        var result = Fail<Percentage>("""{"value":140}""");
        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Path);
        Assert.Equal(ExtractionErrorKind.ConstructionFailed, error.Kind);
        Assert.Contains("must be from 0 to 100", error.Message);
        Assert.Equal(99, LlmContract<Percentage>.Parse("""{"value":99}""").Value!.Value);
    }

    [Fact]
    public void Wrong_root_kind_and_syntax_errors_are_reported_at_the_root()
    {
        var array = Fail<Point>("[1,2]");
        Assert.Equal(ExtractionErrorKind.NoJson, Assert.Single(array.Errors).Kind);
        Assert.Contains("a JSON array", array.Errors[0].Message);

        // Malformed beyond repair: the error names the value after which the text stops making sense, and where.
        var syntax = Fail<Point>("""{"x":1,"y":2 oops}""");
        var error = Assert.Single(syntax.Errors);
        Assert.Equal("$.y", error.Path);
        Assert.Equal(ExtractionErrorKind.InvalidJson, error.Kind);
        Assert.Equal("is not valid JSON: expected ',' or '}' after $.y, found \"oops}\" at line 1, column 14", error.Message);
    }

    [Fact]
    public void Deep_nesting_ends_in_a_clean_error()
    {
        string deep = "{\"label\":\"r\",\"children\":[" + string.Concat(Enumerable.Repeat("{\"label\":\"n\",\"children\":[", 200))
            + string.Concat(Enumerable.Repeat("]}", 200)) + "]}";
        var result = Fail<TreeNode>(deep);
        Assert.Equal(ExtractionErrorKind.TooDeep, Assert.Single(result.Errors).Kind);

        var brackets = Fail<TreeNode>("{\"label\":" + new string('[', 100_000) + new string(']', 100_000) + "}");
        Assert.NotEmpty(brackets.Errors);
    }

    [Fact]
    public void Lone_surrogates_end_in_a_clean_error()
    {
        var escaped = Fail<ChatTurn>("""{"prompt":"\ud800","answer":"a"}""");
        Assert.Equal(ExtractionErrorKind.InvalidString, Assert.Single(escaped.Errors).Kind);
        Assert.Equal("$.prompt", escaped.Errors[0].Path);

        var raw = Fail<ChatTurn>("{\"prompt\":\"\ud800\",\"answer\":\"a\"}");
        Assert.Equal(ExtractionErrorKind.InvalidString, Assert.Single(raw.Errors).Kind);
    }

    [Fact]
    public void The_number_of_listed_errors_is_bounded()
    {
        string json = "{\"label\":\"r\",\"children\":[" + string.Join(",", Enumerable.Repeat("{\"label\":1,\"children\":[]}", 500)) + "]}";
        var result = Fail<TreeNode>(json);
        Assert.Equal(51, result.Errors.Count);
        Assert.Equal(ExtractionErrorKind.TooManyErrors, result.Errors[^1].Kind);
        Assert.Contains("450 more errors", result.Errors[^1].Message);
    }

    [Fact]
    public void Long_found_values_are_cut_in_messages()
    {
        var result = Fail<AllScalars>(WithScalar("count", "\"" + new string('x', 5000) + "\""));
        Assert.True(result.Errors[0].Message.Length < 120, result.Errors[0].Message);
    }
}
