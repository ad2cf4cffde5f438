using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>Builds what is sent: the chat options with the response format, the first messages, and each re-ask.</summary>
internal static class ExtractionRequest
{
    /// <summary>
    /// A copy of the caller's chat options with the response format set: strict json_schema, with the schema in the
    /// options' dialect, or json_object.
    /// </summary>
    public static ChatOptions CreateOptions<T>(ExtractOptions? options) where T : ILlmExtractable<T>
    {
        ChatOptions chatOptions = options?.ChatOptions?.Clone() ?? new ChatOptions();
        if (IsStrict<T>(options))
        {
            StrictFormat<T>.Apply(chatOptions, options?.Dialect ?? SchemaDialect.OpenAI);
        }
        else
        {
            chatOptions.ResponseFormat = ChatResponseFormat.Json;
        }

        return chatOptions;
    }

    /// <summary>Whether the request asks for strict <c>json_schema</c> (the options' choice, else the type's).</summary>
    public static bool IsStrict<T>(ExtractOptions? options) where T : ILlmExtractable<T> => options?.Strict ?? T.Strict;

    /// <summary>The system message (prompt and input rule) and the user message with the delimited input.</summary>
    public static List<ChatMessage> CreateMessages<T>(string input) where T : ILlmExtractable<T> =>
        new(4)
        {
            new(ChatRole.System, SystemPrompt<T>.Text),
            new(ChatRole.User, InputDelimiter.Format(input)),
        };

    /// <summary>
    /// Replaces any earlier re-ask with this one: the failed answer, then its errors. Only the newest failed answer stays
    /// in the conversation, so it does not grow.
    /// </summary>
    public static void AddReask(List<ChatMessage> messages, string? answer, ChatResponse response, IReadOnlyList<ExtractionError> errors)
    {
        if (messages.Count > 2)
        {
            messages.RemoveRange(2, messages.Count - 2);
        }

        messages.Add(new ChatMessage(ChatRole.Assistant, ExtractionMessages.EchoAnswer(answer, response.Messages)));
        messages.Add(new ChatMessage(ChatRole.User, ExtractionMessages.Reask(errors)));
    }
}
