namespace StructuredOutput;

/// <summary>
/// The compile-time contract of an extraction target. The generator implements it explicitly on every
/// <see cref="LlmExtractAttribute"/> type, so the type's own members named <c>JsonSchema</c>, <c>Prompt</c> or
/// <c>Parse</c> never collide with it. Read a type's contract through <see cref="LlmContract{T}"/>.
/// </summary>
/// <typeparam name="TSelf">The annotated type itself.</typeparam>
public interface ILlmExtractable<TSelf> where TSelf : ILlmExtractable<TSelf>
{
    /// <summary>The JSON Schema (draft 2020-12) of the type, as a compile-time constant.</summary>
    static abstract string JsonSchema { get; }

    /// <summary>
    /// The schema in OpenAI's strict subset (every property required, optional values nullable, unenforced keywords
    /// moved into descriptions), or null when the type holds a member strict mode cannot express (a dictionary).
    /// </summary>
    static abstract string? StrictJsonSchema { get; }

    /// <summary>
    /// The wire schema in <paramref name="dialect"/>: <see cref="StrictJsonSchema"/> for
    /// <see cref="SchemaDialect.OpenAI"/>; for another dialect, its schema when the type names it in
    /// <see cref="LlmExtractAttribute.Dialects"/>, else null.
    /// </summary>
    /// <param name="dialect">The provider's schema dialect.</param>
    /// <returns>The schema as a compile-time constant, or null when none was generated for the dialect.</returns>
    static abstract string? GetJsonSchema(SchemaDialect dialect);

    /// <summary>The schema's name as sent on the wire; it matches <c>^[A-Za-z0-9_-]{1,64}$</c>.</summary>
    static abstract string SchemaName { get; }

    /// <summary>The mode the type's requests use unless a call says otherwise (<see cref="LlmExtractAttribute.Mode"/>).</summary>
    static abstract ExtractionMode Mode { get; }

    /// <summary>The task from <see cref="LlmExtractAttribute.Instructions"/>, or null when none is given.</summary>
    static abstract string? Instructions { get; }

    /// <summary>The system prompt that describes the task and the expected JSON shape, as a compile-time constant.</summary>
    static abstract string Prompt { get; }

    /// <summary>Finds the JSON object in a model's answer, reads it into a <typeparamref name="TSelf"/> and validates it.</summary>
    /// <param name="json">The model's answer text.</param>
    /// <returns>The value, or every error found with its JSON path; never throws for bad input.</returns>
    static abstract ParseResult<TSelf> Parse(string json);

    /// <summary>Like <see cref="Parse(string)"/>, with explicit depth and size limits and repair policy.</summary>
    /// <param name="json">The model's answer text.</param>
    /// <param name="options">The limits; null for the defaults.</param>
    /// <returns>The value, or every error found with its JSON path; never throws for bad input.</returns>
    static abstract ParseResult<TSelf> Parse(string json, ParseOptions? options);

    /// <summary>
    /// The shape of the type's generated partial view, <c>T.Partial</c>, which a streamed extraction fills in as the
    /// answer arrives; null when the type has none (a union at the root).
    /// </summary>
    static virtual Streaming.PartialShape? StreamingShape => null;

    /// <summary>
    /// Writes a value as the contract's JSON: its JSON names, enums by their JSON names, the schema's formats, every
    /// member present (null as <c>null</c>), so that <see cref="Parse(string)"/> reads it back without a repair.
    /// </summary>
    /// <param name="writer">The writer to write one JSON value to.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="System.ArgumentException">
    /// A member holds a value the contract has no JSON for (an undefined enum value, a non-finite number, a relative
    /// URI, text that is not valid UTF-16); the message names its JSON path.
    /// </exception>
    static abstract void Write(System.Text.Json.Utf8JsonWriter writer, TSelf value);
}
