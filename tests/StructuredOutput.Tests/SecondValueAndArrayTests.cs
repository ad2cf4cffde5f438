using System.Text.Json;
using StructuredOutput.Reading;

namespace StructuredOutput.Tests;

/// <summary>
/// What follows the object: text that starts like JSON (another object or array, complete, unfinished or malformed) is
/// a second value, never prose; and a top-level array is read only when it holds exactly one object.
/// </summary>
public class SecondValueAndArrayTests
{
    private const string Json = """{"x":1,"y":2}""";

    // A complete object followed by one that is cut off or malformed: the same guess as two objects.
    public static TheoryData<string> UnfinishedSecondValues => new()
    {
        Json + "\n{\"x\":3,\"y\":4",
        Json + "\n{\"x\":3,\"y\":\"4",
        Json + "\n{\"x\":3,",
        Json + "\n{\"x\"",
        Json + "\n{",
        Json + " {",
        Json + "\n{x: 3, y: 4",
        Json + "\n{'x': 3",
        Json + ",\n{\"x\":3,\"y\":4",
        Json + "\n[",
        Json + "\n[{\"x\":3",
        Json + "\n[1, 2",
        Json + "\nHere is another one: {\"x\":3,\"y\":",
        "Here it is: " + Json + "\n{\"x\":3,\"y\":4",
        "```json\n" + Json + "\n{\"x\":3,\"y\":4\n```",
        "```json\n" + Json + "\n```\n{\"x\":3,\"y\":4",
    };

    [Theory]
    [MemberData(nameof(UnfinishedSecondValues))]
    public void An_unfinished_second_value_after_the_object_is_rejected_not_ignored_as_prose(string answer)
    {
        foreach (bool repairs in new[] { true, false })
        {
            var result = JsonAnswerParser.Parse<JsonElement>(answer, TestReaders.Element, new ParseOptions { AllowRepairs = repairs });
            Assert.False(result.IsSuccess, $"accepted with repairs [{string.Join("; ", result.Repairs)}]");
            var error = Assert.Single(result.Errors);
            Assert.Equal(("$", ExtractionErrorKind.MultipleValues), (error.Path, error.Kind));
            Assert.Contains("answer with exactly one", error.Message, System.StringComparison.Ordinal);
            Assert.DoesNotContain(JsonTextLocator.ProseAfterRepair, result.Repairs);
        }
    }

