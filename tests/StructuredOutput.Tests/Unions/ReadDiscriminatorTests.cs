using System.Text;
using System.Text.Json;
using StructuredOutput.Reading;

namespace StructuredOutput.Tests.Unions;

/// <summary>
/// <see cref="JsonReaders.ReadDiscriminator"/> on its own: it finds the discriminator wherever it stands without moving
/// the caller's reader, and on failure records one error at the discriminator's path and skips the value.
/// </summary>
public class ReadDiscriminatorTests
{
    private static readonly JsonUnionMap Map = new("kind", new[] { "circle", "square" });

    [Theory]
    [InlineData("""{"kind":"circle","radius":1}""", 0)]
    [InlineData("""{"radius":1,"kind":"square"}""", 1)]
    [InlineData("""{"a":{"kind":"circle"},"b":[{"kind":"circle"},"kind"],"kind":"square"}""", 1)]
    [InlineData("""{"\u006bind":"square"}""", 1)]
    public void Finds_the_discriminator_anywhere_and_leaves_the_reader_on_the_object_start(string json, int expected)
    {
        var run = Run(json);

        Assert.Equal(expected, run.Index);
        Assert.Equal(0, run.Context.ErrorCount);
        Assert.Empty(run.Context.Repairs);
        Assert.Equal((JsonTokenType.StartObject, 1L), (run.After, run.Consumed));
    }

    [Theory]
    [InlineData("""{"radius":1,"inner":{"kind":"circle"}}""", ExtractionErrorKind.MissingProperty, "$.kind", "is required but missing; expected one of \"circle\", \"square\"")]
    [InlineData("""{"kind":"oval","radius":1}""", ExtractionErrorKind.UnknownDiscriminator, "$.kind", "expected one of \"circle\", \"square\", found \"oval\"")]
    [InlineData("""{"kind":["circle"]}""", ExtractionErrorKind.WrongKind, "$.kind", "expected one of \"circle\", \"square\", found an array")]
    [InlineData("""{"kind":null}""", ExtractionErrorKind.NullNotAllowed, "$.kind", "expected one of \"circle\", \"square\", found null")]
    [InlineData("""[{"kind":"circle"}]""", ExtractionErrorKind.WrongKind, "$", "expected an object, found an array")]
    public void Reports_one_error_at_the_discriminator_and_skips_the_value(string json, ExtractionErrorKind kind, string path, string message)
    {
        var run = Run(json);

        Assert.Equal(-1, run.Index);
        var error = Assert.Single(run.Context.Errors);
        Assert.Equal((kind, path, message), (error.Kind, error.Path, error.Message));
        Assert.Equal(Encoding.UTF8.GetByteCount(json), run.Consumed);
    }

    [Fact]
    public void A_value_that_matches_one_discriminator_ignoring_case_and_punctuation_is_a_repair()
    {
        var run = Run("""{"kind":" SQUARE ","side":1}""");

        Assert.Equal(1, run.Index);
        Assert.Equal(0, run.Context.ErrorCount);
        Assert.Equal("Read \" SQUARE \" at $.kind as the discriminator \"square\" (the only one it matches ignoring case and punctuation).", Assert.Single(run.Context.Repairs));
    }

    [Fact]
    public void A_value_that_loosely_matches_several_discriminators_is_unknown()
    {
        var map = new JsonUnionMap("type", new[] { "a-b", "a_b" });
        var bytes = Encoding.UTF8.GetBytes("""{"type":"AB"}""");
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        var context = new JsonReadContext();

        Assert.Equal(-1, JsonReaders.ReadDiscriminator(ref reader, context, map));
        Assert.Equal(ExtractionErrorKind.UnknownDiscriminator, Assert.Single(context.Errors).Kind);
    }

    private static (int Index, JsonReadContext Context, JsonTokenType After, long Consumed) Run(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        var context = new JsonReadContext();
        int index = JsonReaders.ReadDiscriminator(ref reader, context, Map);
        return (index, context, reader.TokenType, reader.BytesConsumed);
    }
}
