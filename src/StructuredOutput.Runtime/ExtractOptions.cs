using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace StructuredOutput;

/// <summary>Options for <c>ExtractAsync</c> and <c>TryExtractAsync</c> (<see cref="ChatClientExtractExtensions"/>).</summary>
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
    /// How the request asks for the answer (see <see cref="ExtractionMode"/>): JSON mode, strict json_schema, a forced
    /// tool call or the prompt alone. Null, the default, follows the type's <see cref="LlmExtractAttribute.Mode"/>. The
    /// answer is parsed, validated and re-asked the same way in every mode.
    /// </summary>
    public ExtractionMode? Mode { get; set; }

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
    /// Instructions for this call, added to the system message after the type's generated prompt (and the rule that the
    /// input is data) and after <see cref="ChatOptions.Instructions"/>, each separated by a blank line; null (the
    /// default) for none. Use them for what the model should know about this input (the document's language, which of
    /// several receipts to read, a field's local convention). Instructions belong here or in a system message of
    /// their own: the text of user messages is sent as data, which the model is told never to follow.
    /// </summary>
    public string? Instructions { get; set; }

    /// <summary>
    /// For streamed extractions only: whether to stop reading an answer as soon as a member it has completed is invalid
    /// (a wrong type, an unknown enum value, a broken constraint or format, a missing required member of a closed object)
    /// and re-ask at once, instead of paying for the rest of an answer that will be rejected. Default
    /// <see langword="false"/>: the answer is read to its end and judged whole. The stopped attempt keeps the text
    /// received and the errors found; it counts against <see cref="MaxRetries"/> like any rejected answer. It needs the
    /// type's partial view (<c>T.Partial</c>); an answer of a type without one is read to its end. Only members read
    /// while the answer is strict JSON are judged early: from where an answer needs a repair, it is judged whole at its end.
    /// </summary>
    public bool FailFast { get; set; }

    /// <summary>
    /// How answers are read: nesting depth and answer length limits, and whether malformed JSON is repaired. Null, the
    /// default, uses <see cref="ParseOptions"/>' defaults.
    /// </summary>
    public ParseOptions? Parsing { get; set; }

    /// <summary>
    /// Chat options passed through to the client (model, temperature, maximum output tokens…). They are copied, never
    /// changed; the copy's <see cref="ChatOptions.ResponseFormat"/> is set by the extractor for the <see cref="Mode"/>, and in
    /// <see cref="ExtractionMode.ToolCall"/> also its <see cref="ChatOptions.Tools"/> (the contract's function only),
    /// <see cref="ChatOptions.ToolMode"/> (that function required) and <see cref="ChatOptions.AllowMultipleToolCalls"/> (off).
    /// Its <see cref="ChatOptions.Instructions"/> are moved into the system message, after the generated prompt (see
    /// <see cref="Instructions"/>).
    /// </summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>
    /// Example answers shown to the model (few-shot), each an <see cref="ExtractionExample{T}"/> of the extraction type
    /// (another type is an <see cref="ArgumentException"/> when the extraction starts). Examples without an input are
    /// added to the system message as samples of the answer's form; examples with an input are sent as earlier
    /// exchanges, the input delimited as the real input is and the JSON as the answer. The model is told that example
    /// values are made up. Null or empty, the default, sends none. Examples cost tokens on every request, re-asks
    /// included.
    /// </summary>
    public IList<ExtractionExample>? Examples { get; set; }

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
