using System;
using System.Text.Json;

namespace StructuredOutput.Extraction;

/// <summary>
/// The schema a request carries for <typeparamref name="T"/> in each <see cref="SchemaDialect"/> (as a
/// <c>json_schema</c> response format, or as a tool's parameters), parsed once per type and dialect.
/// </summary>
internal static class WireSchema<T> where T : ILlmExtractable<T>
{
    private static readonly JsonElement?[] s_schemas = new JsonElement?[Enum.GetValues<SchemaDialect>().Length];

    /// <summary>The schema in <paramref name="dialect"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a <see cref="SchemaDialect"/> member.</exception>
    /// <exception cref="InvalidOperationException">No schema was generated for the dialect: the message says what to set.</exception>
    public static JsonElement Get(SchemaDialect dialect)
    {
        if ((uint)dialect >= (uint)s_schemas.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "Not a SchemaDialect member.");
        }

        return s_schemas[(int)dialect] ??= Parse(dialect);
    }

    private static JsonElement Parse(SchemaDialect dialect)
    {
        string schema = T.GetJsonSchema(dialect) ?? throw new InvalidOperationException(dialect == SchemaDialect.OpenAI
            ? ExtractionMessages.NoStrictSchema(typeof(T).Name)
            : ExtractionMessages.NoDialectSchema(typeof(T).Name, dialect));
        using var document = JsonDocument.Parse(schema);
        return document.RootElement.Clone();
    }
}
