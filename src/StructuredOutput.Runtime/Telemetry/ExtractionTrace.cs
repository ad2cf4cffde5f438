using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace StructuredOutput.Telemetry;

/// <summary>
/// What one extraction reports: its span (<c>extract {Type}</c>, current while the chat client is called, so the
/// client's own spans are its children), its metrics and its logs. <see cref="Start{T}"/> returns null when nothing
/// listens (no span listener, no metric enabled, no logger at <see cref="LogLevel.Warning"/>), so an unobserved
/// extraction allocates nothing for telemetry.
/// </summary>
internal sealed class ExtractionTrace : IDisposable
{
    private readonly Activity? _activity;
    private readonly ILogger? _logger;
    private readonly bool _sensitive;
    private readonly string _contractName;
    private readonly string _contractType;
    private readonly string? _model;
    private int _attempts;
    private long _repairs;
    private long? _inputTokens;
    private long? _outputTokens;
    private long? _totalTokens;

    private ExtractionTrace(Activity? activity, ILogger? logger, bool sensitive, string contractName, string contractType, string? model)
    {
        _activity = activity;
        _logger = logger;
        _sensitive = sensitive;
        _contractName = contractName;
        _contractType = contractType;
        _model = model;
    }

    /// <summary>
    /// Starts the extraction's span, or returns null when nothing listens. Call it from the extraction's own async
    /// method: the span becomes <see cref="Activity.Current"/> for the rest of that method only.
    /// </summary>
    public static ExtractionTrace? Start<T>(IChatClient client, ChatOptions chatOptions, ExtractionMode mode, ExtractOptions? options)
        where T : ILlmExtractable<T>
    {
        ILogger? logger = options?.Logger is { } given && given.IsEnabled(LogLevel.Warning) ? given : null;
        bool tracing = ExtractionInstruments.Source.HasListeners();
        if (!tracing && logger is null && !ExtractionInstruments.AnyMetricEnabled)
        {
            return null;
        }

        ChatClientMetadata? metadata = tracing || ExtractionInstruments.AnyMetricEnabled
            ? client.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata
            : null;
        string? model = chatOptions.ModelId ?? metadata?.DefaultModelId;
        Activity? activity = tracing ? ExtractionInstruments.Source.StartActivity(ContractNames<T>.SpanName, ActivityKind.Internal) : null;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryNames.OperationName, TelemetryNames.ExtractOperation);
            activity.SetTag(TelemetryNames.OutputType, TelemetryNames.JsonOutput);
            activity.SetTag(TelemetryNames.ContractType, ContractNames<T>.FullName);
            activity.SetTag(TelemetryNames.Mode, TelemetryNames.ModeName(mode));
            if (model is not null)
            {
                activity.SetTag(TelemetryNames.RequestModel, model);
            }

