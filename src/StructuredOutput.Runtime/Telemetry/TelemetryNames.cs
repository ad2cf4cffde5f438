namespace StructuredOutput.Telemetry;

/// <summary>
/// The names of the extraction's span attributes, metrics and outcome values. The OpenTelemetry GenAI names are used
/// where they apply; the rest are under <c>structured_output.</c>.
/// </summary>
internal static class TelemetryNames
{
    // OpenTelemetry GenAI and general attributes.
    public const string OperationName = "gen_ai.operation.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ProviderName = "gen_ai.provider.name";
    public const string OutputType = "gen_ai.output.type";
    public const string ErrorType = "error.type";

    /// <summary>The value of <see cref="OperationName"/>, and the first word of the span name.</summary>
    public const string ExtractOperation = "extract";

    /// <summary>The value of <see cref="OutputType"/>: both modes ask for JSON.</summary>
    public const string JsonOutput = "json";

    // The extractor's own attributes.
    public const string ContractType = "structured_output.contract.type";
    public const string Mode = "structured_output.mode";
    public const string Outcome = "structured_output.outcome";
    public const string Attempts = "structured_output.attempts";
    public const string Reasks = "structured_output.reasks";
    public const string Repairs = "structured_output.repairs";
    public const string RepairKind = "structured_output.repair.kind";

    // Usage summed over the attempts. Not gen_ai.usage.*: the chat spans beneath carry those per request, and a tool that
    // sums gen_ai.usage over a trace would count the tokens twice.
    public const string InputTokens = "structured_output.usage.input_tokens";
    public const string OutputTokens = "structured_output.usage.output_tokens";
    public const string TotalTokens = "structured_output.usage.total_tokens";

    // One event per attempt on the extraction span.
    public const string AttemptEvent = "structured_output.attempt";
    public const string AttemptNumber = "structured_output.attempt.number";
    public const string AttemptOutcome = "structured_output.attempt.outcome";
    public const string AttemptErrors = "structured_output.attempt.errors";
    public const string AttemptRepairs = "structured_output.attempt.repairs";
    public const string FinishReason = "gen_ai.response.finish_reasons";

    // Modes.
    public const string JsonObjectMode = "json_object";
    public const string JsonSchemaMode = "json_schema";
    public const string ToolCallMode = "tool_call";
    public const string PromptOnlyMode = "prompt_only";

    /// <summary>The value of <see cref="Mode"/> for <paramref name="mode"/>.</summary>
    public static string ModeName(ExtractionMode mode) => mode switch
    {
        ExtractionMode.JsonObject => JsonObjectMode,
        ExtractionMode.StrictJsonSchema => JsonSchemaMode,
        ExtractionMode.ToolCall => ToolCallMode,
        ExtractionMode.PromptOnly => PromptOnlyMode,
        _ => "unknown",
    };

    // Metrics.
    public const string ExtractionsMetric = "structured_output.extractions";
    public const string AttemptsMetric = "structured_output.extraction.attempts";
    public const string RepairsMetric = "structured_output.repairs";
    public const string ParseDurationMetric = "structured_output.parse.duration";

    // Outcomes beyond the failure kinds.
    public const string Success = "success";
    public const string Accepted = "accepted";
    public const string Cancelled = "cancelled";

    /// <summary>The outcome value of a failure kind: <c>success</c> for none, else the kind in snake case.</summary>
    public static string OutcomeOf(ExtractionFailureKind kind) => kind switch
    {
        ExtractionFailureKind.None => Success,
        ExtractionFailureKind.InvalidAnswer => "invalid_answer",
        ExtractionFailureKind.Refusal => "refusal",
        ExtractionFailureKind.Truncated => "truncated",
        ExtractionFailureKind.ContentFilter => "content_filter",
        ExtractionFailureKind.TimedOut => "timed_out",
        ExtractionFailureKind.UnreadableResponse => "unreadable_response",
        ExtractionFailureKind.Interrupted => "interrupted",
        _ => "other",
    };

    /// <summary>The outcome value of one attempt: <c>accepted</c>, or its failure kind in snake case.</summary>
    public static string AttemptOutcomeOf(ExtractionFailureKind kind) => kind == ExtractionFailureKind.None ? Accepted : OutcomeOf(kind);
}
