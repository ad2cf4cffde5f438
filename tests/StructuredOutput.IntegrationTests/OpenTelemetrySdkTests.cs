using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace StructuredOutput.IntegrationTests;

/// <summary>The contract of <see cref="OpenTelemetrySdkTests"/> alone, so that its metrics are that test's only.</summary>
[LlmExtract]
public partial record Traveller(string Name, int Age);

/// <summary>The OpenTelemetry set-up docs/telemetry.md shows, with in-memory exporters, over the wire.</summary>
public sealed class OpenTelemetrySdkTests : ServerTestBase
{
    [Fact]
    public async Task The_documented_set_up_exports_the_extraction_span_over_the_chat_spans_and_the_extraction_metrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        _server.EnqueueCompletion("""{"name":"Ada","age":"thirty-six"}""", promptTokens: 50, completionTokens: 9);
        _server.EnqueueCompletion("""{"name":"Ada","age":36}""", promptTokens: 80, completionTokens: 7);

        ActivityTraceId traceId;
        using (TracerProvider tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(ExtractionTelemetry.SourceName)
            .AddSource("Experimental.Microsoft.Extensions.AI")
            .AddInMemoryExporter(spans)
            .Build())
        using (MeterProvider meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(ExtractionTelemetry.MeterName)
            .AddInMemoryExporter(metrics)
            .Build())
        {
            // A recorded root of this test's own, so that spans of tests running meanwhile are told apart.
            using var root = new Activity("otel sdk test") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.SetIdFormat(ActivityIdFormat.W3C).Start();
            traceId = root.TraceId;
            IChatClient client = _client.AsBuilder().UseOpenTelemetry().Build();

            Traveller traveller = await client.ExtractAsync<Traveller>("Ada, 36.");

            Assert.Equal(36, traveller.Age);
            root.Stop();
            tracing.ForceFlush();
            meters.ForceFlush();
        }

        var ours = spans.Where(s => s.TraceId == traceId).ToList();
        Activity extraction = Assert.Single(ours, s => s.Source.Name == ExtractionTelemetry.SourceName);
        Assert.Equal("extract Traveller", extraction.DisplayName);
        Assert.Equal(2, extraction.GetTagItem("structured_output.attempts"));
        Assert.Equal(130L, extraction.GetTagItem("structured_output.usage.input_tokens"));
        var chats = ours.Where(s => s.Source.Name == "Experimental.Microsoft.Extensions.AI").ToList();
        Assert.Equal(2, chats.Count);
        Assert.All(chats, c => Assert.Equal(extraction.SpanId, c.ParentSpanId));

        Assert.Equal(1, SumOf(metrics, "structured_output.extractions", ("structured_output.outcome", "success")));
        Assert.Equal(2, SumOf(metrics, "structured_output.extraction.attempts", null));
    }

    // The sum of a counter, or of a histogram's recorded values, over the points of this test's contract, in the last
    // export (the totals: the temporality is cumulative).
    private static double SumOf(List<MetricSnapshot> metrics, string name, (string Key, string Value)? tag)
    {
        double sum = 0;
        foreach (MetricSnapshot metric in metrics.Where(m => m.Name == name).TakeLast(1))
        {
            foreach (MetricPoint point in metric.MetricPoints)
            {
                var tags = new Dictionary<string, object?>();
                foreach (var t in point.Tags)
                {
                    tags[t.Key] = t.Value;
                }

                if ((string?)tags.GetValueOrDefault("structured_output.contract.type") != typeof(Traveller).FullName
                    || (tag is { } required && (string?)tags.GetValueOrDefault(required.Key) != required.Value))
                {
                    continue;
                }

                sum += metric.MetricType switch
                {
                    MetricType.LongSum => point.GetSumLong(),
                    MetricType.Histogram => point.GetHistogramSum(),
                    _ => throw new InvalidOperationException(metric.MetricType.ToString()),
                };
            }
        }

        return sum;
    }
}
