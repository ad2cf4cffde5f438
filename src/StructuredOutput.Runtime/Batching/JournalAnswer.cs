using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;

namespace StructuredOutput.Batching;

/// <summary>
/// What the journal keeps of one attempt: the parts of the response the judge reads (the answer's text, a refusal,
/// the finish reason, the tools called, the usage), or the outcome that came instead of a response (a time-out, an
/// unreadable response). A resumed run judges them again (<see cref="ReplayInto{T}"/>): judging is deterministic, so
/// the value and every attempt come back as they were, without serializing a value of an unknown type.
/// </summary>
internal sealed class JournalAnswer
{
    private JournalAnswer(string? text, string? refusal, string? finishReason, JournalCall[]? tools, long? inputTokens, long? outputTokens, long? totalTokens, TimeSpan? timedOut, string? unreadable, string? body)
    {
        Text = text;
        Refusal = refusal;
        FinishReason = finishReason;
        Tools = tools;
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
        TotalTokens = totalTokens;
        TimedOut = timedOut;
        Unreadable = unreadable;
        Body = body;
    }

    public string? Text { get; }

    public string? Refusal { get; }

    public string? FinishReason { get; }

    public JournalCall[]? Tools { get; }

    public long? InputTokens { get; }

    public long? OutputTokens { get; }

    public long? TotalTokens { get; }

    /// <summary>The attempt time-out the request ran out of, when it did.</summary>
    public TimeSpan? TimedOut { get; }

    /// <summary>The failure message of an unreadable response, when the response was unreadable.</summary>
    public string? Unreadable { get; }

    /// <summary>The unreadable response's body, when the transport kept it.</summary>
    public string? Body { get; }

    /// <summary>What the judge reads of <paramref name="response"/>.</summary>
    public static JournalAnswer From(ChatResponse response)
    {
        ResponseContent content = ResponseReader.Read(response);
        List<JournalCall>? tools = null;
        if (content.CalledTools)
        {
            foreach (ChatMessage message in response.Messages)
            {
                foreach (AIContent part in message.Contents)
                {
                    if (part is FunctionCallContent call)
                    {
                        (tools ??= new List<JournalCall>()).Add(JournalCall.From(call));
                    }
                }
            }
        }

        UsageDetails? usage = response.Usage;
        return new JournalAnswer(content.Text, content.Refusal, response.FinishReason?.Value, tools?.ToArray(), usage?.InputTokenCount, usage?.OutputTokenCount, usage?.TotalTokenCount, null, null, null);
    }

    /// <summary>What the journal keeps of <paramref name="attempt"/> when no response came (a time-out, an unreadable response).</summary>
    public static JournalAnswer Ended(ExtractionAttempt attempt, TimeSpan? attemptTimeout) => attempt.FailureKind switch
    {
        ExtractionFailureKind.TimedOut => new JournalAnswer(null, null, null, null, null, null, null, attemptTimeout ?? TimeSpan.Zero, null, null),
        ExtractionFailureKind.UnreadableResponse => new JournalAnswer(null, null, null, null, null, null, null, null, attempt.FailureMessage ?? string.Empty, attempt.ResponseBody),
        _ => throw new ArgumentException("Only a time-out or an unreadable response ends an attempt without a response.", nameof(attempt)),
    };

    /// <summary>Records this attempt in <paramref name="conversation"/> again, as it was first recorded.</summary>
    public void ReplayInto<T>(ExtractionConversation<T> conversation)
        where T : ILlmExtractable<T>
    {
        if (TimedOut is { } timeout)
        {
            conversation.RecordTimedOut(timeout);
        }
        else if (Unreadable is { } message)
        {
            conversation.RecordUnreadable(message, Body);
        }
        else
        {
            conversation.Record(ToResponse());
        }
    }

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (TimedOut is { } timeout)
        {
            writer.WriteNumber("timedOutTicks", timeout.Ticks);
        }
        else if (Unreadable is { } message)
        {
            writer.WriteString("unreadable", message);
            WriteIfSet(writer, "body", Body);
        }
        else
        {
            WriteIfSet(writer, "text", Text);
            WriteIfSet(writer, "refusal", Refusal);
            WriteIfSet(writer, "finish", FinishReason);
            if (Tools is not null)
            {
                writer.WriteStartArray("tools");
                foreach (JournalCall tool in Tools)
                {
                    tool.Write(writer);
                }

                writer.WriteEndArray();
            }

            WriteIfSet(writer, "inputTokens", InputTokens);
            WriteIfSet(writer, "outputTokens", OutputTokens);
            WriteIfSet(writer, "totalTokens", TotalTokens);
        }

