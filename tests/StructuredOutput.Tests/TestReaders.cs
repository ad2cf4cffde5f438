using System.Text.Json;
using StructuredOutput.Reading;

namespace StructuredOutput.Tests;

/// <summary>Type-free readers, for driving <see cref="JsonAnswerParser"/> directly (options, untyped readings).</summary>
internal static class TestReaders
{
    /// <summary>Reads any JSON value as a <see cref="JsonElement"/>; accepts every reading.</summary>
    public static bool Element(ref Utf8JsonReader reader, JsonReadContext context, out JsonElement value)
    {
        value = JsonElement.ParseValue(ref reader);
        return true;
    }
}
