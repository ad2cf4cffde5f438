using System;
using System.ClientModel.Primitives;
using OpenAI;

namespace StructuredOutput;

/// <summary>Sets up the OpenAI .NET SDK's client options for extraction.</summary>
public static class OpenAIClientOptionsExtensions
{
    /// <summary>
    /// Adds <see cref="ChatResponseCheckPolicy"/> to <paramref name="options"/>, once per call (after the SDK's own
    /// retries), so that a chat completion the SDK cannot read becomes an
    /// <see cref="ExtractionFailureKind.UnreadableResponse"/> failure with its body, and the finish reasons of
    /// OpenAI-compatible servers read as the SDK's own.
    /// </summary>
    /// <param name="options">The client options.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <example><c>var options = new OpenAIClientOptions { Endpoint = endpoint }.AddResponseCheck();</c></example>
    public static OpenAIClientOptions AddResponseCheck(this OpenAIClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(new ChatResponseCheckPolicy(), PipelinePosition.PerCall);
        return options;
    }
}
