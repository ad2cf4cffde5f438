using System;

namespace StructuredOutput;

/// <summary>
/// Thrown by a chat client's transport when the provider answered but the response cannot be read as a chat completion
/// (a body that is not JSON, no choices, text that is not valid Unicode, a finish reason the client cannot read). The
/// extraction loop turns it into an <see cref="ExtractionFailureKind.UnreadableResponse"/> failure whose attempt keeps
/// <see cref="ResponseBody"/> in <see cref="ExtractionAttempt.ResponseBody"/>.
/// </summary>
/// <remarks>
/// Any transport can throw it; the <c>StructuredOutput.OpenAI</c> package's response check does so for the OpenAI .NET
/// SDK. The extraction loop does not ask again after it.
/// </remarks>
public sealed class UnreadableResponseException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">What is wrong with the response, worded for a person (for example <c>"the body has no choices"</c>).</param>
    /// <param name="responseBody">The response body as received; null when the transport cannot expose it.</param>
    public UnreadableResponseException(string reason, string? responseBody)
        : this(reason, responseBody, null)
    {
    }

    /// <summary>Creates the exception with the error that revealed the problem.</summary>
    /// <param name="reason">What is wrong with the response, worded for a person.</param>
    /// <param name="responseBody">The response body as received; null when the transport cannot expose it.</param>
    /// <param name="innerException">The error that revealed the problem, if any.</param>
    public UnreadableResponseException(string reason, string? responseBody, Exception? innerException)
        : base("The chat client cannot read the provider's response: " + (reason ?? throw new ArgumentNullException(nameof(reason))) + ".", innerException)
    {
        Reason = reason;
        ResponseBody = responseBody;
    }

    /// <summary>What is wrong with the response.</summary>
    public string Reason { get; }

    /// <summary>The response body as received; null when the transport cannot expose it.</summary>
    public string? ResponseBody { get; }
}
