namespace StructuredOutput;

/// <summary>
/// The names under which extractions report traces and metrics, for an OpenTelemetry set-up
/// (<c>AddSource(ExtractionTelemetry.SourceName)</c>, <c>AddMeter(ExtractionTelemetry.MeterName)</c>). While no
/// listener is attached nothing is recorded and no object is allocated for telemetry. Logs go to
/// <see cref="ExtractOptions.Logger"/>.
/// </summary>
/// <remarks>
/// Each extraction is one span named <c>extract {Type}</c> that parents the chat client's own spans (one per request,
/// as Microsoft.Extensions.AI's <c>OpenTelemetryChatClient</c> emits). The span carries what only the extractor knows:
/// the contract type, the mode, the number of attempts and re-asks, the repairs, the outcome and the token usage summed
/// over the attempts. Token metrics are left to the chat client, so that they are not counted twice.
/// </remarks>
public static class ExtractionTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> of extraction spans: <c>StructuredOutput</c>.</summary>
    public const string SourceName = "StructuredOutput";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> of extraction metrics: <c>StructuredOutput</c>.</summary>
    public const string MeterName = "StructuredOutput";
}
