using System.Linq;
using System.Text.Json;
using StructuredOutput.Reading;

namespace StructuredOutput.Tests;

/// <summary>
/// One path syntax everywhere: the strict reader and the repair stage write the same path for the same property name,
/// <c>$.name</c> for identifiers and <c>$['…']</c> with RFC 9535 normalized-path escapes for anything else.
/// </summary>
public class JsonPathTests
{
    [Theory]
    [InlineData("x_1", "$.x_1")]
    [InlineData("$ref", "$.$ref")]
    [InlineData("a b", "$['a b']")]
    [InlineData("it's", "$['it\\'s']")]
    [InlineData("back\\slash", "$['back\\\\slash']")]
    [InlineData("line\nbreak", "$['line\\nbreak']")]
    [InlineData("\"q\"", "$['\"q\"']")]
    [InlineData("bell\u0007", "$['bell\\u0007']")]
    [InlineData("ünï", "$['ünï']")]
    [InlineData("1st", "$['1st']")]
    [InlineData("", "$['']")]
    public void The_reader_and_the_repair_stage_write_the_same_path(string name, string path)
    {
        string key = JsonSerializer.Serialize(name);

        // The strict reader names an unknown property in a repair.
        var strict = LlmContract<Point>.Parse("{\"x\":1,\"y\":2," + key + ":3}");
        Assert.True(strict.IsSuccess, string.Join("; ", strict.Errors));
        Assert.Contains($"Ignored the unknown property {path}.", strict.Repairs);

        // The repair stage names the array whose trailing comma it removed.
        var repaired = JsonAnswerParser.Parse<JsonElement>("{" + key + ": [1,]}", TestReaders.Element);
        Assert.True(repaired.IsSuccess, string.Join("; ", repaired.Errors));
        Assert.Contains($"Removed a trailing comma at {path}.", repaired.Repairs);
    }

    [Fact]
    public void Array_elements_and_nested_names_compose()
    {
        var repaired = JsonAnswerParser.Parse<JsonElement>("{\"a b\": [{\"c\": [1,]}]}", TestReaders.Element);
        Assert.Equal("Removed a trailing comma at $['a b'][0].c.", Assert.Single(repaired.Repairs));
    }
}
