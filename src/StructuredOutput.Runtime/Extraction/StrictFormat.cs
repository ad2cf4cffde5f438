using System;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>The strict <c>json_schema</c> response format of <typeparamref name="T"/>, built once per type and dialect.</summary>
internal static class StrictFormat<T> where T : ILlmExtractable<T>
{
    // The ChatOptions.AdditionalProperties key that Microsoft.Extensions.AI's OpenAI client reads to send
    // "strict": true with a json_schema format.
    internal const string StrictKey = "strict";

    private static readonly ChatResponseFormatJson?[] s_formats = new ChatResponseFormatJson?[Enum.GetValues<SchemaDialect>().Length];

    /// <summary>Sets the strict format with the schema in <paramref name="dialect"/> on <paramref name="options"/>.</summary>
    public static void Apply(ChatOptions options, SchemaDialect dialect)
    {
        var schema = WireSchema<T>.Get(dialect);
        options.ResponseFormat = s_formats[(int)dialect] ??= new ChatResponseFormatJson(schema, T.SchemaName, schemaDescription: null);
        options.AdditionalProperties ??= new AdditionalPropertiesDictionary();
        if (dialect == SchemaDialect.OpenAI)
        {
            options.AdditionalProperties[StrictKey] = true;
            return;
        }

        // A chat client adapter that rewrites schemas into OpenAI's strict form must send this one as it is.
        options.AdditionalProperties[ExtractOptions.SchemaDialectKey] = DialectNames[(int)dialect];

        // Gemini has no "strict": it always keeps to the schema it is given.
        if (dialect == SchemaDialect.Gemini)
        {
            options.AdditionalProperties.Remove(StrictKey);
        }
        else
        {
            options.AdditionalProperties[StrictKey] = true;
        }
    }

    private static readonly string[] DialectNames = Enum.GetNames<SchemaDialect>();

    /// <summary>A generated schema as a <see cref="JsonElement"/> that outlives its document.</summary>
    internal static JsonElement Schema(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return document.RootElement.Clone();
    }
}
