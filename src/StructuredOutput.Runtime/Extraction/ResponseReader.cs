using System.Collections.Generic;
using System.Text;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>What a chat response holds for the extractor: the answer's text, a refusal, and whether tools were called.</summary>
internal readonly struct ResponseContent
{
    public ResponseContent(string? text, string? refusal, bool calledTools)
    {
        Text = text;
        Refusal = refusal;
        CalledTools = calledTools;
    }

    /// <summary>The text of every text part, joined; null when there is none.</summary>
    public string? Text { get; }

    /// <summary>The refusal, when the model refused; an empty refusal beside an answer is none.</summary>
    public string? Refusal { get; }

    /// <summary>Whether the response holds a function call.</summary>
    public bool CalledTools { get; }
}

/// <summary>Reads a <see cref="ChatResponse"/> into <see cref="ResponseContent"/>.</summary>
internal static class ResponseReader
{
    // Microsoft.Extensions.AI.OpenAI turns choices[].message.refusal into this ErrorContent.
    private const string RefusalCode = "Refusal";

    public static ResponseContent Read(ChatResponse response)
    {
        string? refusal = null;
        string? text = null;
        bool calledTools = false;

        // Index loops: foreach over these IList<T> properties would box an enumerator per call.
        IList<ChatMessage> messages = response.Messages;
        for (int m = 0; m < messages.Count; m++)
        {
            IList<AIContent> contents = messages[m].Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                switch (contents[c])
                {
                    case TextContent t:
                        text = text is null ? t.Text : text + t.Text;
                        break;
                    case ErrorContent { ErrorCode: RefusalCode } e:
                        refusal = e.Message ?? string.Empty;
                        break;
                    case FunctionCallContent:
                        calledTools = true;
                        break;
                }
            }
        }

        // Some compatible servers send "refusal": "" beside every answer: an empty refusal beside text is no refusal.
        if (refusal is not null && string.IsNullOrWhiteSpace(refusal) && !string.IsNullOrWhiteSpace(text))
        {
            refusal = null;
        }

        return new ResponseContent(text, refusal, calledTools);
    }

    /// <summary>The tools called in <paramref name="messages"/>, worded as <c>the tool "a"</c> or <c>the tools "a", "b"</c>; null when none.</summary>
    public static string? ToolNames(IList<ChatMessage> messages)
    {
        StringBuilder? names = null;
        int count = 0;
        for (int m = 0; m < messages.Count; m++)
        {
            IList<AIContent> contents = messages[m].Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                if (contents[c] is FunctionCallContent call)
                {
                    names = names is null ? new StringBuilder() : names.Append(", ");
                    names.Append('"').Append(call.Name).Append('"');
                    count++;
                }
            }
        }

        return names is null ? null : (count == 1 ? "the tool " : "the tools ") + names.ToString();
    }
}
