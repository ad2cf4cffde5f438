namespace StructuredOutput;

/// <summary>
/// A provider's variant of JSON Schema: the keywords its <c>json_schema</c> response format (and its tool parameters)
/// accept. The generator writes one wire schema per dialect a type names in <see cref="LlmExtractAttribute.Dialects"/>;
/// <see cref="ExtractOptions.Dialect"/> picks the one a request sends.
/// </summary>
/// <remarks>
/// Each dialect's schema is the strict schema's shape (every property required, an optional one nullable with null
/// meaning its default) with what the provider rejects rewritten or moved into descriptions. What it cannot express at
/// all is a compile-time error (LLMX030); a constraint it only states in words is reported as LLMX031, and the client
/// still checks it. The rules per provider: docs/compatible-servers.md.
/// </remarks>
public enum SchemaDialect
{
    /// <summary>OpenAI's strict subset: <see cref="ILlmExtractable{TSelf}.StrictJsonSchema"/>. Every type has it.</summary>
    OpenAI = 0,

    /// <summary>
    /// Google Gemini (the native API's <c>responseSchema</c> and its OpenAI-compatible endpoint), an OpenAPI 3.0 subset:
    /// no <c>$ref</c>/<c>$defs</c> (shared types are inlined), no <c>additionalProperties</c>, null as
    /// <c>"nullable": true</c> instead of a type list, string enums only, <c>format</c> <c>date-time</c> only.
    /// </summary>
    Gemini = 1,

    /// <summary>Mistral (<c>response_format</c> <c>json_schema</c>): JSON Schema without <c>$schema</c>, <c>$id</c> and <c>format</c>.</summary>
    Mistral = 2,
}
