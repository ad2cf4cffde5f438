using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Batching;

/// <summary>
/// Counts a run as it goes (submitted, in flight, finished by outcome, resumed, re-asked, resubmitted, tokens), reports
/// each change to the caller's <see cref="IProgress{T}"/>, and gives the summary with its cost. Safe to call from
/// concurrent items.
/// </summary>
/// <remarks>
/// The summary's usage is either the finished items' (<see cref="Finished{T}"/>, on a chat client) or the batches' own
/// (<see cref="BatchUsed"/>, on a Batch API, whose batches report what they bill), never both, so no token is counted twice.
/// </remarks>
internal sealed class BatchTally
{
    private readonly object _gate = new();
    private readonly IProgress<BatchProgress>? _progress;
    private readonly BatchPricing? _pricing;
    private readonly bool _usageFromBatches;
    private readonly Dictionary<ExtractionFailureKind, long> _outcomes = new();
    private readonly UsageDetails _usage = new();
    private long _submitted;
    private long _inFlight;
    private long _succeeded;
    private long _failed;
    private long _resumed;
    private long _retried;
    private long _resubmitted;
    private long _inputTokens;
    private long _outputTokens;

    /// <param name="progress">The caller's progress, or null.</param>
    /// <param name="pricing">The prices of the summary's cost, or null for none.</param>
    /// <param name="usageFromBatches">Whether the summary's usage is the batches' own (<see cref="BatchUsed"/>) rather than the items'.</param>
    public BatchTally(IProgress<BatchProgress>? progress, BatchPricing? pricing = null, bool usageFromBatches = false)
    {
        _progress = progress;
        _pricing = pricing;
        _usageFromBatches = usageFromBatches;
    }

    /// <summary>Requests are to be sent again because their batch did not run them or reported them as failed.</summary>
    public void Resubmitted(long requests) => Change(() => _resubmitted += requests);

    /// <summary>A batch's own usage, as the provider reports it (this run's, or an earlier run's from the journal).</summary>
    public void BatchUsed(UsageDetails usage)
    {
        lock (_gate)
        {
            _usage.Add(usage);
        }
    }

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
        if (!_usageFromBatches && result.Usage is { } usage)
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
            return new BatchSummary(_succeeded + _failed, _resumed, new Dictionary<ExtractionFailureKind, long>(_outcomes), usage, _resubmitted, _pricing?.CostOf(usage));
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
        new(_submitted, _inFlight, _succeeded, _failed, _resumed, _retried, _resubmitted, _inputTokens, _outputTokens);
}
