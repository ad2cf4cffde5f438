using System;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using StructuredOutput.Reading;

namespace StructuredOutput.Tests;

/// <summary>
/// The reader, validator and writer primitives are public only because generated code calls them: each is hidden from IntelliSense and says
/// so in its documentation.
/// </summary>
public class PublicSurfaceTests
{
    private static readonly Assembly Runtime = typeof(JsonReadContext).Assembly;

    private static string[] Primitives() => Runtime.GetExportedTypes()
        .Where(t => t.Namespace is "StructuredOutput.Reading" or "StructuredOutput.Validation" or "StructuredOutput.Writing" && !t.IsNested)
        .Select(t => t.FullName!)
        .ToArray();

    public static TheoryData<string> PrimitiveTypes() => new(Primitives());

    [Fact]
    public void The_primitives_generated_code_binds_to_are_all_there()
    {
        string[] names = Primitives().Select(n => n.Split('.').Last().Split('`')[0]).Order().ToArray();
        Assert.Equal(new[] { "ExpectedValues", "JsonAnswerParser", "JsonEnumMap", "JsonReadContext", "JsonReaders", "JsonUnionMap", "JsonValidators", "JsonValueReader", "JsonValueWriter", "JsonWriters" }, names);
    }

    [Theory]
    [MemberData(nameof(PrimitiveTypes))]
    public void Each_primitive_is_hidden_from_IntelliSense_and_documented_as_not_a_user_API(string fullName)
    {
        Type type = Runtime.GetType(fullName)!;
        var browsable = type.GetCustomAttribute<EditorBrowsableAttribute>();
        Assert.Equal(EditorBrowsableState.Never, browsable?.State);

        var docs = XDocument.Load(Path.ChangeExtension(Runtime.Location, ".xml"));
        string summary = docs.Descendants("member").Single(m => (string?)m.Attribute("name") == "T:" + fullName).Element("summary")!.Value;
        summary = string.Join(' ', summary.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("generated code", summary, StringComparison.Ordinal);
        Assert.Contains("not a user API", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_user_API_is_the_expected_set_of_types()
    {
        string[] names = Runtime.GetExportedTypes()
            .Where(t => t.Namespace == "StructuredOutput" && !t.IsNested)
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(
            new[]
            {
                "BatchItem", "BatchItemResult`1", "BatchOptions", "BatchPricing", "BatchProgress", "BatchSummary", "ChatClientExtractExtensions", "ChatClientStreamingExtensions",
                "ExtractOptions", "ExtractionAttempt", "ExtractionConversation`1", "ExtractionError", "ExtractionErrorKind", "ExtractionExample", "ExtractionExample`1",
                "ExtractionException", "ExtractionFailureKind", "ExtractionInput", "ExtractionItem`1", "ExtractionMode", "ExtractionResult`1", "ExtractionTelemetry",
                "ExtractionUpdateKind", "ExtractionUpdate`1",
                "ILlmExtractable`1", "LlmContract`1", "LlmExtractAttribute", "LocalBatchExtractor`1", "LocalBatchOptions",
                "ParseOptions", "ParseResult`1", "PartialList`1", "PartialObject", "SchemaDialect", "ToolArgumentsPieceContent", "UnreadableResponseException",
            },
            names);
    }
}
