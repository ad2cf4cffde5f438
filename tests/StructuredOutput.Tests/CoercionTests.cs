using System.Linq;
using StructuredOutput.Tests.TypeSpace;

namespace StructuredOutput.Tests;

/// <summary>Lossless, type-guided coercions: each is reported as a repair; anything lossy or ambiguous stays an error.</summary>
public class CoercionTests
{
    private const string Scalars = """{"text":"t","flag":true,"count":1,"big":2,"ratio":0.5,"price":9.99,"color":"Red"}""";

    private static ParseResult<AllScalars> Parse(string replace, string with) =>
        LlmContract<AllScalars>.Parse(Scalars.Replace(replace, with, System.StringComparison.Ordinal));

    [Theory]
    [InlineData("\"count\":1", "\"count\":\"42\"", "Read the string \"42\" at $.count as a number.")]
    [InlineData("\"count\":1", "\"count\":\"4.0e1\"", "Read the string \"4.0e1\" at $.count as a number.")]
    [InlineData("\"big\":2", "\"big\":\"-9007199254740993\"", "Read the string \"-9007199254740993\" at $.big as a number.")]
    [InlineData("\"ratio\":0.5", "\"ratio\":\"0.25\"", "Read the string \"0.25\" at $.ratio as a number.")]
    [InlineData("\"price\":9.99", "\"price\":\"12.50\"", "Read the string \"12.50\" at $.price as a number.")]
    [InlineData("\"flag\":true", "\"flag\":\"false\"", "Read the string \"false\" at $.flag as false.")]
    [InlineData("\"flag\":true", "\"flag\":\"True\"", "Read the string \"True\" at $.flag as true.")]
    [InlineData("\"color\":\"Red\"", "\"color\":\"RED\"", "Read \"RED\" at $.color as the enum value \"Red\" (the only one it matches ignoring case and punctuation).")]
    public void A_lossless_coercion_is_made_and_reported(string replace, string with, string repair)
    {
        var result = Parse(replace, with);
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Equal(repair, Assert.Single(result.Repairs));
    }

    [Fact]
    public void Coerced_values_are_the_numbers_written()
    {
        var v = LlmContract<AllScalars>.Parse("""{"text":"t","flag":"true","count":"42","big":"-9007199254740993","ratio":"0.25","price":"12.50","color":"green"}""").Value!;
        Assert.Equal((true, 42, -9007199254740993L, 0.25, 12.50m, Color.Green), (v.Flag, v.Count, v.Big, v.Ratio, v.Price, v.Color));
    }

    [Theory]
    [InlineData("\"count\":1", "\"count\":\"2.5\"", "$.count", ExtractionErrorKind.NotAnInteger)]
    [InlineData("\"count\":1", "\"count\":\"3000000000\"", "$.count", ExtractionErrorKind.OutOfRange)]
    [InlineData("\"count\":1", "\"count\":\"42 apples\"", "$.count", ExtractionErrorKind.WrongKind)]
    [InlineData("\"count\":1", "\"count\":\"1,000\"", "$.count", ExtractionErrorKind.WrongKind)]
    [InlineData("\"count\":1", "\"count\":\"\"", "$.count", ExtractionErrorKind.WrongKind)]
    [InlineData("\"ratio\":0.5", "\"ratio\":\"NaN\"", "$.ratio", ExtractionErrorKind.WrongKind)]
    [InlineData("\"ratio\":0.5", "\"ratio\":\"1e999\"", "$.ratio", ExtractionErrorKind.OutOfRange)]
    [InlineData("\"flag\":true", "\"flag\":\"yes\"", "$.flag", ExtractionErrorKind.WrongKind)]
    [InlineData("\"flag\":true", "\"flag\":1", "$.flag", ExtractionErrorKind.WrongKind)]
    [InlineData("\"color\":\"Red\"", "\"color\":\"Purple\"", "$.color", ExtractionErrorKind.UnknownEnumValue)]
    [InlineData("\"text\":\"t\"", "\"text\":42", "$.text", ExtractionErrorKind.WrongKind)]
    public void A_lossy_or_unreadable_coercion_is_an_error(string replace, string with, string path, ExtractionErrorKind kind)
    {
        var result = Parse(replace, with);
        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Errors);
        Assert.Equal((path, kind), (error.Path, error.Kind));
    }

    [Fact]
    public void An_enum_matched_loosely_needs_exactly_one_member()
    {
        // "dark-ish" is the JSON name of Shade.Dark; spacing and case differ.
        var shade = LlmContract<Optionals>.Parse("""{"count":null,"day":null,"id":null,"link":null,"shade":"Dark Ish","times":null,"initial":null}""");
        Assert.Equal(Shade.Dark, shade.Value!.Shade);
        Assert.Contains("Read \"Dark Ish\" at $.shade as the enum value \"dark-ish\" (the only one it matches ignoring case and punctuation).", shade.Repairs);

        var ambiguous = LlmContract<Ambiguity>.Parse("""{"mode":"ab"}""");
        Assert.Equal(ExtractionErrorKind.UnknownEnumValue, Assert.Single(ambiguous.Errors).Kind);
        var exact = LlmContract<Ambiguity>.Parse("""{"mode":"a-b"}""");
        Assert.Equal(Mode.Hyphen, exact.Value!.Mode);
        Assert.Empty(exact.Repairs);
    }

    [Fact]
    public void A_single_value_where_a_list_is_expected_is_a_list_of_one()
    {
        var result = LlmContract<Tagged>.Parse("""{"name":"Ada","tags":"mathematician"}""");
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Equal(new[] { "mathematician" }, result.Value!.Tags);
        Assert.Equal("Took the single value at $.tags as a list of one item.", Assert.Single(result.Repairs));

        var objects = LlmContract<TreeNode>.Parse("""{"label":"root","children":{"label":"leaf","children":[]}}""");
        Assert.Equal("leaf", Assert.Single(objects.Value!.Children).Label);

        var wrong = LlmContract<Tagged>.Parse("""{"name":"Ada","tags":5}""");
        var error = Assert.Single(wrong.Errors);
        Assert.Equal(("$.tags[0]", ExtractionErrorKind.WrongKind), (error.Path, error.Kind));

        var none = LlmContract<Tagged>.Parse("""{"name":"Ada","tags":null}""");
        Assert.Equal(("$.tags", ExtractionErrorKind.NullNotAllowed), (Assert.Single(none.Errors).Path, none.Errors[0].Kind));
    }

    [Fact]
    public void Clean_input_reports_no_repairs()
    {
        var result = LlmContract<AllScalars>.Parse(Scalars);
        Assert.True(result.IsSuccess);
        Assert.Empty(result.Repairs);
    }
}
