using System.Globalization;
using System.Linq;
using System.Text.Json;
using StructuredOutput.Reading;

namespace StructuredOutput.Tests;

/// <summary>
/// Each lenient repair: a malformed answer whose meaning is unambiguous is read to the value it means, and the repair
/// is reported, with its JSON path, in <see cref="ParseResult{T}.Repairs"/>.
/// </summary>
public class RepairTests
{
    private const string Pasta = "Pasta|2|True|quick|4.5";

    public static TheoryData<string, string, string[]> Repairs => new()
    {
        // Commas, comments, quotes and literals.
        { """{"name":"Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5,}""", Pasta, ["Removed a trailing comma at $."] },
        { """{"name":"Pasta","servings":2,"vegetarian":true,"tags":["quick",],"rating":4.5}""", Pasta, ["Removed a trailing comma at $.tags."] },
        { """{,"name":"Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Removed an extra comma at $."] },
        { "{\"name\":\"Pasta\", // the dish\n\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", Pasta, ["Removed a comment after $.name."] },
        { """{"name":"Pasta","servings":2 /* people */,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Removed a comment after $.servings."] },
        { "{\"name\":\"Pasta\",\n# how many\n\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", Pasta, ["Removed a comment after $.name."] },
        { """{"name":'Pasta',"servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Replaced the single quotes around the string at $.name with double quotes."] },
        { """{'name':"Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Replaced the single quotes around the property name at $.name with double quotes."] },
        { """{name:"Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Quoted the property name $.name."] },
        { """{"name":"Pasta","servings":2,"vegetarian":True,"tags":["quick"],"rating":4.5}""", Pasta, ["Replaced True with true at $.vegetarian."] },
        { """{"name":"Pasta","servings":2,"vegetarian":TRUE,"tags":["quick"],"rating":4.5}""", Pasta, ["Replaced TRUE with true at $.vegetarian."] },
        { """{"name":"Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":None}""", "Pasta|2|True|quick|", ["Replaced None with null at $.rating."] },
        { """{"name":"Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":undefined}""", "Pasta|2|True|quick|", ["Replaced undefined with null at $.rating."] },

        // Missing punctuation.
        { "{\n\"name\":\"Pasta\"\n\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", Pasta, ["Inserted a missing comma after $.name."] },
        { """{"name":"Pasta" "servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Inserted a missing comma after $.name."] },
        { "{\"name\":\"Pasta\",\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"\n\"cheap\"],\"rating\":4.5}", "Pasta|2|True|quick,cheap|4.5", ["Inserted a missing comma after $.tags[0]."] },
        { """{"name" "Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Inserted a missing colon after the property name $.name."] },

        // Quote styles and spaces.
        { "{\u201cname\u201d:\u201cPasta\u201d,\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", Pasta,
            ["Replaced the typographic quotes around the property name at $.name with double quotes.", "Replaced the typographic quotes around the string at $.name with double quotes."] },
        { "{\"name\":\u00a0\"Pasta\",\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", Pasta, ["Read the special space U+00A0 at $.name as a space."] },

        // Inside strings.
        { """{"name":"Pasta "al dente"","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "Pasta \"al dente\"|2|True|quick|4.5", ["Escaped 2 quotes inside the string at $.name."] },
        { "{\"name\":\"Pasta\nbake\",\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", "Pasta\nbake|2|True|quick|4.5", ["Escaped raw line breaks or control characters inside the string at $.name."] },
        { "{\"name\":\"Pasta\n\",\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", Pasta, ["Removed the line break before the closing quote of the string at $.name."] },
        { """{"name":"Pasta\'s","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "Pasta's|2|True|quick|4.5", ["Replaced the invalid escape \\' with ' in the string at $.name."] },
        { """{"name":"Pasta \d","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "Pasta \\d|2|True|quick|4.5", ["Kept the backslash of the invalid escape \\d as a character in the string at $.name."] },
        { """{"name":"Pas" + "ta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Joined 2 concatenated strings at $.name."] },
        { "{\"name\":\"\"\"Pasta\"\"\",\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", Pasta, ["Read the triple-quoted string at $.name as a JSON string."] },
        { """{"servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5,"name":"Pasta}""", Pasta, ["Added the missing closing quote of the string at $.name."] },
        { """{"name":"Pasta, "servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta,
            ["Added the missing closing quote of the string at $.name, before the comma at line 1, column 15 that the next property follows."] },
        { """{"name":Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Added the missing opening quote of the string at $.name."] },

        // Bare values, numbers, placeholders, wrappers.
        { """{"name":Pasta,"servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Quoted the bare text Pasta at $.name."] },
        { """{"name":"Pasta","servings":+2,"vegetarian":true,"tags":["quick"],"rating":.5}""", "Pasta|2|True|quick|0.5",
            ["Wrote the number +2 as 2 at $.servings.", "Wrote the number .5 as 0.5 at $.rating."] },
        { """{"name":"Pasta","servings":1_000,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "Pasta|1000|True|quick|4.5", ["Wrote the number 1_000 as 1000 at $.servings."] },
        { """{"name":"Pasta","servings":2,"vegetarian":true,"tags":["quick", ...],"rating":4.5}""", Pasta, ["Removed a placeholder '...' for omitted elements at $.tags."] },
        { """{"name":String("Pasta"),"servings":NumberInt(2),"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta,
            ["Took the value inside String(...) at $.name.", "Took the value inside NumberInt(...) at $.servings."] },
        { """{"name":"Pasta","servings":(2),"vegetarian":true,"tags":("quick",),"rating":4.5}""", Pasta,
            ["Took the value in parentheses at $.servings as the value itself.", "Read the tuple at $.tags as an array."] },

        // Brackets.
        { """{"name":"Pasta","servings":2,"vegetarian":true,"tags":["quick"},"rating":4.5}""", Pasta, ["Replaced '}' with ']' to close $.tags."] },
        { """{"name":"Pasta","servings":2,"vegetarian":true,"rating":4.5,"tags":["quick"}""", Pasta, ["Inserted a missing ']' to close $.tags."] },
        { """{"name":"Pasta"}, "servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta, ["Removed a stray '}' at line 1, column 16; the object continues after it."] },

        // Bare text that runs on where nothing else could follow, and quotes that can be read only one way.
        { """{"servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5,"name":Pasta, al dente}""", "Pasta, al dente|2|True|quick|4.5",
            ["Quoted the bare text Pasta, al dente at $.name."] },
        { """{"name":Pasta, al dente","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "Pasta, al dente|2|True|quick|4.5",
            ["Added the missing opening quote of the string at $.name."] },
        { "{\"name\": Pasta with\n  fresh basil,\n\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", "Pasta with\n  fresh basil|2|True|quick|4.5",
            ["Quoted the bare text \"Pasta with\\n  fresh basil\" at $.name."] },
        { """{"name":Pasta{al dente},"servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "Pasta{al dente}|2|True|quick|4.5",
            ["Quoted the bare text Pasta{al dente} at $.name."] },
        { """{"name":Pasta "al dente" style,"servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "Pasta \"al dente\" style|2|True|quick|4.5",
            ["Quoted the bare text Pasta \"al dente\" style at $.name."] },
        { """{"name:"Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", Pasta,
            ["Added the missing closing quote of the property name $.name before its colon."] },
        { """{"servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5,"name:Pasta}""", Pasta,
            ["Added the missing closing quote of the property name $.name before its colon.", "Quoted the bare text Pasta at $.name."] },
        { "{\"name\":\"Pasta \u201eal dente\" style\",\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", "Pasta \u201eal dente\" style|2|True|quick|4.5",
            ["Escaped 1 quote inside the string at $.name."] },
        { """{"name":"Pasta {"size": 2}, "servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "Pasta {\"size\": 2}|2|True|quick|4.5",
            ["Escaped 2 quotes inside the string at $.name.", "Added the missing closing quote of the string at $.name, before the comma at line 1, column 27 that the next property follows."] },
        { """{"name":"Pasta for 5'3" cooks","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "Pasta for 5'3\" cooks|2|True|quick|4.5",
            ["Escaped 1 quote inside the string at $.name."] },
        { """{"name":"5' 11"","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", "5' 11\"|2|True|quick|4.5",
            ["Escaped 1 quote inside the string at $.name."] },

        // Around the object.
        { """{\"name\":\"Pasta\",\"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}""", Pasta,
            ["Unescaped JSON that was written as the content of a string (\\\" for every quote)."] },
        { """callback({"name":"Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5});""", Pasta,
            ["Ignored text before the JSON object.", "Ignored stray closing brackets or commas after the JSON object."] },
        { """{"name":"Pasta","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}}]""", Pasta, ["Ignored stray closing brackets or commas after the JSON object."] },
    };

    [Theory]
    [MemberData(nameof(Repairs))]
    public void Each_repair_recovers_the_meant_value_and_says_what_it_did(string answer, string expected, string[] repairs)
    {
        var result = LlmContract<Dish>.Parse(answer);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(expected, Describe(result.Value!));
        Assert.Equal(repairs, result.Repairs);
    }

    [Fact]
    public void Clean_input_is_read_strictly_with_no_repairs()
    {
        const string answer = """
            {
              "name": "Pasta \"al dente\" // not a comment",
              "servings": 2,
              "vegetarian": true,
              "tags": ["quick", "it's, 'quoted'"],
              "rating": 4.5
            }
            """;
        var result = LlmContract<Dish>.Parse(answer);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Empty(result.Repairs);
        Assert.Equal("Pasta \"al dente\" // not a comment|2|True|quick,it's, 'quoted'|4.5", Describe(result.Value!));
    }

    [Fact]
    public void Several_repairs_in_one_answer_are_each_reported_in_order()
    {
        var result = LlmContract<Dish>.Parse("""
            Here you go:
            ```json
            {
              name: 'Pasta', // the dish
              servings: 2,
              vegetarian: True,
              tags: ['quick',],
              rating: None,
            }
            ```
            """);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal("Pasta|2|True|quick|", Describe(result.Value!));
        Assert.Equal(
            new[]
            {
                "Took the JSON out of a markdown code fence.",
                "Quoted the property name $.name.",
                "Replaced the single quotes around the string at $.name with double quotes.",
                "Removed a comment after $.name.",
                "Quoted the property name $.servings.",
                "Quoted the property name $.vegetarian.",
                "Replaced True with true at $.vegetarian.",
                "Quoted the property name $.tags.",
                "Replaced the single quotes around the string at $.tags[0] with double quotes.",
                "Removed a trailing comma at $.tags.",
                "Quoted the property name $.rating.",
                "Replaced None with null at $.rating.",
                "Removed a trailing comma at $.",
            },
            result.Repairs);
    }

    [Fact]
    public void Type_errors_in_a_repaired_answer_are_reported_at_their_paths_with_the_repairs()
    {
        var result = LlmContract<Dish>.Parse("{name: 'Pasta', servings: 'two', vegetarian: true, tags: ['quick'], rating: 4.5,}");
        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Errors);
        Assert.Equal("$.servings", error.Path);
        Assert.Equal(ExtractionErrorKind.WrongKind, error.Kind);
        Assert.Contains("Removed a trailing comma at $.", result.Repairs);
    }

    [Fact]
    public void When_two_readings_are_valid_JSON_the_type_picks_the_only_one_it_accepts()
    {
        // The apostrophe of "don't" may end the string (then "answer" is a member), or the string may run to "ok".
        const string answer = "{'prompt': 'don't', answer: 'ok'}";
        var typed = LlmContract<ChatTurn>.Parse(answer);
        Assert.True(typed.IsSuccess, string.Join("; ", typed.Errors));
        Assert.Equal(new ChatTurn("don't", "ok"), typed.Value);
        Assert.StartsWith("Took the only reading that fits the expected type: the quote at line 1, column 16", typed.Repairs[^1]);

        // Without a type to tell them apart, the answer is ambiguous and rejected at the string in question.
        var untyped = JsonAnswerParser.Parse<JsonElement>(answer, TestReaders.Element, null);
        Assert.False(untyped.IsSuccess);
        var error = Assert.Single(untyped.Errors);
        Assert.Equal("$.prompt", error.Path);
        Assert.Equal(ExtractionErrorKind.InvalidJson, error.Kind);
        Assert.StartsWith("is ambiguous: the quote at line 1, column 16 may end the string at $.prompt or belong to it; 2 readings are valid JSON", error.Message);
    }

    [Fact]
    public void Repeated_repairs_are_listed_up_to_a_bound_and_the_rest_counted()
    {
        string tags = string.Join(",", Enumerable.Range(0, 120).Select(i => "'t" + i.ToString(CultureInfo.InvariantCulture) + "'"));
        var result = LlmContract<Dish>.Parse("{\"name\":\"Pasta\",\"servings\":2,\"vegetarian\":true,\"tags\":[" + tags + "],\"rating\":4.5}");
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(120, result.Value!.Tags.Count);
        Assert.Equal(51, result.Repairs.Count);
        Assert.Equal("70 more repairs are not listed.", result.Repairs[^1]);
    }

    // Inputs like the ones above where more than one reading is possible, or a reading would drop or invent text.
    public static TheoryData<string, ExtractionErrorKind> NearMisses => new()
    {
        // Bare text that runs into the next property's quote: the words before it may be stray.
        { """{"name":Pasta, al dente "servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", ExtractionErrorKind.InvalidJson },
        { "{\"name\":Pasta\nfresh basil \"servings\":2,\"vegetarian\":true,\"tags\":[\"quick\"],\"rating\":4.5}", ExtractionErrorKind.InvalidJson },

        // A {group} with a colon or quotes in it may be an object.
        { """{"name":Pasta{"a":1},"servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", ExtractionErrorKind.InvalidJson },

        // A property name cut off after its colon is truncated, not a name with a missing quote.
        { """{"servings":2,"name:Pasta""", ExtractionErrorKind.Truncated },

        // Quotes inside words do not pair, so no later comma can be where the closing quote is missing.
        { """{"name":"Pa"st"a, "servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", ExtractionErrorKind.InvalidJson },

        // A double quote after a number is an inch mark only in a height (feet, then inches).
        { """{"name":"Pizza 12" wide","servings":2,"vegetarian":true,"tags":["quick"],"rating":4.5}""", ExtractionErrorKind.InvalidJson },
    };

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void Near_misses_of_the_new_readings_are_rejected(string answer, ExtractionErrorKind kind)
    {
        var result = LlmContract<Dish>.Parse(answer);
        Assert.False(result.IsSuccess, "accepted as " + (result.Value is null ? "null" : Describe(result.Value)));
        Assert.Equal(kind, result.Errors[0].Kind);
    }

    private static string Describe(Dish d) =>
        string.Join("|", d.Name, d.Servings.ToString(CultureInfo.InvariantCulture), d.Vegetarian, string.Join(",", d.Tags), d.Rating?.ToString(CultureInfo.InvariantCulture));
}
