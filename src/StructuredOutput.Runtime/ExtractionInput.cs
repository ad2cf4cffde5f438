using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>
/// What one extraction reads: a text, sent as data between two boundary lines, or the caller's messages (a message with
/// images or documents, a conversation), whose text is delimited the same way. Checked once when it is made; the
/// messages are copied into a list of its own, so a list the caller changes later does not change the requests, and
/// re-asks send the same input again. A string converts to it implicitly. The overloads of
/// <see cref="ChatClientExtractExtensions"/> make one for each call; a batch run or an
/// <see cref="ExtractionConversation{T}"/> takes one directly.
/// </summary>
public sealed class ExtractionInput
{
    private ExtractionInput(string? text, IReadOnlyList<ChatMessage>? messages)
    {
        Text = text;
        Messages = messages;
    }

    /// <summary>The text, when the input is a text; null otherwise.</summary>
    internal string? Text { get; }

    /// <summary>The caller's messages, when the input is messages; null otherwise.</summary>
    internal IReadOnlyList<ChatMessage>? Messages { get; }

    /// <summary>An input that is a text.</summary>
    /// <param name="text">The text to extract from, sent verbatim.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static ExtractionInput FromText(string text) => Of(text, nameof(text));

    /// <summary>An input that is one message: a user message with text, images, documents or audio.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException">The message is not a user message with content.</exception>
    public static ExtractionInput FromMessage(ChatMessage message) => Of(message, nameof(message));

    /// <summary>An input that is a list of messages, sent in the order given (a conversation, or parts of a document).</summary>
    /// <param name="messages">The messages; at least one is a user message with content.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, holds a null element, or has no user message with content.</exception>
    public static ExtractionInput FromMessages(IEnumerable<ChatMessage> messages) => Of(messages, nameof(messages));

    /// <summary>An input that is a text (<see cref="FromText"/>).</summary>
    /// <param name="text">The text to extract from, sent verbatim.</param>
    public static implicit operator ExtractionInput(string text) => FromText(text);

    /// <summary>A text input; errors name <paramref name="parameterName"/>.</summary>
    internal static ExtractionInput Of(string text, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(text, parameterName);
        return new ExtractionInput(text, null);
    }

    /// <summary>One message; errors name <paramref name="parameterName"/>.</summary>
    internal static ExtractionInput Of(ChatMessage message, string parameterName)
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

    /// <summary>A list of messages, in the order given; errors name <paramref name="parameterName"/>.</summary>
    internal static ExtractionInput Of(IEnumerable<ChatMessage> messages, string parameterName)
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
