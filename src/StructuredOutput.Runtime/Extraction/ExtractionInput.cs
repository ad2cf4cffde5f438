using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>
/// What the caller extracts from, checked once at the call: a text, or the caller's messages (a message with images or
/// documents, a conversation). The messages are copied into a list of their own, so a list the caller changes later
/// does not change the request, and re-asks send the same input again.
/// </summary>
internal readonly struct ExtractionInput
{
    private ExtractionInput(string? text, IReadOnlyList<ChatMessage>? messages)
    {
        Text = text;
        Messages = messages;
    }

    /// <summary>The text, when the input is a text; null otherwise.</summary>
    public string? Text { get; }

    /// <summary>The caller's messages, when the input is messages; null otherwise.</summary>
    public IReadOnlyList<ChatMessage>? Messages { get; }

    /// <summary>A text input.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static ExtractionInput Of(string text, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(text, parameterName);
        return new ExtractionInput(text, null);
    }

    /// <summary>One message.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException">The message is not a user message with content.</exception>
    public static ExtractionInput Of(ChatMessage message, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(message, parameterName);
        if (!IsUserContent(message))
        {
            throw new ArgumentException(
                "The message has no user content to extract from (its role is " + message.Role + ", with " + message.Contents.Count
                + " content parts): give a user message with text, an image, a document or audio.",
                parameterName);
        }

        return new ExtractionInput(null, new[] { message });
    }

    /// <summary>A list of messages, in the order given.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, holds a null element, or has no user message with content.</exception>
    public static ExtractionInput Of(IEnumerable<ChatMessage> messages, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(messages, parameterName);
        var copy = new List<ChatMessage>(messages is IReadOnlyCollection<ChatMessage> c ? c.Count : 4);
        bool userContent = false;
        foreach (ChatMessage message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException("The message at index " + copy.Count + " is null.", parameterName);
            }

            userContent |= IsUserContent(message);
            copy.Add(message);
        }

        if (copy.Count == 0)
        {
            throw new ArgumentException("The list of messages is empty: give at least one user message to extract from.", parameterName);
        }

        if (!userContent)
        {
            throw new ArgumentException(
                "None of the " + copy.Count + " messages is a user message with content: give at least one user message with text, an image, a document or audio to extract from.",
                parameterName);
        }

        return new ExtractionInput(null, copy);
    }

    private static bool IsUserContent(ChatMessage message) => message.Role == ChatRole.User && message.Contents.Count > 0;
}
