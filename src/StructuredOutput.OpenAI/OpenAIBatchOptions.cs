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
    private TimeSpan _pollInterval = TimeSpan.FromSeconds(30);
    private TimeSpan _maxPollInterval = TimeSpan.FromMinutes(10);
    private Func<TimeSpan, CancellationToken, Task> _delay = Task.Delay;

    /// <summary>
    /// The most requests per input file, and so the most items held in memory at a time (items are run in windows of
    /// this many, each window's rounds after the previous window's); default and at most
    /// <see cref="MaxRequestsPerFileLimit"/>.
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
