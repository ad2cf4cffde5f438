using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using StructuredOutput;

namespace RecipeExtractor;

/// <summary>
/// The sample's --trace: prints the extraction span and the chat client's spans beneath it as they end. A plain
/// <see cref="ActivityListener"/>; an application would export the same spans with OpenTelemetry (docs/telemetry.md).
/// Only the spans of this run's own trace are printed.
/// </summary>
public sealed class TracePrinter : IDisposable
{
    /// <summary>Microsoft.Extensions.AI's OpenTelemetry chat client's source.</summary>
    public const string ChatSourceName = "Experimental.Microsoft.Extensions.AI";

    /// <summary>The source of this run's root span, whose trace the printer follows.</summary>
    public const string RunSourceName = "RecipeExtractor";

    private static readonly ActivitySource RunSource = new(RunSourceName);

    private readonly TextWriter _out;
    private readonly ActivityListener _listener;
    private readonly Activity? _run;
    private readonly object _gate = new();

    public TracePrinter(TextWriter output)
    {
        _out = output;
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is ExtractionTelemetry.SourceName or ChatSourceName or RunSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Print,
        };
        ActivitySource.AddActivityListener(_listener);
        _run = RunSource.StartActivity("recipe-extractor run");
    }

    public void Dispose()
    {
        _run?.Dispose();
        _listener.Dispose();
    }

    private void Print(Activity span)
    {
        if (_run is null || span.TraceId != _run.TraceId || span == _run)
        {
            return;
        }

        lock (_gate)
        {
            string parent = span.Parent is { } p && p != _run ? $" (in {p.DisplayName})" : string.Empty;
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trace: {span.DisplayName}{parent} [{span.Source.Name}] {span.Duration.TotalMilliseconds:0.0} ms, status {span.Status}"));
            foreach (var tag in span.TagObjects)
            {
                _out.WriteLine($"         {tag.Key} = {Format(tag.Value)}");
            }

            foreach (var e in span.Events)
            {
                _out.WriteLine($"         event {e.Name}: " + string.Join(", ", e.Tags.Select(t => $"{t.Key.Split('.').Last()}={Format(t.Value)}")));
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => s,
        string[] a => "[" + string.Join(", ", a) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