    [Theory]
    [InlineData("{\"x\":1,\"y\":2,}\n{\"x\":3,\"y\":4")]
    [InlineData("{'x':1,'y':2}\n{'x':3")]
    [InlineData("{x: 1, y: 2}\n[{\"x\":3")]
    [InlineData("```json\n{\"x\":1,\"y\":2,}\n```\n{\"x\":3,")]
    public void The_repair_stage_follows_the_same_rule_for_the_text_after_the_object(string answer)
    {
        var result = LlmContract<Point>.Parse(answer);
        Assert.False(result.IsSuccess, $"accepted with repairs [{string.Join("; ", result.Repairs)}]");
        var error = Assert.Single(result.Errors);
        Assert.Equal(("$", ExtractionErrorKind.MultipleValues), (error.Path, error.Kind));
        Assert.Contains("answer with exactly one", error.Message, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Json + "\nHope this helps!")]
    [InlineData(Json + "\nThe {x} and {y} placeholders are filled in.")]
    [InlineData(Json + "\n[Note: x is the column.]")]
    [InlineData(Json + "\n(x, y) = (1, 2)")]
    [InlineData("```json\n" + Json + "\n```\nUse {x} for the column.")]
    public void Prose_after_the_object_is_still_ignored_and_said(string answer)
    {
        var result = LlmContract<Point>.Parse(answer);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Point(1, 2), result.Value);
    }

    [Theory]
    [InlineData("[" + Json + "]", new[] { JsonTextLocator.ArrayRepair })]
    [InlineData("[\n  " + Json + "\n]\n", new[] { JsonTextLocator.ArrayRepair })]
    [InlineData("```json\n[" + Json + "]\n```", new[] { JsonTextLocator.FenceRepair, JsonTextLocator.ArrayRepair })]
    [InlineData("Here it is: [" + Json + "]", new[] { JsonTextLocator.ProseBeforeRepair, JsonTextLocator.ArrayRepair })]
    [InlineData("[" + Json + "]\nHope this helps!", new[] { JsonTextLocator.ArrayRepair, JsonTextLocator.ProseAfterRepair })]
    public void An_array_of_exactly_one_object_is_unwrapped_and_the_repair_says_so(string answer, string[] repairs)
    {
        var result = LlmContract<Point>.Parse(answer);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Point(1, 2), result.Value);
        Assert.Equal(repairs, result.Repairs);
    }

    [Fact]
    public void An_array_of_one_object_is_unwrapped_with_repairs_off_too()
    {
        var result = LlmContract<Point>.Parse("[" + Json + "]", new ParseOptions { AllowRepairs = false });
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Point(1, 2), result.Value);
        Assert.Equal(new[] { JsonTextLocator.ArrayRepair }, result.Repairs);
    }

    [Fact]
    public void An_array_of_one_object_that_needs_repair_is_unwrapped_by_the_repair_stage_too()
    {
        var result = LlmContract<Point>.Parse("[{\"x\":1,\"y\":2,}]");
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Point(1, 2), result.Value);
        Assert.Equal(JsonTextLocator.ArrayRepair, result.Repairs[0]);
        Assert.DoesNotContain(JsonTextLocator.StrayAfterRepair, result.Repairs);
        Assert.DoesNotContain(JsonTextLocator.ProseBeforeRepair, result.Repairs);
    }

    [Theory]
    [InlineData("[]", ExtractionErrorKind.NoJson, JsonTextLocator.EmptyArrayMessage)]
    [InlineData("[ ]", ExtractionErrorKind.NoJson, JsonTextLocator.EmptyArrayMessage)]
    [InlineData("[1]", ExtractionErrorKind.NoJson, JsonTextLocator.ArrayMessage)]
    [InlineData("[\"a\", \"b\"]", ExtractionErrorKind.NoJson, JsonTextLocator.ArrayMessage)]
    [InlineData("[[" + Json + "]]", ExtractionErrorKind.NoJson, JsonTextLocator.ArrayMessage)]
    [InlineData("Here: [[" + Json + "]]", ExtractionErrorKind.NoJson, JsonTextLocator.ArrayMessage)]
    [InlineData("[" + Json + "," + Json + "]", ExtractionErrorKind.MultipleValues, JsonTextLocator.SeveralElementsMessage)]
    [InlineData("[" + Json + ", 1]", ExtractionErrorKind.MultipleValues, JsonTextLocator.SeveralElementsMessage)]
    [InlineData("```json\n[" + Json + ",\n" + Json + "]\n```", ExtractionErrorKind.MultipleValues, JsonTextLocator.SeveralElementsMessage)]
    [InlineData("[" + Json, ExtractionErrorKind.Truncated, "the answer ends before the JSON is complete (with 1 bracket left open)")]
    public void Other_top_level_arrays_are_rejected_with_a_reason(string answer, ExtractionErrorKind kind, string message)
    {
        foreach (bool repairs in new[] { true, false })
        {
            var result = JsonAnswerParser.Parse<JsonElement>(answer, TestReaders.Element, new ParseOptions { AllowRepairs = repairs });
            Assert.False(result.IsSuccess, $"accepted with repairs [{string.Join("; ", result.Repairs)}]");
            var error = Assert.Single(result.Errors);
            Assert.Equal(("$", kind, message), (error.Path, error.Kind, error.Message));
        }
    }

    [Fact]
    public void Several_objects_in_an_array_are_rejected_by_the_repair_stage_too()
    {
        var result = LlmContract<Point>.Parse("[{\"x\":1,\"y\":2,}, {\"x\":3,\"y\":4}]");
        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Errors);
        Assert.Equal((ExtractionErrorKind.MultipleValues, JsonTextLocator.SeveralElementsMessage), (error.Kind, error.Message));
    }

    [Fact]
    public void The_unwrapped_object_is_read_as_the_value_itself()
    {
        var result = JsonAnswerParser.Parse<JsonElement>("[" + Json + "]", TestReaders.Element);
        Assert.True(result.IsSuccess);
        Assert.Equal(JsonValueKind.Object, result.Value.ValueKind);
        Assert.Equal(2, result.Value.GetProperty("y").GetInt32());
    }
}
