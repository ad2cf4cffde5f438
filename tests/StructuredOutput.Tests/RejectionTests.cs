using System.Text.Json;
using StructuredOutput.Reading;

namespace StructuredOutput.Tests;

/// <summary>
/// What the lenient stage must not guess: truncated answers, several values, and text with more than one reading or
/// none. Each is rejected with an error kind, a path and a message a model can act on.
/// </summary>
public class RejectionTests
{
    public static TheoryData<string, ExtractionErrorKind, string, string> Rejections => new()
    {
        // Truncated, on the strict path and on the repair path.
        { """{"name":"Pasta","servings":2""", ExtractionErrorKind.Truncated, "$", "the answer ends before the JSON is complete (with 1 bracket left open)" },
        { "{'name':'Pasta','tags':['quick'", ExtractionErrorKind.Truncated, "$", "the answer ends before the JSON is complete (with 2 brackets left open)" },
        { "{'name':'Pas", ExtractionErrorKind.Truncated, "$", "the answer ends before the JSON is complete (inside a string)" },
        { """{"name":"Pasta" /* the dish""", ExtractionErrorKind.Truncated, "$", "the answer ends before the JSON is complete (inside a comment)" },
        // A missing closing quote is only added where nothing in the string could have been its end.
        { """{"servings":2,"name":"Pasta, with cheese}""", ExtractionErrorKind.Truncated, "$", "the answer ends before the JSON is complete (inside a string)" },

        // Several values where one object is expected.
        { "{name:'Pasta'} {name:'Soup'}", ExtractionErrorKind.MultipleValues, "$", "the answer holds more than one JSON object; answer with exactly one" },
        { """{"name":"Pasta"} ["Soup"]""", ExtractionErrorKind.MultipleValues, "$", "the answer holds a JSON array after the object; answer with exactly one JSON object" },
        { "```json\n{\"name\":\"Pasta\",}\n```\nor\n```json\n{\"name\":\"Soup\"}\n```", ExtractionErrorKind.MultipleValues, "$", "the answer holds more than one JSON object; answer with exactly one" },

        // Lossy guesses the stage refuses: a value to invent, a number to complete, an element to drop.
        { """{"name": , "servings":2}""", ExtractionErrorKind.InvalidJson, "$.name", "is not valid JSON: the property $.name has no value" },
        { """{"name":"Pasta","servings":2e}""", ExtractionErrorKind.InvalidJson, "$.servings", "is not valid JSON: the number 2e at $.servings is incomplete" },
        { """{"name":"Pasta","tags":["a",,"b"]}""", ExtractionErrorKind.InvalidJson, "$.tags[0]", "is not valid JSON: the array $.tags has an empty element" },
        { """{"name":"Pasta","servings":2,"tags":[...]"}""", ExtractionErrorKind.InvalidJson, "$.tags", "is not valid JSON: expected ',' or '}' after $.tags, found \"\\\"}\" at line 1, column 42" },
        { """{"name":"Pasta", SEE "servings":2}""", ExtractionErrorKind.InvalidJson, "$.SEE", "is not valid JSON: expected ',' or '}' after $.SEE, found \":2}\" at line 1, column 32" },

        // Quotes with more than one reading, or none that pairs up.
        { """{"name": ""Pasta", "servings": 2}""", ExtractionErrorKind.InvalidJson, "$.name", "is not valid JSON: expected ',' or '}' after $.name, found \"Pasta\\\", \\\"servings\\\": \" at line 1, column 12" },
        { """{"name": "Pas"ta", "servings": 2}""", ExtractionErrorKind.InvalidJson, "$.name", "is not valid JSON: expected ',' or '}' after $.name, found \"ta\\\", \\\"servings\\\": 2}\" at line 1, column 15" },
        { """{"name": "Note: ```json {"a": "b"}``` end"}""", ExtractionErrorKind.InvalidJson, "$.name", "is ambiguous: the string at $.name holds unescaped quotes around a code fence, which may be JSON meant as the value; escape quotes inside strings as \\\"" },

        // Members after the object has closed.
        { """{"name":"Pasta"}}, "servings": 2}""", ExtractionErrorKind.InvalidJson, "$", "is not valid JSON: the object closes at line 1, column 16, but more JSON follows (\"}, \\\"servings\\\": 2}\"); a closing brace may be misplaced" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Unusable_answers_are_rejected_with_kind_path_and_reason(string answer, ExtractionErrorKind kind, string path, string message)
    {
        var result = LlmContract<Dish>.Parse(answer);
        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Errors);
        Assert.Equal((kind, path, message), (error.Kind, error.Path, error.Message));
    }

    [Fact]
    public void An_ambiguous_answer_names_the_place_and_the_fix()
    {
        // The second quote may close the string (then "y" is a member) or belong to it (then it runs to the end).
        var result = JsonAnswerParser.Parse<JsonElement>("{'a': 'x's', y: 'z'}", TestReaders.Element, null);
        var error = Assert.Single(result.Errors);
        Assert.Equal("$.a", error.Path);
        Assert.Equal(
            "is ambiguous: the quote at line 1, column 9 may end the string at $.a or belong to it; 2 readings are valid JSON and 2 of them fit the expected type. "
            + "Escape quotes inside strings as \\\" and close every bracket in order",
            error.Message);
    }

    [Fact]
    public void Without_repairs_malformed_JSON_is_an_error_but_the_object_is_still_found()
    {
        var strict = new ParseOptions { AllowRepairs = false };
        var comma = JsonAnswerParser.Parse<JsonElement>("Here:\n```json\n{\"a\": 1,}\n```", TestReaders.Element, strict);
        var error = Assert.Single(comma.Errors);
        Assert.Equal(("$", ExtractionErrorKind.InvalidJson), (error.Path, error.Kind));
        Assert.StartsWith("is not valid JSON: ", error.Message);
        Assert.Equal(new[] { "Took the JSON out of a markdown code fence." }, comma.Repairs);

        var fenced = JsonAnswerParser.Parse<JsonElement>("Here:\n```json\n{\"a\": 1}\n```", TestReaders.Element, strict);
        Assert.True(fenced.IsSuccess);
        Assert.Equal(1, fenced.Value.GetProperty("a").GetInt32());

        var repaired = JsonAnswerParser.Parse<JsonElement>("{\"a\": 1,}", TestReaders.Element, null);
        Assert.True(repaired.IsSuccess);
        Assert.Equal(new[] { "Removed a trailing comma at $." }, repaired.Repairs);
    }
}
