using System;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>Options for <see cref="ChatClientExtractExtensions.ExtractAsync{T}"/>.</summary>
public sealed class ExtractOptions
{
    private int _maxRetries = 1;

    /// <summary>
    /// How many times to ask again after an answer that cannot be parsed or validated; 0 sends one request only.
    /// Default 1. Refusals, content-filter stops, answers cut off at the token limit and transport errors are never
    /// retried.
    /// </summary>
    public int MaxRetries
    {
        get => _maxRetries;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxRetries = value;
        }
    }

    /// <summary>
    /// Whether to send <c>response_format</c> <c>json_schema</c> with <c>strict: true</c> and the type's strict schema
    /// (<see langword="true"/>), or <c>json_object</c> (<see langword="false"/>). Null, the default, follows the type's
    /// <see cref="LlmExtractAttribute.Strict"/>. The answer is validated in full either way.
    /// </summary>
    public bool? Strict { get; set; }

    /// <summary>
    /// Chat options passed through to the client (model, temperature, maximum output tokens…). They are copied, never
    /// changed; the copy's <see cref="ChatOptions.ResponseFormat"/> is set by the extractor.
    /// </summary>
    public ChatOptions? ChatOptions { get; set; }
}
