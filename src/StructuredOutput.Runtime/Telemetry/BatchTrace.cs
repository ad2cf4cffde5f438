using System;
using System.Diagnostics;
using StructuredOutput.Extraction;

namespace StructuredOutput.Telemetry;

/// <summary>
/// The span of one run on a provider's Batch API: <c>batch_extract {model}</c>, from the first item read to the last
/// result returned (hours, for a real batch), with an event per batch submitted, per poll and per batch read, and the
/// run's counts and usage when it ends. <see cref="Start{T}"/> returns null when nothing listens.
/// </summary>
/// <remarks>
/// The run's items are not spans of their own: a million items would be a million spans. Their outcomes are counted on
/// the run's span (<c>structured_output.batch.outcome.{outcome}</c>).
/// </remarks>
internal sealed class BatchTrace : IDisposable
{
    /// <summary>The value of <c>gen_ai.operation.name</c>, and the first word of the span name.</summary>
    public const string Operation = "batch_extract";

    public const string Items = "structured_output.batch.items";
    public const string Resumed = "structured_output.batch.resumed";
    public const string Submitted = "structured_output.batch.submitted";
    public const string Retried = "structured_output.batch.retried";
    public const string Resubmitted = "structured_output.batch.resubmitted";
    public const string Batches = "structured_output.batch.batches";
    public const string OutcomePrefix = "structured_output.batch.outcome.";
    public const string Cost = "structured_output.batch.cost";

    public const string SubmittedEvent = "structured_output.batch.submitted";
    public const string PolledEvent = "structured_output.batch.polled";
    public const string ReadEvent = "structured_output.batch.read";
    public const string BatchId = "structured_output.batch.id";
    public const string BatchStatus = "structured_output.batch.status";
    public const string BatchRound = "structured_output.batch.round";
    public const string BatchRequests = "structured_output.batch.requests";
    public const string BatchFile = "structured_output.batch.input_file";

    private readonly Activity _activity;
    private int _batches;
    private bool _ended;

    private BatchTrace(Activity activity) => _activity = activity;

    /// <summary>The run's span.</summary>
    public Activity Activity => _activity;

    /// <summary>Starts the run's span, or returns null when no listener wants it.</summary>
    /// <param name="model">The model (or deployment) of every request.</param>
    /// <param name="provider">The <c>gen_ai.provider.name</c> of the Batch API.</param>
    /// <param name="options">The extraction options of the requests (their mode).</param>
    public static BatchTrace? Start<T>(string model, string provider, ExtractOptions? options)
        where T : ILlmExtractable<T>
    {
        if (!ExtractionInstruments.Source.HasListeners())
        {
            return null;
        }

        Activity? activity = ExtractionInstruments.Source.StartActivity(Operation + " " + model, ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(TelemetryNames.OperationName, Operation);
            activity.SetTag(TelemetryNames.RequestModel, model);
            activity.SetTag(TelemetryNames.ProviderName, provider);
            activity.SetTag(TelemetryNames.OutputType, TelemetryNames.JsonOutput);
            activity.SetTag(TelemetryNames.ContractType, ContractNames<T>.FullName);
            activity.SetTag(TelemetryNames.Mode, TelemetryNames.ModeName(ExtractionRequest.ModeOf<T>(options)));
        }

        return new BatchTrace(activity);
    }

    /// <summary>A batch was submitted (and journaled).</summary>
    public void BatchSubmitted(string batchId, string inputFileId, int round, int requests)
    {
        _batches++;
        if (_activity.IsAllDataRequested)
        {
            _activity.AddEvent(new ActivityEvent(SubmittedEvent, tags: new ActivityTagsCollection
            {
                { BatchId, batchId },
                { BatchFile, inputFileId },
                { BatchRound, round },
                { BatchRequests, requests },
            }));
        }
    }

    /// <summary>A batch was polled and found in <paramref name="status"/>.</summary>
    public void BatchPolled(string batchId, string status)
    {
        if (_activity.IsAllDataRequested)
        {
            _activity.AddEvent(new ActivityEvent(PolledEvent, tags: new ActivityTagsCollection
            {
                { BatchId, batchId },
                { BatchStatus, status },
            }));
        }
    }

    /// <summary>A batch's output and error files were read.</summary>
    public void BatchRead(string batchId, string status, int requests, int resubmitted)
    {
        if (_activity.IsAllDataRequested)
        {
            _activity.AddEvent(new ActivityEvent(ReadEvent, tags: new ActivityTagsCollection
            {
                { BatchId, batchId },
                { BatchStatus, status },
                { BatchRequests, requests },
                { Resubmitted, resubmitted },
            }));
        }
    }

    /// <summary>Records the run's counts, usage and cost; <paramref name="outcome"/> says how it ended.</summary>
    public void Ended(BatchSummary summary, BatchProgress progress, string outcome, Exception? exception)
    {
        _ended = true;
        if (_activity.IsAllDataRequested)
        {
            _activity.SetTag(TelemetryNames.Outcome, outcome);
            _activity.SetTag(Items, summary.Items);
            _activity.SetTag(Resumed, summary.Resumed);
            _activity.SetTag(Submitted, progress.Submitted);
            _activity.SetTag(Retried, progress.Retried);
            _activity.SetTag(Resubmitted, summary.Resubmitted);
            _activity.SetTag(Batches, _batches);
            foreach ((ExtractionFailureKind kind, long count) in summary.Outcomes)
            {
                _activity.SetTag(OutcomePrefix + TelemetryNames.OutcomeOf(kind), count);
            }

            if (summary.Usage.InputTokenCount is { } input)
            {
                _activity.SetTag(TelemetryNames.InputTokens, input);
            }

            if (summary.Usage.OutputTokenCount is { } output)
            {
                _activity.SetTag(TelemetryNames.OutputTokens, output);
            }

            if (summary.Usage.TotalTokenCount is { } total)
            {
                _activity.SetTag(TelemetryNames.TotalTokens, total);
            }

            if (summary.Cost is { } cost)
            {
                _activity.SetTag(Cost, (double)cost);
            }

            if (exception is not null)
            {
                _activity.SetTag(TelemetryNames.ErrorType, exception.GetType().FullName ?? exception.GetType().Name);
                _activity.SetStatus(ActivityStatusCode.Error, outcome == TelemetryNames.Cancelled ? outcome : exception.Message);
            }
        }
    }

    /// <summary>Whether <see cref="Ended"/> was called.</summary>
    public bool HasEnded => _ended;

    /// <summary>Ends the span.</summary>
    public void Dispose() => _activity.Dispose();
}
