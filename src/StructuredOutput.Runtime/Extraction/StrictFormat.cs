using System;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>The strict <c>json_schema</c> response format of <typeparamref name="T"/>, built once per type.</summary>
internal static class StrictFormat<T> where T : ILlmExtractable<T>
{
    // The ChatOptions.AdditionalProperties key that Microsoft.Extensions.AI's OpenAI client reads to send
    // "strict": true with a json_schema format.
    internal const string StrictKey = "strict";

    private static ChatResponseFormatJson? s_format;

    /// <summary>Sets the strict format on <paramref name="options"/>.</summary>
    public static void Apply(ChatOptions options)
    {
        options.ResponseFormat = s_format ??= Create();
        options.AdditionalProperties ??= new AdditionalPropertiesDictionary();
        options.AdditionalProperties[StrictKey] = true;
    }

    private static ChatResponseFormatJson Create()
    {
        string schema = T.StrictJsonSchema ?? throw new InvalidOperationException(ExtractionMessages.NoStrictSchema(typeof(T).Name));
        return new ChatResponseFormatJson(Schema(schema), T.SchemaName, schemaDescription: null);
    }

    /// <summary>A generated schema as a <see cref="JsonElement"/> that outlives its document.</summary>
    internal static JsonElement Schema(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return document.RootElement.Clone();
    }
}
