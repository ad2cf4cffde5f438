using StructuredOutput.Reading;

namespace StructuredOutput.Tests;

/// <summary>Finding the JSON object in an answer: what is repaired (and said), and what is rejected.</summary>
public class LocatorTests
{
    private const string Json = """{"x":1,"y":2}""";

    [Theory]
    [InlineData(Json)]
    [InlineData("  \n" + Json + "\n\t ")]
    public void Clean_answers_report_no_repairs(string answer)
    {
        var result = LlmContract<Point>.Parse(answer);
        Assert.True(result.IsSuccess);
        Assert.Empty(result.Repairs);
    }

    [Theory]
    [InlineData("\uFEFF" + Json, "Removed a byte-order mark before the JSON.")]
    [InlineData("```json\n" + Json + "\n```", "Took the JSON out of a markdown code fence.")]
    [InlineData("```\n" + Json + "\n```", "Took the JSON out of a markdown code fence.")]
    [InlineData("~~~json\n" + Json + "\n~~~", "Took the JSON out of a markdown code fence.")]
    [InlineData("Sure! Here it is:\n```json\n" + Json + "\n```\nLet me know.", "Took the JSON out of a markdown code fence.")]
    [InlineData("Here is the point: " + Json, "Ignored text before the JSON object.")]
    [InlineData(Json + "\nHope this helps!", "Ignored text after the JSON object.")]
    public void Wrapped_answers_are_recovered_and_the_repair_is_reported(string answer, string repair)
    {
        var result = LlmContract<Point>.Parse(answer);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Point(1, 2), result.Value);
        Assert.Contains(repair, result.Repairs);
    }

    [Theory]
    [InlineData("Here it is:\n    ```json\n    " + Json + "\n    ```\n", new[] { "Took the JSON out of a markdown code fence." })]
    [InlineData("```json\n" + Json + "\n", new[] { "Took the JSON out of a markdown code fence." })]
    [InlineData("```python\nprint(1)\n```\nThe answer: " + Json, new[] { "Ignored text before the JSON object." })]
    [InlineData("callback(" + Json + ");", new[] { "Ignored text before the JSON object.", "Ignored stray closing brackets or commas after the JSON object." })]
    [InlineData(Json + "}]", new[] { "Ignored stray closing brackets or commas after the JSON object." })]
    [InlineData(Json + "\nThe {x} and {y} placeholders are filled in.", new[] { "Ignored text after the JSON object." })]
    [InlineData("```json\n" + Json + "\n```\nUse {x} for the column.", new[] { "Took the JSON out of a markdown code fence." })]
    public void Indented_unclosed_and_foreign_fences_and_stray_closers_are_handled(string answer, string[] repairs)
    {
        var result = LlmContract<Point>.Parse(answer);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Point(1, 2), result.Value);
        Assert.Equal(repairs, result.Repairs);
    }

    [Theory]
    [InlineData("```json\n" + Json + "\n```\nor\n```json\n{\"x\":3,\"y\":4}\n```", ExtractionErrorKind.MultipleValues)]
    [InlineData(Json + ", \"z\": 3}", ExtractionErrorKind.InvalidJson)]
    [InlineData(Json + " [1, 2]", ExtractionErrorKind.MultipleValues)]
    [InlineData(Json + "\nor {x: 3, y: 4}", ExtractionErrorKind.MultipleValues)]
    public void More_JSON_after_the_object_is_an_error_when_only_locating(string answer, ExtractionErrorKind kind)
    {
        var strict = JsonAnswerParser.Parse<System.Text.Json.JsonElement>(answer, TestReaders.Element, new ParseOptions { AllowRepairs = false });
        var error = Assert.Single(strict.Errors);
        Assert.Equal(("$", kind), (error.Path, error.Kind));
    }

    [Fact]
    public void Braces_inside_strings_do_not_confuse_the_locator()
    {
        var result = LlmContract<ChatTurn>.Parse("""Answer: {"prompt":"a } and { b","answer":"\"}\""} done""");
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal("a } and { b", result.Value!.Prompt);
        Assert.Equal("\"}\"", result.Value.Answer);
    }

    [Theory]
    [InlineData("", ExtractionErrorKind.NoJson, "the answer is empty; expected one JSON object")]
    [InlineData("   \n  ", ExtractionErrorKind.NoJson, "the answer is empty; expected one JSON object")]
    [InlineData("I cannot help with that.", ExtractionErrorKind.NoJson, "expected one JSON object, found \"I cannot help with that.\"")]
    [InlineData("{\"x\":1,\"y\":", ExtractionErrorKind.Truncated, "the answer ends before the JSON is complete (with 1 bracket left open)")]
    [InlineData("{\"x\":1,\"y\":\"abc", ExtractionErrorKind.Truncated, "the answer ends before the JSON is complete (inside a string)")]
    [InlineData("{\"x\":1,\"y\":2}\n{\"x\":3,\"y\":4}", ExtractionErrorKind.MultipleValues, "the answer holds more than one JSON object; answer with exactly one")]
    public void Unusable_answers_are_rejected_with_a_reason(string answer, ExtractionErrorKind kind, string message)
    {
        var result = LlmContract<Point>.Parse(answer);
        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Path);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_null_answer_is_an_error_not_an_exception()
    {
        var result = LlmContract<Point>.Parse(null!);
        Assert.Equal(ExtractionErrorKind.NoJson, Assert.Single(result.Errors).Kind);
    }
}
