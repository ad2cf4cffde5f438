using System;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using StructuredOutput.Telemetry;
using static StructuredOutput.Tests.Telemetry.ScriptedClient;

namespace StructuredOutput.Tests.Telemetry;

/// <summary>Runs alone: no other test may have a span or metric listener attached meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UnobservedCollection
{
    public const string Name = "Unobserved telemetry";
}

/// <summary>With no listener and no logger (or one whose levels are off), an extraction builds nothing for telemetry.</summary>
[Collection(UnobservedCollection.Name)]
public class UnobservedExtractionTests
{
    private const string Good = """{"x":1,"y":2}""";

    [Fact]
    public void Nothing_listening_means_no_trace_and_no_allocation()
    {
        var client = new ScriptedClient();
        var chatOptions = new ChatOptions();
        var quiet = new ExtractOptions { Logger = new ListLogger(LogLevel.Error) };
        Assert.False(ExtractionInstruments.Source.HasListeners());
        Assert.False(ExtractionInstruments.AnyMetricEnabled);
        ExtractionTrace.Start<TelemetryPoint>(client, chatOptions, ExtractionMode.JsonObject, quiet); // warm

        long before = GC.GetAllocatedBytesForCurrentThread();
        ExtractionTrace? none = ExtractionTrace.Start<TelemetryPoint>(client, chatOptions, ExtractionMode.JsonObject, null);
        ExtractionTrace? off = ExtractionTrace.Start<TelemetryPoint>(client, chatOptions, ExtractionMode.JsonObject, quiet);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(none);
        Assert.Null(off);
        Assert.Equal(0, allocated);
        Assert.Null(Activity.Current);
    }

    [Fact]
    public void Each_kind_of_listener_alone_starts_a_trace()
    {
        var client = new ScriptedClient();
        var chatOptions = new ChatOptions();
        Assert.NotNull(ExtractionTrace.Start<TelemetryPoint>(client, chatOptions, ExtractionMode.JsonObject, new ExtractOptions { Logger = new ListLogger(LogLevel.Warning) }));

        using (var metrics = new MetricRecorder())
        {
            Assert.NotNull(ExtractionTrace.Start<TelemetryPoint>(client, chatOptions, ExtractionMode.JsonObject, null));
        }

        using (var spans = new SpanRecorder())
        {
            using ExtractionTrace? trace = ExtractionTrace.Start<TelemetryPoint>(client, chatOptions, ExtractionMode.JsonObject, null);
            Assert.NotNull(trace);
            Assert.Equal("extract TelemetryPoint", Activity.Current?.DisplayName);
        }
    }

    [Fact]
    public void An_unobserved_extraction_allocates_no_more_than_one_whose_logger_is_off()
    {
        var quiet = new ExtractOptions { Logger = new ListLogger(LogLevel.Error) };
        long none = AllocatedPerExtraction(null);
        long off = AllocatedPerExtraction(quiet);
        Assert.Equal(none, off);
    }

    // Bytes per extraction of a synchronous client's answer on this thread, after a warm-up.
    private static long AllocatedPerExtraction(ExtractOptions? options)
    {
        const int Runs = 20;
        var answers = new object[Runs + 1];
        for (int i = 0; i < answers.Length; i++)
        {
            answers[i] = Answer(Good);
        }

        var client = new ScriptedClient(answers);
        Assert.True(client.TryExtractAsync<TelemetryPoint>("x one, y two", options).GetAwaiter().GetResult().IsSuccess);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Runs; i++)
        {
            client.TryExtractAsync<TelemetryPoint>("x one, y two", options).GetAwaiter().GetResult();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Runs;
    }
}
