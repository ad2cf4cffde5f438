namespace StructuredOutput;

/// <summary>
/// How a request asks for the answer and where the answer is read from. Whatever the mode, the system message holds the
/// generated prompt, and the answer goes through the same parser, validation, re-ask and failure kinds. Set it on the
/// type (<see cref="LlmExtractAttribute.Mode"/>) or per call (<see cref="ExtractOptions.Mode"/>).
/// </summary>
public enum ExtractionMode
{
    /// <summary>
    /// JSON mode, the default: <c>response_format: {"type":"json_object"}</c>. The provider guarantees JSON syntax at
    /// most, never the shape; the prompt describes the shape. The answer is the message text.
    /// </summary>
    JsonObject = 0,

    /// <summary>
    /// Strict Structured Outputs: <c>response_format: {"type":"json_schema","json_schema":{"name":…,"schema":…,"strict":true}}</c>
    /// with the type's strict schema (<see cref="ILlmExtractable{TSelf}.StrictJsonSchema"/>). The provider constrains the
    /// answer to the schema; the keywords the strict subset does not enforce are still checked here. A type with a
    /// dictionary member has no strict schema and cannot use this mode (diagnostic LLMX013). The answer is the message
    /// text.
    /// </summary>
    StrictJsonSchema = 1,

    /// <summary>
    /// Tool calling: no <c>response_format</c>; the contract is the only tool, one function named after the schema
    /// (<see cref="ILlmExtractable{TSelf}.SchemaName"/>) whose parameters are the strict schema with <c>strict: true</c>
    /// (the plain schema, not strict, for a type with a dictionary member), and <c>tool_choice</c> forces its call, with
    /// parallel tool calls off. The answer is the call's arguments. For servers and models that follow tools better than
    /// response formats, and for providers whose natural structured output is a tool call.
    /// </summary>
    ToolCall = 2,

    /// <summary>
    /// The prompt alone: no <c>response_format</c> and no tools, for servers that reject both. The generated prompt asks
    /// for one JSON object; nothing on the wire enforces it. The answer is the message text.
    /// </summary>
    PromptOnly = 3,
}
