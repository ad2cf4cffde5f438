using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>
/// Tool-call mode's request: the contract of <typeparamref name="T"/> as the one function the model must call, built
/// once per type. The function is named after the schema, described by the type's instructions, and takes the strict
/// schema with <c>strict: true</c> when the type has one (the plain schema, not strict, when it has a dictionary member).
/// </summary>
internal static class ContractTool<T> where T : ILlmExtractable<T>
{
    private static ContractFunction? s_function;
    private static ChatToolMode? s_toolMode;

    /// <summary>The function's name, which is the schema's name.</summary>
    public static string Name => T.SchemaName;

    /// <summary>
    /// Makes the contract's function the only tool on <paramref name="options"/> and forces its call: no response format,
    /// one call at a time (a strict function cannot be called in parallel).
    /// </summary>
    public static void Apply(ChatOptions options)
    {
        s_function ??= Create();
        options.ResponseFormat = null;
        options.Tools = new List<AITool>(1) { s_function };
        options.ToolMode = s_toolMode ??= ChatToolMode.RequireSpecific(T.SchemaName);
        options.AllowMultipleToolCalls = false;
    }

    private static ContractFunction Create()
    {
        string? strict = T.StrictJsonSchema;
        return new ContractFunction(
            T.SchemaName,
            ExtractionMessages.ToolDescription(T.Instructions, T.SchemaName),
            StrictFormat<T>.Schema(strict ?? T.JsonSchema),
            strict is not null);
    }

    /// <summary>
    /// A declaration only (the extractor reads the call, nothing runs it). Its additional property <c>strict</c> is what
    /// Microsoft.Extensions.AI's OpenAI client reads to send <c>"strict": true</c> on the function; other adapters ignore it.
    /// </summary>
    private sealed class ContractFunction : AIFunctionDeclaration
    {
        private readonly JsonElement _schema;
        private readonly AdditionalPropertiesDictionary _additionalProperties;

        public ContractFunction(string name, string description, JsonElement schema, bool strict)
        {
            Name = name;
            Description = description;
            _schema = schema;
            _additionalProperties = new AdditionalPropertiesDictionary { [StrictFormat<T>.StrictKey] = strict };
        }

        public override string Name { get; }

        public override string Description { get; }

        public override JsonElement JsonSchema => _schema;

        public override IReadOnlyDictionary<string, object?> AdditionalProperties => _additionalProperties;
    }
}
