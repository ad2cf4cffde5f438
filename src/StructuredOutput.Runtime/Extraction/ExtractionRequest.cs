using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>Builds what is sent: the chat options with the response format, the first messages, and each re-ask.</summary>
internal static class ExtractionRequest
{
    /// <summary>A copy of the caller's chat options with the response format set (strict json_schema or json_object).</summary>
    public static ChatOptions CreateOptions<T>(ExtractOptions? options) where T : ILlmExtractable<T>
    {
        ChatOptions chatOptions = options?.ChatOptions?.Clone() ?? new ChatOptions();
        if (IsStrict<T>(options))
        {
            StrictFormat<T>.Apply(chatOptions);
        }
        else
        {
            chatOptions.ResponseFormat = ChatResponseFormat.Json;
        }

        return chatOptions;
    }

    /// <summary>Whether the request asks for strict <c>json_schema</c> (the options' choice, else the type's).</summary>
    public static bool IsStrict<T>(ExtractOptions? options) where T : ILlmExtractable<T> => options?.Strict ?? T.Strict;

    /// <summary>
    /// The messages of the first request, which every re-ask sends again: the system message (the prompt, the input rule,
    /// then <see cref="ChatOptions.Instructions"/> and <see cref="ExtractOptions.Instructions"/>), then the input: a
    /// text as one delimited user message, or the caller's messages in their order with their data delimited
    /// (<see cref="InputDelimiter"/>). The chat options' instructions move into the system message, so that they
    /// follow the prompt whatever the client does with the option: <paramref name="chatOptions"/>, the caller's
    /// options' copy, is sent without them.
    /// </summary>
    public static List<ChatMessage> CreateMessages<T>(ExtractionInput input, ExtractOptions? options, ChatOptions chatOptions)
        where T : ILlmExtractable<T>
    {
        string system = SystemText<T>(chatOptions.Instructions, options?.Instructions);
        chatOptions.Instructions = null;
        if (input.Messages is not { } given)
        {
            return new(4)
            {
                new(ChatRole.System, system),
                new(ChatRole.User, InputDelimiter.Format(input.Text!)),
            };
        }

        var messages = new List<ChatMessage>(given.Count + 3) { new(ChatRole.System, system) };
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
    /// not grow.
    /// </summary>
    public static void AddReask(List<ChatMessage> messages, int prefixLength, string? answer, ChatResponse response, IReadOnlyList<ExtractionError> errors)
    {
        if (messages.Count > prefixLength)
        {
            messages.RemoveRange(prefixLength, messages.Count - prefixLength);
        }

        messages.Add(new ChatMessage(ChatRole.Assistant, ExtractionMessages.EchoAnswer(answer, response.Messages)));
        messages.Add(new ChatMessage(ChatRole.User, ExtractionMessages.Reask(errors)));
    }
}
