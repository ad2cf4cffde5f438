using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using RecipeExtractor;

namespace StructuredOutput.IntegrationTests;

/// <summary>The sample's --trace flag: the extraction span and the chat spans beneath it, printed in the offline demo too.</summary>
public sealed class SampleTraceTests
{
    [Fact]
    public async Task Offline_demo_with_trace_prints_the_extraction_span_over_two_chat_spans_and_still_the_demo()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string recipe = Path.Combine(AppContext.BaseDirectory, "recipes", "carbonara.txt");

        int exit = await RecipeApp.RunAsync(new[] { recipe, "--trace" }, new StringReader(string.Empty), stdout, stderr, _ => null);

        string output = stdout.ToString().Replace("\r\n", "\n");
        Assert.True(exit == 0, stderr + output);
        Assert.StartsWith("OFFLINE DEMO", output, StringComparison.Ordinal);
        var lines = output.Split('\n');
        var traceLines = lines.Where(l => l.StartsWith("trace: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, traceLines.Count);
        Assert.All(traceLines.Take(2), l => Assert.StartsWith("trace: chat", l, StringComparison.Ordinal));
        Assert.All(traceLines.Take(2), l => Assert.Contains("(in extract Recipe) [Experimental.Microsoft.Extensions.AI]", l, StringComparison.Ordinal));
        Assert.StartsWith("trace: extract Recipe [StructuredOutput]", traceLines[2], StringComparison.Ordinal);
        Assert.Contains("         structured_output.attempts = 2", lines);
        Assert.Contains("         structured_output.reasks = 1", lines);
        Assert.Contains("         structured_output.outcome = success", lines);

        // The demo's own lines come after the spans, unchanged.
        int extractSpan = Array.IndexOf(lines, traceLines[2]);
        int rejected = Array.FindIndex(lines, l => l.StartsWith("Attempt 1: rejected", StringComparison.Ordinal));
        int accepted = Array.FindIndex(lines, l => l.StartsWith("Attempt 2: accepted", StringComparison.Ordinal));
        Assert.True(extractSpan < rejected && rejected < accepted, output);
        Assert.Contains("200 g spaghetti", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_trace_no_span_is_printed()
    {
        var stdout = new StringWriter();
        string recipe = Path.Combine(AppContext.BaseDirectory, "recipes", "carbonara.txt");

        int exit = await RecipeApp.RunAsync(new[] { recipe }, new StringReader(string.Empty), stdout, new StringWriter(), _ => null);

        Assert.Equal(0, exit);
        Assert.DoesNotContain("trace: ", stdout.ToString(), StringComparison.Ordinal);
    }
}
