namespace StructuredOutput.Generator.Model;

/// <summary>
/// The attribute's <c>Mode</c>. The generator does not reference the runtime, so the values mirror
/// <c>StructuredOutput.ExtractionMode</c>'s by number; a value outside them is kept as its number.
/// </summary>
internal enum ContractMode
{
    JsonObject = 0,
    StrictJsonSchema = 1,
    ToolCall = 2,
    PromptOnly = 3,
}
