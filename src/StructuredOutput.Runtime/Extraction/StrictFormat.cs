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
        string schema = T.StrictJsonSchema ?? throw new InvalidOperationException(
            $"'{typeof(T).Name}' cannot be extracted in strict json_schema mode: it has a dictionary member, which strict mode cannot express (see diagnostic LLMX013). Set ExtractOptions.Strict to false for this type, or replace the dictionary with a list of key/value records.");
        using var document = JsonDocument.Parse(schema);
        return new ChatResponseFormatJson(document.RootElement.Clone(), T.SchemaName, schemaDescription: null);
    }
}
