using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace StructuredOutput.Tests.Telemetry;

/// <summary>
/// The tests that extract <see cref="TelemetryPoint"/> run one after another, so that one's metric listener does not
/// see another's extractions.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>The contract the telemetry tests extract; no other test uses it, so its metrics are theirs alone.</summary>
[LlmExtract]
public partial record TelemetryPoint(int X, int Y);

/// <summary>
/// Records the spans of the extraction and of Microsoft.Extensions.AI's chat client that belong to this recorder's own
/// trace (a root activity it starts and makes current), so that tests running at the same time do not mix.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    public const string ChatSourceName = "Experimental.Microsoft.Extensions.AI";

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is ExtractionTelemetry.SourceName or ChatSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _stopped.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(_listener);
        Root = new Activity("test root").SetIdFormat(ActivityIdFormat.W3C).Start();
    }

    public Activity Root { get; }

    /// <summary>The stopped spans of this recorder's trace, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Spans => _stopped.Where(a => a.TraceId == Root.TraceId).ToList();

    public Activity Extraction => Assert.Single(Spans, a => a.Source.Name == ExtractionTelemetry.SourceName);

    public IReadOnlyList<Activity> Chats => Spans.Where(a => a.Source.Name == ChatSourceName).ToList();

    public void Dispose()
    {
        Root.Stop();
        _listener.Dispose();
    }
}

/// <summary>Records the measurements of the library's meter whose contract is <see cref="TelemetryPoint"/>.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private static readonly string Contract = typeof(TelemetryPoint).FullName!;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MetricRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ExtractionTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> Of(string instrument) => _measurements.Where(m => m.Instrument == instrument).ToList();

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        if (dictionary.TryGetValue("structured_output.contract.type", out object? contract) && (string?)contract == Contract)
        {
            _measurements.Enqueue(new Measurement(instrument.Name, instrument.Unit, value, dictionary));
        }
    }

    public sealed record Measurement(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags);
}

/// <summary>A logger that keeps every entry at or above its level, with the structured state.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly LogLevel _minimum;

    public ListLogger(LogLevel minimum = LogLevel.Trace) => _minimum = minimum;

    public List<Entry> Entries { get; } = new();

    /// <summary>How many times <see cref="Log{TState}"/> was called, enabled or not.</summary>
    public int Calls { get; private set; }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Calls++;
        if (IsEnabled(logLevel))
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, object?>();
            Entries.Add(new Entry(logLevel, eventId.Name ?? string.Empty, formatter(state, exception), fields, exception));
        }
    }

    public sealed record Entry(LogLevel Level, string Event, string Message, IReadOnlyDictionary<string, object?> Fields, Exception? Exception);
}

/// <summary>Answers from a queue: a response, or an exception to throw. Optionally reports metadata.</summary>
internal sealed class ScriptedClient : IChatClient
{
    private readonly Queue<object> _answers;

    public ScriptedClient(params object[] answers) => _answers = new Queue<object>(answers);

    public ChatClientMetadata? Metadata { get; init; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _answers.Dequeue() switch
        {
            ChatResponse response => Task.FromResult(response),
            Exception exception => Task.FromException<ChatResponse>(exception),
            var other => throw new InvalidOperationException("unexpected script item " + other),
        };
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata : null;

    public void Dispose()
    {
    }

    public static ChatResponse Answer(string text, (int In, int Out)? usage = null, ChatFinishReason? finish = null) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            FinishReason = finish ?? ChatFinishReason.Stop,
            ModelId = "scripted",
            Usage = usage is { } u ? new UsageDetails { InputTokenCount = u.In, OutputTokenCount = u.Out, TotalTokenCount = u.In + u.Out } : null,
        };
}
