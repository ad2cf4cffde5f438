using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>Builds what is sent: the chat options with the response format, the first messages, and each re-ask.</summary>
internal static class ExtractionRequest
{
    /// <summary>A copy of the caller's chat options set up for the mode: its response format, and the tool in tool-call mode.</summary>
    public static ChatOptions CreateOptions<T>(ExtractionMode mode, ExtractOptions? options) where T : ILlmExtractable<T>
    {
        ChatOptions chatOptions = options?.ChatOptions?.Clone() ?? new ChatOptions();
        switch (mode)
        {
            case ExtractionMode.JsonObject:
                chatOptions.ResponseFormat = ChatResponseFormat.Json;
                break;
            case ExtractionMode.StrictJsonSchema:
                StrictFormat<T>.Apply(chatOptions);
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

    /// <summary>The system message (prompt and input rule) and the user message with the delimited input.</summary>
    public static List<ChatMessage> CreateMessages<T>(string input) where T : ILlmExtractable<T> =>
        new(4)
        {
            new(ChatRole.System, SystemPrompt<T>.Text),
            new(ChatRole.User, InputDelimiter.Format(input)),
        };

    /// <summary>
    /// Replaces any earlier re-ask with this one: the failed answer, then its errors. Only the newest failed answer stays
    /// in the conversation, so it does not grow. In tool-call mode a failed call is echoed as the call itself, answered by
    /// a function result that holds the errors (the shape providers require after a tool call); any other answer is echoed
    /// as text, followed by the errors in a user message.
    /// </summary>
    public static void AddReask<T>(List<ChatMessage> messages, ExtractionMode mode, string? answer, ChatResponse response, IReadOnlyList<ExtractionError> errors)
        where T : ILlmExtractable<T>
    {
        if (messages.Count > 2)
        {
            messages.RemoveRange(2, messages.Count - 2);
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
