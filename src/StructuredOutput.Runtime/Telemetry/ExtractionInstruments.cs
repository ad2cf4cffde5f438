using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace StructuredOutput.Telemetry;

/// <summary>The library's <see cref="ActivitySource"/>, <see cref="Meter"/> and instruments, created once.</summary>
internal static class ExtractionInstruments
{
    private static readonly string? s_version = typeof(ExtractionInstruments).Assembly.GetName().Version?.ToString();

    /// <summary>The source of the <c>extract {Type}</c> spans.</summary>
    public static readonly ActivitySource Source = new(ExtractionTelemetry.SourceName, s_version);

    /// <summary>The meter of the extraction metrics.</summary>
    public static readonly Meter Meter = new(ExtractionTelemetry.MeterName, s_version);

    /// <summary>Extractions, by contract type, outcome and model.</summary>
    public static readonly Counter<long> Extractions = Meter.CreateCounter<long>(
        TelemetryNames.ExtractionsMetric,
        "{extraction}",
        "Extractions, by outcome (success or the failure kind).");

    /// <summary>Requests made per extraction (1 when the first answer is accepted).</summary>
    public static readonly Histogram<int> Attempts = Meter.CreateHistogram<int>(
        TelemetryNames.AttemptsMetric,
        "{attempt}",
        "Requests made per extraction.",
        tags: null,
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = new[] { 1, 2, 3, 4, 5, 6, 8, 11 } });

    /// <summary>Repairs made to answers, by kind.</summary>
    public static readonly Counter<long> Repairs = Meter.CreateCounter<long>(
        TelemetryNames.RepairsMetric,
        "{repair}",
        "Lenient repairs made to answers, by kind.");

    /// <summary>The time taken to read one answer: locate, repair, parse and validate.</summary>
    public static readonly Histogram<double> ParseDuration = Meter.CreateHistogram<double>(
        TelemetryNames.ParseDurationMetric,
        "s",
        "Time to read one answer: locate the JSON, repair it, parse and validate it.",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = new[] { 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1 },
        });

    /// <summary>Whether any metric is being listened to.</summary>
    public static bool AnyMetricEnabled => Extractions.Enabled || Attempts.Enabled || Repairs.Enabled || ParseDuration.Enabled;
}
