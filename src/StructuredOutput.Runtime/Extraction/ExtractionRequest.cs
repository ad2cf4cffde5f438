using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>Builds what is sent: the chat options with the response format, the first messages, and each re-ask.</summary>
internal static class ExtractionRequest
{
    /// <summary>
    /// A copy of the caller's chat options set up for the mode: its response format (strict json_schema with the schema in
    /// the options' dialect, or json_object, or none), and the tool in tool-call mode.
    /// </summary>
    public static ChatOptions CreateOptions<T>(ExtractionMode mode, ExtractOptions? options) where T : ILlmExtractable<T>
    {
        ChatOptions chatOptions = options?.ChatOptions?.Clone() ?? new ChatOptions();
        switch (mode)
        {
            case ExtractionMode.JsonObject:
                chatOptions.ResponseFormat = ChatResponseFormat.Json;
                break;
            case ExtractionMode.StrictJsonSchema:
                StrictFormat<T>.Apply(chatOptions, options?.Dialect ?? SchemaDialect.OpenAI);
                break;
            case ExtractionMode.ToolCall:
                ContractTool<T>.Apply(chatOptions);
                break;
            case ExtractionMode.PromptOnly:
                chatOptions.ResponseFormat = null;
                break;
            default:
                throw new InvalidOperationException(ExtractionMessages.UnknownMode(mode, typeof(T).Name));
        }

        return chatOptions;
    }

    /// <summary>The mode of the request: the options' choice, else the type's.</summary>
    public static ExtractionMode ModeOf<T>(ExtractOptions? options) where T : ILlmExtractable<T> => options?.Mode ?? T.Mode;

    /// <summary>
    /// The messages of the first request, which every re-ask sends again: the system message (the prompt, the input rule,
    /// then <see cref="ChatOptions.Instructions"/> and <see cref="ExtractOptions.Instructions"/>, in tool-call mode the rule
    /// that the answer is the call's arguments, then the example answers
    /// of <see cref="ExtractOptions.Examples"/>), the example exchanges (<see cref="ExtractionExamples"/>), then the input: a
    /// text as one delimited user message, or the caller's messages in their order with their data delimited
    /// (<see cref="InputDelimiter"/>). The chat options' instructions move into the system message, so that they
    /// follow the prompt whatever the client does with the option: <paramref name="chatOptions"/>, the caller's
    /// options' copy, is sent without them.
    /// </summary>
    public static List<ChatMessage> CreateMessages<T>(ExtractionMode mode, ExtractionInput input, ExtractOptions? options, ChatOptions chatOptions)
        where T : ILlmExtractable<T>
    {
        string system = SystemText<T>(chatOptions.Instructions, options?.Instructions);
        if (mode == ExtractionMode.ToolCall)
        {
            // The generated prompt asks for the JSON object; in this mode it goes into the forced call's arguments.
            system = system + "\n\n" + ExtractionMessages.ToolAnswerRule(ContractTool<T>.Name);
        }

        if (ExtractionExamples.SystemText<T>(options?.Examples) is { } examples)
        {
            system = system + "\n\n" + examples;
        }

        chatOptions.Instructions = null;
        List<ChatMessage> exchanges = ExtractionExamples.Exchanges<T>(options?.Examples);
        if (input.Messages is not { } given)
        {
            var single = new List<ChatMessage>(exchanges.Count + 4) { new(ChatRole.System, system) };
            single.AddRange(exchanges);
            single.Add(new(ChatRole.User, InputDelimiter.Format(input.Text!)));
            return single;
        }

        var messages = new List<ChatMessage>(given.Count + exchanges.Count + 3) { new(ChatRole.System, system) };
        messages.AddRange(exchanges);
        InputDelimiter.Delimit(given, messages);
        return messages;
    }

    /// <summary>The system message: the type's prompt and the input rule, then the chat options' and the call's instructions.</summary>
    internal static string SystemText<T>(string? chatInstructions, string? callInstructions) where T : ILlmExtractable<T>
    {
        bool chat = !string.IsNullOrWhiteSpace(chatInstructions);
        bool call = !string.IsNullOrWhiteSpace(callInstructions);
        return (chat, call) switch
        {
            (false, false) => SystemPrompt<T>.Text,
            (true, false) => SystemPrompt<T>.Text + "\n\n" + chatInstructions,
            (false, true) => SystemPrompt<T>.Text + "\n\n" + callInstructions,
            (true, true) => SystemPrompt<T>.Text + "\n\n" + chatInstructions + "\n\n" + callInstructions,
        };
    }

    /// <summary>
    /// Replaces any earlier re-ask with this one: the failed answer, then its errors, after the first
    /// <paramref name="prefixLength"/> messages (those of <see cref="CreateMessages{T}"/>: the system message and the
    /// whole input, images and documents included). Only the newest failed answer stays in the conversation, so it does
    /// not grow. In tool-call mode a failed call is echoed as the call itself, answered by a function result that holds
    /// the errors (the shape providers require after a tool call); any other answer is echoed as text, followed by the
    /// errors in a user message.
    /// </summary>
    public static void AddReask<T>(List<ChatMessage> messages, int prefixLength, ExtractionMode mode, string? answer, ChatResponse response, IReadOnlyList<ExtractionError> errors)
        where T : ILlmExtractable<T>
    {
        if (messages.Count > prefixLength)
        {
            messages.RemoveRange(prefixLength, messages.Count - prefixLength);
        }

        if (mode == ExtractionMode.ToolCall && ResponseReader.Calls(response.Messages) is { } calls)
        {
            AddToolReask(messages, calls, ExtractionMessages.ToolReask(errors, ContractTool<T>.Name));
            return;
        }

        messages.Add(new ChatMessage(ChatRole.Assistant, ExtractionMessages.EchoAnswer(answer, response.Messages)));
        messages.Add(new ChatMessage(ChatRole.User, mode == ExtractionMode.ToolCall ? ExtractionMessages.ToolReask(errors, ContractTool<T>.Name) : ExtractionMessages.Reask(errors)));
    }

    // The calls as the model made them (arguments that could not be read are echoed as {}), each answered with the errors.
    private static void AddToolReask(List<ChatMessage> messages, List<FunctionCallContent> calls, string reask)
    {
        var echoed = new List<AIContent>(calls.Count);
        var results = new List<AIContent>(calls.Count);
        foreach (FunctionCallContent call in calls)
        {
            echoed.Add(new FunctionCallContent(call.CallId, call.Name, call.Arguments ?? new Dictionary<string, object?>()));
            results.Add(new FunctionResultContent(call.CallId, reask));
        }

        messages.Add(new ChatMessage(ChatRole.Assistant, echoed));
        messages.Add(new ChatMessage(ChatRole.Tool, results));
    }
}
