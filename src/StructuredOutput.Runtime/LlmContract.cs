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

    /// <summary>The schema name sent on the wire.</summary>
    public static string SchemaName => T.SchemaName;

    /// <summary>The mode <typeparamref name="T"/>'s requests use unless a call says otherwise.</summary>
    public static ExtractionMode Mode => T.Mode;

    /// <summary>The task given in <typeparamref name="T"/>'s attribute, or null when none is given.</summary>
    public static string? Instructions => T.Instructions;

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
