using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static StructuredOutput.Tests.Telemetry.ScriptedClient;

namespace StructuredOutput.Tests.Telemetry;

/// <summary>Extractions by outcome, attempts per extraction, repairs by kind and parse duration, through a MeterListener.</summary>
[Collection(TelemetryCollection.Name)]
public class ExtractionMetricTests
{
    [Fact]
    public async Task A_reasked_success_counts_one_extraction_two_attempts_its_repairs_by_kind_and_two_parse_durations()
    {
        using var metrics = new MetricRecorder();
        var client = new ScriptedClient(Answer("""{"x":"one","y":2,}"""), Answer("```json\n{'x':1,'y':2}\n```"));

        await client.ExtractAsync<TelemetryPoint>("x one, y two", new ExtractOptions { ChatOptions = new ChatOptions { ModelId = "model-m" } });

        var extraction = Assert.Single(metrics.Of("structured_output.extractions"));
        Assert.Equal(1, extraction.Value);
        Assert.Equal("{extraction}", extraction.Unit);
        Assert.Equal("success", extraction.Tags["structured_output.outcome"]);
        Assert.Equal("model-m", extraction.Tags["gen_ai.request.model"]);
        Assert.False(extraction.Tags.ContainsKey("error.type"));

        var attempts = Assert.Single(metrics.Of("structured_output.extraction.attempts"));
        Assert.Equal(2, attempts.Value);
        Assert.Equal("success", attempts.Tags["structured_output.outcome"]);

        // Attempt 1: a trailing comma. Attempt 2: a fence and two single-quoted property names.
        var repairs = metrics.Of("structured_output.repairs")
            .GroupBy(m => (string)m.Tags["structured_output.repair.kind"]!)
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(new[] { ("code_fence", 1.0), ("comma", 1.0), ("quote", 2.0) }, repairs.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)).ToArray());

        var durations = metrics.Of("structured_output.parse.duration");
        Assert.Equal(new[] { "invalid_answer", "accepted" }, durations.Select(d => (string)d.Tags["structured_output.attempt.outcome"]!).ToArray());
        Assert.All(durations, d =>
        {
            Assert.Equal("s", d.Unit);
            Assert.True(d.Value > 0 && d.Value < 60, d.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    }

    [Fact]
    public async Task A_failure_is_counted_under_its_kind_with_error_type()
    {
        using var metrics = new MetricRecorder();
        var client = new ScriptedClient(Answer("""{"x":1,"y":""", finish: ChatFinishReason.Length));

        var result = await client.TryExtractAsync<TelemetryPoint>("x one, y two");

        Assert.Equal(ExtractionFailureKind.Truncated, result.FailureKind);
        var extraction = Assert.Single(metrics.Of("structured_output.extractions"));
        Assert.Equal("truncated", extraction.Tags["structured_output.outcome"]);
        Assert.Equal("truncated", extraction.Tags["error.type"]);
        Assert.Equal(1, Assert.Single(metrics.Of("structured_output.extraction.attempts")).Value);
        Assert.False(extraction.Tags.ContainsKey("gen_ai.request.model")); // no model named anywhere
    }

    [Fact]
    public async Task Repairs_beyond_the_listed_fifty_are_still_counted()
    {
        using var metrics = new MetricRecorder();
        string commas = string.Concat(Enumerable.Repeat(",", 120));
        var client = new ScriptedClient(Answer("{\"x\":1" + commas + "\"y\":2}"));

        var result = await client.TryExtractAsync<TelemetryPoint>("x one, y two");

        Assert.True(result.IsSuccess);
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(51, attempt.Repairs.Count); // fifty listed, then "N more repairs are not listed."
        double counted = metrics.Of("structured_output.repairs").Sum(m => m.Value);
        Assert.Equal(119, counted); // one comma separates; the other 119 were removed
        Assert.Contains(metrics.Of("structured_output.repairs"), m => (string)m.Tags["structured_output.repair.kind"]! == "unlisted");
    }
}
