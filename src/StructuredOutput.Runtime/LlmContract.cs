namespace StructuredOutput;

/// <summary>Reads the generated contract of an extraction type.</summary>
/// <typeparam name="T">A type marked with <see cref="LlmExtractAttribute"/>.</typeparam>
/// <example><c>string schema = LlmContract&lt;Recipe&gt;.JsonSchema;</c></example>
public static class LlmContract<T> where T : ILlmExtractable<T>
{
    /// <summary>The JSON Schema (draft 2020-12) generated for <typeparamref name="T"/>.</summary>
    public static string JsonSchema => T.JsonSchema;

    /// <summary>The strict-mode JSON Schema generated for <typeparamref name="T"/>, or null when it cannot have one.</summary>
    public static string? StrictJsonSchema => T.StrictJsonSchema;

    /// <summary>
    /// The wire schema of <typeparamref name="T"/> in <paramref name="dialect"/>, or null when none was generated for it
    /// (a dialect the type does not name in <see cref="LlmExtractAttribute.Dialects"/>, or OpenAI's for a type with a
    /// dictionary).
    /// </summary>
    /// <param name="dialect">The provider's schema dialect.</param>
    /// <returns>The schema, or null.</returns>
    public static string? GetJsonSchema(SchemaDialect dialect) => T.GetJsonSchema(dialect);

    /// <summary>The schema name sent on the wire.</summary>
    public static string SchemaName => T.SchemaName;

    /// <summary>Whether <typeparamref name="T"/> asks for strict <c>json_schema</c> mode by default.</summary>
    public static bool Strict => T.Strict;

    /// <summary>The system prompt generated for <typeparamref name="T"/>.</summary>
    public static string Prompt => T.Prompt;

    /// <summary>Parses and validates a model's answer without calling a model.</summary>
    /// <param name="json">The answer text.</param>
    /// <returns>The value, or every error found with its JSON path.</returns>
    public static ParseResult<T> Parse(string json) => T.Parse(json);

    /// <summary>Parses and validates a model's answer with explicit limits and repair policy.</summary>
    /// <param name="json">The answer text.</param>
    /// <param name="options">Depth and size limits and whether to repair; null for the defaults.</param>
    /// <returns>The value, or every error found with its JSON path.</returns>
    public static ParseResult<T> Parse(string json, ParseOptions? options) => T.Parse(json, options);
}
