using System;

namespace StructuredOutput;

/// <summary>
/// Marks a <see langword="partial"/> class, struct or record as the root of an extraction contract. At compile time the
/// StructuredOutput generator emits the type's JSON Schema, its prompt and a parser that implement
/// <see cref="ILlmExtractable{TSelf}"/>; nested types are discovered through the members.
/// </summary>
/// <example>
/// <code>
/// [LlmExtract(Instructions = "Extract the recipe.")]
/// public partial record Recipe(string Name, List&lt;Ingredient&gt; Ingredients, List&lt;string&gt; Steps);
///
/// Recipe recipe = await chatClient.ExtractAsync&lt;Recipe&gt;(recipeText);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class LlmExtractAttribute : Attribute
{
    /// <summary>The task given to the model, such as "Extract the recipe." It opens the generated prompt.</summary>
    public string? Instructions { get; set; }

    /// <summary>
    /// The schema name sent to the model; defaults to the type's name. It must be 1 to 64 letters, digits, '_' or '-'
    /// (diagnostic LLMX015).
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// How requests for this type ask for the answer: <see cref="ExtractionMode.JsonObject"/> (the default),
    /// <see cref="ExtractionMode.StrictJsonSchema"/>, <see cref="ExtractionMode.ToolCall"/> or
    /// <see cref="ExtractionMode.PromptOnly"/>. When the mode sends the strict schema (strict json_schema, and a tool
    /// call for a type without a dictionary member), the generator checks the type against the strict subset and OpenAI's
    /// limits (LLMX011–LLMX013). <see cref="ExtractOptions.Mode"/> overrides it per call.
    /// </summary>
    public ExtractionMode Mode { get; set; }

    /// <summary>
    /// The schema dialects, besides <see cref="SchemaDialect.OpenAI"/> (always generated), that the type must support:
    /// the generator writes a wire schema for each (read it with <see cref="LlmContract{T}.GetJsonSchema"/>, send it with
    /// <see cref="ExtractOptions.Dialect"/>) and reports what a dialect cannot express (LLMX030) or states only in words
    /// (LLMX031). For example <c>Dialects = [SchemaDialect.Gemini, SchemaDialect.Mistral]</c>.
    /// </summary>
#pragma warning disable CA1819 // an attribute argument is a constant array; nothing can change it after compilation
    public SchemaDialect[]? Dialects { get; set; }
#pragma warning restore CA1819
}
