using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>The function calls in <paramref name="messages"/>, in order; null when there is none.</summary>
    public static List<FunctionCallContent>? Calls(IList<ChatMessage> messages)
    {
        List<FunctionCallContent>? calls = null;
        for (int m = 0; m < messages.Count; m++)
        {
            IList<AIContent> contents = messages[m].Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                if (contents[c] is FunctionCallContent call)
                {
                    (calls ??= new List<FunctionCallContent>(1)).Add(call);
                }
            }
        }

        return calls;
    }

    private static readonly JsonWriterOptions ArgumentsWriterOptions = new()
    {
        // The text is shown to people and echoed to the model as it was meant: only what JSON requires is escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The arguments of <paramref name="call"/> as JSON text; null when the chat client could not read them. The chat
    /// client hands them over parsed (<see cref="FunctionCallContent.Arguments"/>), and the exact text the provider sent
    /// is not reachable without the provider's own types, so this is the parsed object written out again: the same
    /// names and values in the same order, with the provider's spacing and escapes lost, and a repeated name kept once.
    /// </summary>
    public static string? ArgumentsText(FunctionCallContent call)
    {
        if (call.Arguments is not { } arguments)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, ArgumentsWriterOptions))
        {
            WriteObject(writer, arguments, depth: 0);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Chat clients parse arguments into JsonElement values (Microsoft.Extensions.AI's own parser does); the other cases
    // cover clients that build plain .NET values. Nothing here uses reflection.
    private static void WriteValue(Utf8JsonWriter writer, object? value, int depth)
    {
        if (depth > ParseOptions.MaxAllowedDepth)
        {
            // Deeper than the parser reads (or a cycle): cut here, and the parser rejects the answer for its depth.
            writer.WriteNullValue();
            return;
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int or long or short or sbyte or byte or ushort or uint or ulong or float or double or decimal:
                writer.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!, skipInputValidation: false);
                break;
            case IDictionary<string, object?> nested:
                WriteObject(writer, nested, depth + 1);
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (object? item in items)
                {
                    WriteValue(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, IDictionary<string, object?> properties, int depth)
    {
        writer.WriteStartObject();
        foreach (KeyValuePair<string, object?> property in properties)
        {
            writer.WritePropertyName(property.Key);
            WriteValue(writer, property.Value, depth);
        }

        writer.WriteEndObject();
    }
}
