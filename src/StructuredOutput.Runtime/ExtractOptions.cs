using System;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace StructuredOutput;

/// <summary>Options for <see cref="ChatClientExtractExtensions.ExtractAsync{T}"/>.</summary>
public sealed class ExtractOptions
{
    private int _maxRetries = 1;
    private TimeSpan? _attemptTimeout;

    /// <summary>
    /// How many times to ask again after an answer that cannot be parsed or validated; 0 sends one request only.
    /// Default 1. Refusals, content-filter stops, answers cut off at the token limit, timed-out requests, responses the
    /// chat client cannot read and transport errors are never retried.
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
    /// The provider's schema dialect of the schema a request carries (in strict <c>json_schema</c> mode); default
    /// <see cref="SchemaDialect.OpenAI"/>. Another dialect needs the type to name it in
    /// <see cref="LlmExtractAttribute.Dialects"/>, else the extraction throws <see cref="InvalidOperationException"/>
    /// saying so. The answer is parsed and validated in full whatever the dialect.
    /// </summary>
    public SchemaDialect Dialect { get; set; }

    /// <summary>
    /// The <see cref="ChatOptions.AdditionalProperties"/> key under which a request names (as its
    /// <see cref="SchemaDialect"/> name) the dialect of the schema it carries, when that is not OpenAI's, so that a
    /// chat client adapter that rewrites schemas for OpenAI can send it as generated instead
    /// (StructuredOutput.OpenAI's <c>SchemaDialectChatClient</c> does).
    /// </summary>
    public const string SchemaDialectKey = "structuredoutput_schema_dialect";

    /// <summary>
    /// How long one request to the model may take before it is abandoned (the chat client's own transport retries
    /// included); null (the default) for no limit beyond the chat client's own. A request that runs out of time ends
    /// the extraction as <see cref="ExtractionFailureKind.TimedOut"/>, without a re-ask: there is no answer to correct,
    /// and a slow model would most likely be as slow again. Caller cancellation is different: it throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative or longer than about 49 days.</exception>
    public TimeSpan? AttemptTimeout
    {
        get => _attemptTimeout;
        set
        {
            if (value is TimeSpan t && (t <= TimeSpan.Zero || t.TotalMilliseconds > uint.MaxValue - 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), t, "The attempt time-out must be positive and at most 49 days, or null for none.");
            }

            _attemptTimeout = value;
        }
    }

    /// <summary>
    /// How answers are read: nesting depth and answer length limits, and whether malformed JSON is repaired. Null, the
    /// default, uses <see cref="ParseOptions"/>' defaults.
    /// </summary>
    public ParseOptions? Parsing { get; set; }

    /// <summary>
    /// Chat options passed through to the client (model, temperature, maximum output tokens…). They are copied, never
    /// changed; the copy's <see cref="ChatOptions.ResponseFormat"/> is set by the extractor.
    /// </summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>
    /// Where the extraction logs what happened; null (the default) for no logs. A rejected attempt with its errors
    /// (<see cref="LogLevel.Information"/>), the repairs an answer needed (<see cref="LogLevel.Debug"/>), the final
    /// failure or the chat client's exception that ended the extraction (<see cref="LogLevel.Warning"/>), a success and a
    /// cancellation (<see cref="LogLevel.Debug"/>), and, only with <see cref="EnableSensitiveData"/>, each answer's raw
    /// text (<see cref="LogLevel.Trace"/>). Nothing is formatted for a level that is off.
    /// </summary>
    /// <remarks>
    /// The options are often shared; give a logger of a category that names the caller, or
    /// <c>loggerFactory.CreateLogger(ExtractionTelemetry.SourceName)</c>. Traces and metrics need no option: see
    /// <see cref="ExtractionTelemetry"/>.
    /// </remarks>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Whether the logs may contain what the model wrote: each answer's raw text, the error messages (which quote the
    /// answer's values), the repairs' descriptions and a refusal's or unreadable response's text. Default
    /// <see langword="false"/>: errors are then logged by JSON path and kind, repairs by kind and count. As with
    /// Microsoft.Extensions.AI's <c>OpenTelemetryChatClient.EnableSensitiveData</c>, turn it on only where the logs may
    /// hold the data being extracted. Spans and metrics never carry the model's text.
    /// </summary>
    public bool EnableSensitiveData { get; set; }
}
