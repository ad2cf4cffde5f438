using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Batching;

/// <summary>
/// Counts a run as it goes (submitted, in flight, finished by outcome, resumed, re-asked, tokens), reports each change
/// to the caller's <see cref="IProgress{T}"/>, and gives the summary. Safe to call from concurrent items.
/// </summary>
internal sealed class BatchTally
{
    private readonly object _gate = new();
    private readonly IProgress<BatchProgress>? _progress;
    private readonly Dictionary<ExtractionFailureKind, long> _outcomes = new();
    private readonly UsageDetails _usage = new();
    private long _submitted;
    private long _inFlight;
    private long _succeeded;
    private long _failed;
    private long _resumed;
    private long _retried;
    private long _inputTokens;
    private long _outputTokens;

    public BatchTally(IProgress<BatchProgress>? progress) => _progress = progress;

    /// <summary>An item's first request is about to be sent.</summary>
    public void Submitted(long items = 1) => Change(() => _submitted += items);

    /// <summary>A re-ask is about to be sent.</summary>
    public void Retried(long items = 1) => Change(() => _retried += items);

    /// <summary>Requests were sent (a positive count) or answered (a negative one).</summary>
    public void InFlight(long delta) => Change(() => _inFlight += delta);

    /// <summary>A response's usage.</summary>
    public void Used(UsageDetails? usage)
    {
        if (usage is not null)
        {
            Change(() =>
            {
                _inputTokens += usage.InputTokenCount ?? 0;
                _outputTokens += usage.OutputTokenCount ?? 0;
            });
        }
    }

    /// <summary>An item finished, in this run or (<paramref name="resumed"/>) in an earlier one.</summary>
    public void Finished<T>(ExtractionResult<T> result, bool resumed) => Change(() =>
    {
        if (result.IsSuccess)
        {
            _succeeded++;
        }
        else
        {
            _failed++;
        }

        if (resumed)
        {
            _resumed++;
        }

        _outcomes[result.FailureKind] = _outcomes.TryGetValue(result.FailureKind, out long n) ? n + 1 : 1;
        if (result.Usage is { } usage)
        {
            _usage.Add(usage);
        }
    });

    public BatchProgress Progress()
    {
        lock (_gate)
        {
            return Snapshot();
        }
    }

    public BatchSummary Summary()
    {
        lock (_gate)
        {
            var usage = new UsageDetails();
            usage.Add(_usage);
            return new BatchSummary(_succeeded + _failed, _resumed, new Dictionary<ExtractionFailureKind, long>(_outcomes), usage);
        }
    }

    // Reported under the lock, so that the reports arrive in the order of the changes.
    private void Change(Action change)
    {
        lock (_gate)
        {
            change();
            _progress?.Report(Snapshot());
        }
    }

    private BatchProgress Snapshot() =>
        new(_submitted, _inFlight, _succeeded, _failed, _resumed, _retried, _inputTokens, _outputTokens);
}
