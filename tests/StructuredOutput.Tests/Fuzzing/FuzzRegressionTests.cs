using System.Linq;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>
/// Answers the fuzz tests found that made <c>Parse</c> throw, shrunk to their essence. Utf8JsonReader checks
/// <c>\u</c> escapes only when a string is compared or decoded, so an unpaired surrogate escape in a property name or an
/// enum string threw <see cref="System.InvalidOperationException"/> out of the generated parser.
/// </summary>
public class FuzzRegressionTests
{
    [Theory]
    [InlineData("""{"\ud800":1,"x":1,"y":2}""", "\\ud800")]
    [InlineData("""{"x":1,"y":2,"a\ude00b":3}""", "a\\ude00b")]
    [InlineData("""{"\ud800\ud800":1,"x":1,"y":2}""", "\\ud800\\ud800")]
    [InlineData("""{"x":1,"\ud83dx":1,"y":2}""", "\\ud83dx")]
    public void A_lone_surrogate_escape_in_a_property_name_is_an_error(string answer, string shown)
    {
        var result = LlmContract<Point>.Parse(answer);

        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Path);
        Assert.Equal(ExtractionErrorKind.InvalidString, error.Kind);
        Assert.Equal($"expected a property name in valid Unicode, found \"{shown}\" (a lone surrogate escape)", error.Message);
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_nested_property_name_is_reported_at_its_object()
    {
        var result = LlmContract<Nullables>.Parse(
            """{"text":null,"flag":null,"count":null,"big":null,"ratio":null,"price":null,"color":null,"inner":{"\udfff":1},"numbers":null}""");

        var error = result.Errors.Last();
        Assert.Equal("$.inner", error.Path);
        Assert.Equal(ExtractionErrorKind.InvalidString, error.Kind);
    }

    [Fact]
    public void A_lone_surrogate_escape_in_an_enum_string_is_an_error_at_the_member()
    {
        var result = LlmContract<AllScalars>.Parse("""{"text":"t","flag":true,"count":1,"big":2,"ratio":0.5,"price":1.5,"color":"R\ud800"}""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.color", error.Path);
        Assert.Equal(ExtractionErrorKind.InvalidString, error.Kind);
        Assert.Equal("expected a string in valid Unicode, found \"R\\ud800\" (a lone surrogate escape)", error.Message);
    }

    [Fact]
    public void A_well_formed_surrogate_pair_escape_in_a_property_name_is_read_normally()
    {
        var result = LlmContract<Point>.Parse("""{"\ud83d\ude00":1,"x":1,"\u0079":2}""");

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Point(1, 2), result.Value);
        Assert.Equal("Ignored the unknown property $['😀'].", Assert.Single(result.Repairs));
    }
}
