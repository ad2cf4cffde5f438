namespace StructuredOutput;

/// <summary>
/// Where a batch run stands, as reported to <see cref="BatchOptions.Progress"/> after each change. Counts are of this
/// run: items whose result came back from the journal count as <see cref="Resumed"/> and as done, never as submitted.
/// </summary>
public sealed class BatchProgress
{
    internal BatchProgress(long submitted, long inFlight, long succeeded, long failed, long resumed, long retried, long resubmitted, long inputTokens, long outputTokens)
    {
        Submitted = submitted;
        InFlight = inFlight;
        Succeeded = succeeded;
        Failed = failed;
        Resumed = resumed;
        Retried = retried;
        Resubmitted = resubmitted;
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
    }

    /// <summary>Items whose first request has been sent.</summary>
    public long Submitted { get; }

    /// <summary>Requests sent and not yet answered.</summary>
    public long InFlight { get; }

    /// <summary>Items finished with a value.</summary>
    public long Succeeded { get; }

    /// <summary>Items finished without a value (a typed failure).</summary>
    public long Failed { get; }

    /// <summary>Items finished: <see cref="Succeeded"/> plus <see cref="Failed"/>.</summary>
    public long Done => Succeeded + Failed;

    /// <summary>Items whose result was read back from the journal of an earlier run instead of being asked again.</summary>
    public long Resumed { get; }

    /// <summary>Re-asks sent after answers that failed to parse or validate.</summary>
    public long Retried { get; }

    /// <summary>
    /// Requests sent again, on the Batch API, because their batch did not run them (it expired or was cancelled) or
    /// reported them in its error file; those of earlier runs of the journal included, so a resumed run counts on from
    /// where the stopped one was. Always 0 on a chat client, whose transport retries are its own.
    /// </summary>
    public long Resubmitted { get; }

    /// <summary>Input tokens the provider reported for this run's requests.</summary>
    public long InputTokens { get; }

    /// <summary>Output tokens the provider reported for this run's requests.</summary>
    public long OutputTokens { get; }
}
