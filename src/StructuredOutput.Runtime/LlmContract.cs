using System.Text.Json;
using StructuredOutput.Writing;

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

    /// <summary>
    /// Writes a value as compact JSON in the contract's names and formats, the JSON <see cref="Parse(string)"/> reads
    /// back to it without a repair (and that the schema accepts, but for the cases <see cref="Write"/> lists).
    /// Characters beyond ASCII are written as they are, not as <c>\u</c> escapes, as a model reads them best; escape the
    /// text yourself before putting it into HTML.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="System.ArgumentException">
    /// A member holds a value the contract has no JSON for; the message names its JSON path.
    /// </exception>
    public static string ToJson(T value) => ContractJson.ToJson(value);

    /// <summary>
    /// Writes a value as the contract's JSON to <paramref name="writer"/>, with the writer's own options: every member
    /// by its JSON name (null members as <c>null</c>, so an optional member's default never replaces a null), enums by
    /// their JSON names, dates and times in RFC 3339, durations in ISO 8601, UUIDs hyphenated, dictionaries as
    /// objects. A few values read back but are beyond the schema's formats: a <see cref="System.DateTime"/> of
    /// unspecified kind (written without an offset), a duration with a fraction of a second or a negative one.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="System.ArgumentNullException"><paramref name="writer"/> is null.</exception>
    /// <exception cref="System.ArgumentException">
    /// A member holds a value the contract has no JSON for (an undefined enum value, a non-finite number, a relative
    /// URI, text that is not valid UTF-16); the message names its JSON path.
    /// </exception>
    /// <exception cref="System.InvalidOperationException">
    /// The value nests deeper than the writer's <see cref="JsonWriterOptions.MaxDepth"/> (1000 by default), as a value
    /// that contains itself does. Note that <see cref="Parse(string)"/> reads 64 levels by default
    /// (<see cref="ParseOptions"/>).
    /// </exception>
    public static void Write(Utf8JsonWriter writer, T value)
    {
        System.ArgumentNullException.ThrowIfNull(writer);
        T.Write(writer, value);
    }
}