            if (metadata?.ProviderName is { } provider)
            {
                activity.SetTag(TelemetryNames.ProviderName, provider);
            }
        }

        return new ExtractionTrace(activity, logger, options?.EnableSensitiveData ?? false, ContractNames<T>.Name, ContractNames<T>.FullName, model);
    }

    /// <summary>
    /// Makes the span current again. An async iterator resumes in its consumer's context after each item it yields, so a
    /// streamed extraction calls this before each call into the chat client (the request, each step of its stream) to
    /// keep the chat client's spans under its own.
    /// </summary>
    public void Resume()
    {
        if (_activity is not null)
        {
            Activity.Current = _activity;
        }
    }

    /// <summary>A timestamp to pass to <see cref="Attempted"/> when the parse duration is measured; 0 when it is not.</summary>
    public static long ParseStarted() => ExtractionInstruments.ParseDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records one attempt: its usage, repairs, parse duration (from <paramref name="parseStarted"/>), event and logs.</summary>
    public void Attempted(ExtractionAttempt attempt, long parseStarted)
    {
        _attempts++;
        string outcome = TelemetryNames.AttemptOutcomeOf(attempt.FailureKind);
        if (parseStarted != 0 && ExtractionInstruments.ParseDuration.Enabled)
        {
            var tags = new TagList
            {
                { TelemetryNames.ContractType, _contractType },
                { TelemetryNames.AttemptOutcome, outcome },
            };
            ExtractionInstruments.ParseDuration.Record(Stopwatch.GetElapsedTime(parseStarted).TotalSeconds, tags);
        }

        if (attempt.Usage is { } usage)
        {
            Add(ref _inputTokens, usage.InputTokenCount);
            Add(ref _outputTokens, usage.OutputTokenCount);
            Add(ref _totalTokens, usage.TotalTokenCount);
        }

        IReadOnlyList<string> repairs = attempt.Repairs;
        long repairCount = CountRepairs(repairs);
        _repairs += repairCount;

        if (_activity is { IsAllDataRequested: true })
        {
            var tags = new ActivityTagsCollection
            {
                { TelemetryNames.AttemptNumber, attempt.Number },
                { TelemetryNames.AttemptOutcome, outcome },
                { TelemetryNames.AttemptErrors, attempt.Errors.Count },
                { TelemetryNames.AttemptRepairs, repairCount },
            };
            if (attempt.FinishReason is { } finish)
            {
                tags.Add(TelemetryNames.FinishReason, new[] { finish.Value });
            }

            _activity.AddEvent(new ActivityEvent(TelemetryNames.AttemptEvent, tags: tags));
        }

        if (_logger is not null)
        {
            LogAttempt(_logger, attempt, outcome, repairCount);
        }
    }

    /// <summary>Records the extraction's result on its span, metrics and log.</summary>
    public void Completed<T>(ExtractionResult<T> result)
    {
        string outcome = TelemetryNames.OutcomeOf(result.FailureKind);
        string? errorType = result.IsSuccess ? null : outcome;
        if (_activity is { IsAllDataRequested: true })
        {
            SetSummary(_activity, outcome, errorType);
            if (!result.IsSuccess)
            {
                _activity.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }

        RecordMetrics(outcome, errorType);
        if (_logger is not null)
        {
            if (result.IsSuccess)
            {
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    ExtractionLog.Succeeded(_logger, _contractName, _attempts);
                }
            }
            else
            {
                ExtractionLog.Failed(_logger, _contractName, _attempts, outcome, FailureDetails(result.Attempts));
            }
        }
    }

    /// <summary>
    /// Records an exception that ends the extraction (the chat client's, or the caller's cancellation). Returns false, to
    /// be used as an exception filter that lets the exception pass unchanged.
    /// </summary>
    public bool Failed(Exception exception, bool cancelled)
    {
        string outcome = cancelled ? TelemetryNames.Cancelled : "exception";
        string errorType = exception.GetType().FullName ?? exception.GetType().Name;
        if (_activity is { IsAllDataRequested: true })
        {
            SetSummary(_activity, outcome, errorType);
            _activity.SetStatus(ActivityStatusCode.Error, cancelled ? "cancelled" : exception.Message);
        }

        RecordMetrics(outcome, errorType);
        if (_logger is not null)
        {
            if (cancelled)
            {
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    ExtractionLog.Cancelled(_logger, _contractName, _attempts);
                }
            }
            else
            {
                ExtractionLog.Aborted(_logger, exception, _contractName, _attempts, errorType);
            }
        }

        return false;
    }

    /// <summary>Ends the span.</summary>
    public void Dispose() => _activity?.Dispose();

    private void SetSummary(Activity activity, string outcome, string? errorType)
    {
        activity.SetTag(TelemetryNames.Outcome, outcome);
        activity.SetTag(TelemetryNames.Attempts, _attempts);
        activity.SetTag(TelemetryNames.Reasks, Math.Max(0, _attempts - 1));
        activity.SetTag(TelemetryNames.Repairs, _repairs);
        if (_inputTokens is { } input)
        {
            activity.SetTag(TelemetryNames.InputTokens, input);
        }

        if (_outputTokens is { } output)
        {
            activity.SetTag(TelemetryNames.OutputTokens, output);
        }

        if (_totalTokens is { } total)
        {
            activity.SetTag(TelemetryNames.TotalTokens, total);
        }

        if (errorType is not null)
        {
            activity.SetTag(TelemetryNames.ErrorType, errorType);
        }
    }

    private void RecordMetrics(string outcome, string? errorType)
    {
        if (ExtractionInstruments.Extractions.Enabled)
        {
            var tags = new TagList
            {
                { TelemetryNames.ContractType, _contractType },
                { TelemetryNames.Outcome, outcome },
            };
            if (errorType is not null)
            {
                tags.Add(TelemetryNames.ErrorType, errorType);
            }

            if (_model is not null)
            {
                tags.Add(TelemetryNames.RequestModel, _model);
            }

            ExtractionInstruments.Extractions.Add(1, tags);
        }

        if (ExtractionInstruments.Attempts.Enabled)
        {
            var tags = new TagList
            {
                { TelemetryNames.ContractType, _contractType },
                { TelemetryNames.Outcome, outcome },
            };
            ExtractionInstruments.Attempts.Record(_attempts, tags);
        }
    }

    // Counts the repairs (a bounded log's closing "N more repairs are not listed." stands for N) and, when the repairs
    // metric is on, adds each by kind.
    private long CountRepairs(IReadOnlyList<string> repairs)
    {
        long total = 0;
        bool metric = ExtractionInstruments.Repairs.Enabled;
        for (int i = 0; i < repairs.Count; i++)
        {
            string kind = RepairKinds.Classify(repairs[i], out long count);
            total += count;
            if (metric)
            {
                var tags = new TagList
                {
                    { TelemetryNames.ContractType, _contractType },
                    { TelemetryNames.RepairKind, kind },
                };
                ExtractionInstruments.Repairs.Add(count, tags);
            }
        }

        return total;
    }

    private void LogAttempt(ILogger logger, ExtractionAttempt attempt, string outcome, long repairCount)
    {
        if (_sensitive && logger.IsEnabled(LogLevel.Trace) && (attempt.RawResponse ?? attempt.ResponseBody) is { } answer)
        {
            ExtractionLog.AttemptAnswer(logger, _contractName, attempt.Number, answer);
        }

        if (repairCount > 0 && logger.IsEnabled(LogLevel.Debug))
        {
            ExtractionLog.AttemptRepaired(logger, _contractName, attempt.Number, (int)Math.Min(repairCount, int.MaxValue), FormatRepairs(attempt.Repairs));
        }

        if (!attempt.IsSuccess && logger.IsEnabled(LogLevel.Information))
        {
            ExtractionLog.AttemptRejected(logger, _contractName, attempt.Number, outcome, attempt.Errors.Count, FormatErrors(attempt.Errors));
        }
    }

    // The errors by path and kind; with sensitive data, with their messages (which quote the answer).
    private string FormatErrors(IReadOnlyList<ExtractionError> errors)
    {
        if (errors.Count == 0)
        {
            return "(none)";
        }

        var sb = new StringBuilder();
        for (int i = 0; i < errors.Count; i++)
        {
            if (i > 0)
            {
                sb.Append("; ");
            }

            ExtractionError error = errors[i];
            sb.Append(error.Path).Append(' ').Append('(').Append(error.Kind.ToString()).Append(')');
            if (_sensitive)
            {
                sb.Append(": ").Append(error.Message);
            }
        }

        return sb.ToString();
    }

    // The repairs by kind with their counts (such as "quote 2, comma 1"); with sensitive data, their descriptions
    // (which quote the answer).
    private string FormatRepairs(IReadOnlyList<string> repairs)
    {
        if (_sensitive)
        {
            return string.Join("; ", repairs);
        }

        var kinds = new List<(string Kind, long Count)>();
        for (int i = 0; i < repairs.Count; i++)
        {
            string kind = RepairKinds.Classify(repairs[i], out long count);
            int at = kinds.FindIndex(k => k.Kind == kind);
            if (at < 0)
            {
                kinds.Add((kind, count));
            }
            else
            {
                kinds[at] = (kind, kinds[at].Count + count);
            }
        }

        var sb = new StringBuilder();
        foreach ((string kind, long count) in kinds)
        {
            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            sb.Append(kind).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    // What ended the last attempt: its errors by path and kind; with sensitive data, its failure message too (a refusal
    // or a server's body is quoted there).
    private string FailureDetails(IReadOnlyList<ExtractionAttempt> attempts)
    {
        if (attempts.Count == 0)
        {
            return string.Empty;
        }

        ExtractionAttempt last = attempts[^1];
        string errors = last.Errors.Count == 0 ? string.Empty : "Last attempt's errors: " + FormatErrors(last.Errors);
        if (_sensitive && last.FailureMessage is { } message)
        {
            return errors.Length == 0 ? message : message + ". " + errors;
        }

        return errors;
    }

    private static void Add(ref long? sum, long? value)
    {
        if (value is { } v)
        {
            sum = (sum ?? 0) + v;
        }
    }
}

/// <summary>The names of <typeparamref name="T"/> that telemetry uses, built once per type.</summary>
internal static class ContractNames<T>
{
    /// <summary>The type's name, as exceptions and logs give it.</summary>
    public static readonly string Name = typeof(T).Name;

    /// <summary>The type's full name, the <c>structured_output.contract.type</c> attribute.</summary>
    public static readonly string FullName = typeof(T).FullName ?? typeof(T).Name;

    /// <summary>The span name: <c>extract {Type}</c>.</summary>
    public static readonly string SpanName = TelemetryNames.ExtractOperation + " " + Name;
}