        writer.WriteEndObject();
    }

    public static JournalAnswer Read(JsonElement element)
    {
        JournalCall[]? tools = null;
        if (element.TryGetProperty("tools", out JsonElement list))
        {
            tools = new JournalCall[list.GetArrayLength()];
            int i = 0;
            foreach (JsonElement tool in list.EnumerateArray())
            {
                tools[i++] = JournalCall.Read(tool);
            }
        }

        return new JournalAnswer(
            String(element, "text"),
            String(element, "refusal"),
            String(element, "finish"),
            tools,
            Number(element, "inputTokens"),
            Number(element, "outputTokens"),
            Number(element, "totalTokens"),
            Number(element, "timedOutTicks") is long ticks ? TimeSpan.FromTicks(ticks) : null,
            String(element, "unreadable"),
            String(element, "body"));
    }

    private ChatResponse ToResponse()
    {
        var contents = new List<AIContent>(2);
        if (Text is not null)
        {
            contents.Add(new TextContent(Text));
        }

        if (Refusal is not null)
        {
            contents.Add(new ErrorContent(Refusal) { ErrorCode = "Refusal" });
        }

        if (Tools is not null)
        {
            foreach (JournalCall tool in Tools)
            {
                contents.Add(tool.ToContent());
            }
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            FinishReason = FinishReason is null ? null : new ChatFinishReason(FinishReason),
            Usage = InputTokens is null && OutputTokens is null && TotalTokens is null
                ? null
                : new UsageDetails { InputTokenCount = InputTokens, OutputTokenCount = OutputTokens, TotalTokenCount = TotalTokens },
        };
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is long n)
        {
            writer.WriteNumber(name, n);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;
}

/// <summary>A finished item's record: its id and every attempt.</summary>
internal readonly struct JournalResult
{
    public JournalResult(string id, IReadOnlyList<JournalAnswer> answers)
    {
        Id = id;
        Answers = answers;
    }

    public string Id { get; }

    public IReadOnlyList<JournalAnswer> Answers { get; }

    /// <summary>The result the recorded attempts amount to, judged again for <paramref name="input"/> with <paramref name="options"/>.</summary>
    public ExtractionResult<T> Replay<T>(ExtractionInput input, ExtractOptions? options)
        where T : ILlmExtractable<T>
    {
        var conversation = new ExtractionConversation<T>(input, options);
        foreach (JournalAnswer answer in Answers)
        {
            if (conversation.IsFinished)
            {
                break;
            }

            answer.ReplayInto(conversation);
        }

        if (!conversation.IsFinished)
        {
            // The options allow more retries than the run that wrote the record: it ended the item, so it stays ended.
            return new ExtractionResult<T>(default, conversation.Attempts[^1].FailureKind, conversation.Attempts);
        }

        return conversation.Result;
    }

    public static void Write(Utf8JsonWriter writer, string id, IReadOnlyList<JournalAnswer> answers)
    {
        writer.WriteStartObject();
        writer.WriteString("record", BatchJournal.ResultKind);
        writer.WriteString("id", id);
        writer.WriteStartArray("attempts");
        foreach (JournalAnswer answer in answers)
        {
            answer.Write(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static JournalResult Read(JsonElement record)
    {
        var answers = new List<JournalAnswer>();
        foreach (JsonElement attempt in record.GetProperty("attempts").EnumerateArray())
        {
            answers.Add(JournalAnswer.Read(attempt));
        }

        return new JournalResult(record.GetProperty("id").GetString()!, answers);
    }
}

/// <summary>
/// A function call as the judge reads it: its id, its name, and its arguments as JSON text (or, when the chat client
/// could not read them, the reason), so that a tool-call answer is judged again exactly as it was the first time.
/// </summary>
internal sealed class JournalCall
{
    private JournalCall(string id, string name, string? arguments, string? error)
    {
        Id = id;
        Name = name;
        Arguments = arguments;
        Error = error;
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary>The arguments as JSON text; null when they could not be read.</summary>
    public string? Arguments { get; }

    /// <summary>Why the arguments could not be read, when they could not.</summary>
    public string? Error { get; }

    public static JournalCall From(FunctionCallContent call)
    {
        string? arguments = call.Exception is null ? ResponseReader.ArgumentsText(call) : null;
        string? error = call.Exception is { } e ? e.InnerException?.Message ?? e.Message : null;
        return new JournalCall(call.CallId, call.Name, arguments, error);
    }

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("name", Name);
        if (Arguments is not null)
        {
            writer.WriteString("arguments", Arguments);
        }

        if (Error is not null)
        {
            writer.WriteString("error", Error);
        }

        writer.WriteEndObject();
    }

    public static JournalCall Read(JsonElement element) => new(
        element.GetProperty("id").GetString()!,
        element.GetProperty("name").GetString()!,
        element.TryGetProperty("arguments", out JsonElement a) ? a.GetString() : null,
        element.TryGetProperty("error", out JsonElement e) ? e.GetString() : null);

    /// <summary>The call as a chat client hands it over: arguments parsed into <see cref="JsonElement"/> values.</summary>
    public FunctionCallContent ToContent()
    {
        if (Arguments is null)
        {
            return new FunctionCallContent(Id, Name) { Exception = new JsonException(Error ?? "the arguments could not be read") };
        }

        var arguments = new Dictionary<string, object?>();
        using (JsonDocument document = JsonDocument.Parse(Arguments))
        {
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }
        }

        return new FunctionCallContent(Id, Name, arguments);
    }
}
