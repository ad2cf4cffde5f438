using System;
using System.Threading.RateLimiting;

namespace StructuredOutput;

/// <summary>Options of a batch run on a chat client (<see cref="LocalBatchExtractor{T}"/>).</summary>
public sealed class LocalBatchOptions : BatchOptions
{
    private int _maxConcurrency = 4;

    /// <summary>How many items are extracted at the same time; default 4.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxConcurrency
    {
        get => _maxConcurrency;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxConcurrency = value;
        }
    }

    /// <summary>
    /// Limits the requests: one permit is acquired before each request (re-asks included), for example from a
    /// <see cref="TokenBucketRateLimiter"/> or <see cref="FixedWindowRateLimiter"/> set to the provider's requests per
    /// minute. Null (the default) for no limit. The limiter is the caller's: it is not disposed.
    /// </summary>
    public RateLimiter? RequestLimiter { get; set; }

    /// <summary>
    /// Limits the tokens: before each request, as many permits are acquired as the request may use, estimated as a
    /// token per four characters of its messages plus <c>ChatOptions.MaxOutputTokens</c> (when set); the limiter's
    /// permit limit must be at least the largest request's estimate. Null (the default) for no limit. The limiter is
    /// the caller's: it is not disposed.
    /// </summary>
    public RateLimiter? TokenLimiter { get; set; }
}
