using System;
using System.Threading;
using System.Threading.Tasks;

namespace StructuredOutput;

/// <summary>Options of a batch run on OpenAI's Batch API (<see cref="OpenAIBatchExtractor{T}"/>).</summary>
public sealed class OpenAIBatchOptions : BatchOptions
{
    /// <summary>The most requests an input file may hold: 50,000, the Batch API's limit.</summary>
    public const int MaxRequestsPerFileLimit = 50_000;

    /// <summary>The most bytes an input file may hold: 200 MB, the Batch API's limit.</summary>
    public const long MaxBytesPerFileLimit = 200L * 1024 * 1024;

    private int _maxRequestsPerFile = MaxRequestsPerFileLimit;
    private long _maxBytesPerFile = MaxBytesPerFileLimit;
    private int _maxResubmissions = 2;
    private int _maxBatchesInFlight = 4;
    private long? _maxEnqueuedTokens;
    private TimeSpan _pollInterval = TimeSpan.FromSeconds(30);
    private TimeSpan _maxPollInterval = TimeSpan.FromMinutes(10);
    private Func<TimeSpan, CancellationToken, Task> _delay = Task.Delay;

    /// <summary>
    /// The most requests per input file; default and at most <see cref="MaxRequestsPerFileLimit"/>. With
    /// <see cref="MaxBatchesInFlight"/> it bounds the items pending at a time (each kept as its id, its place in the run's
    /// spool file and its answers so far).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or above the limit.</exception>
    public int MaxRequestsPerFile
    {
        get => _maxRequestsPerFile;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxRequestsPerFileLimit);
            _maxRequestsPerFile = value;
        }
    }

    /// <summary>The most bytes per input file; default and at most <see cref="MaxBytesPerFileLimit"/>. More requests go into more files.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or above the limit.</exception>
    public long MaxBytesPerFile
    {
        get => _maxBytesPerFile;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxBytesPerFileLimit);
            _maxBytesPerFile = value;
        }
    }

    /// <summary>
    /// How many times a request is sent again in a new batch when its batch expired or was cancelled before running it,
    /// or when the error file reports it; default 2. An item whose error-file failures exceed it ends as
    /// <see cref="ExtractionFailureKind.UnreadableResponse"/> with the error; one whose batches never run it ends the run.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxResubmissions
    {
        get => _maxResubmissions;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxResubmissions = value;
        }
    }

    /// <summary>
    /// The most batches of a run active at the provider at once (first requests of new items, requests sent again and
    /// re-asks alike); default 4. A new batch is submitted whenever fewer are active (and <see cref="MaxEnqueuedTokens"/>
    /// allows), so a long input runs as several batches side by side rather than one after another. A batch the
    /// provider fails with <c>token_limit_exceeded</c> while others of the run are active lowers the run's own limit to
    /// the number active then.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxBatchesInFlight
    {
        get => _maxBatchesInFlight;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxBatchesInFlight = value;
        }
    }

    /// <summary>
    /// The model's enqueued-token quota, or null (the default) for no limit: a batch is submitted only while the input
    /// tokens of the run's active batches and its own stay within it. The tokens are an estimate, not the provider's
    /// count: a request line's UTF-8 bytes divided by 4, rounded up. A file is filled only up to the room left; a
    /// single request larger than the whole limit is still sent, in a file of its own, when no other batch is active.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public long? MaxEnqueuedTokens
    {
        get => _maxEnqueuedTokens;
        set
        {
            if (value is { } tokens)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1L, nameof(value));
            }

            _maxEnqueuedTokens = value;
        }
    }

    /// <summary>The wait between the first polls of the batches in flight; doubled after each poll up to <see cref="MaxPollInterval"/>. Default 30 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan PollInterval
    {
        get => _pollInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _pollInterval = value;
        }
    }

    /// <summary>The longest wait between polls; default 10 minutes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxPollInterval
    {
        get => _maxPollInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _maxPollInterval = value;
        }
    }

    /// <summary>How the run waits between polls; <see cref="Task.Delay(TimeSpan, CancellationToken)"/> by default (tests give their own clock).</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay
    {
        get => _delay;
        set => _delay = value ?? throw new ArgumentNullException(nameof(value));
    }
}
