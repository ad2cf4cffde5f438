using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Batching;

/// <summary>The rate limits of a run: permits before each request, and the token estimate they are counted in.</summary>
internal static class BatchLimits
{
    /// <summary>Characters per token in the estimate: about four for English text in the models' tokenizers.</summary>
    private const int CharactersPerToken = 4;

    /// <summary>The tokens a request may use: its messages' characters over four, plus the output token limit when set.</summary>
    public static int EstimateTokens(IReadOnlyList<ChatMessage> messages, ChatOptions options)
    {
        long characters = 0;
        for (int i = 0; i < messages.Count; i++)
        {
            characters += messages[i].Text.Length;
        }

        long tokens = ((characters + CharactersPerToken - 1) / CharactersPerToken) + (options.MaxOutputTokens ?? 0);
        return (int)Math.Clamp(tokens, 1, int.MaxValue);
    }

    /// <summary>Waits for <paramref name="permits"/> permits of <paramref name="limiter"/>.</summary>
    /// <exception cref="InvalidOperationException">The limiter refused them (its queue is full, or it can never give that many).</exception>
    public static async ValueTask<RateLimitLease> AcquireAsync(RateLimiter limiter, int permits, string name, CancellationToken cancellationToken)
    {
        RateLimitLease lease;
        try
        {
            lease = await limiter.AcquireAsync(permits, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidOperationException(
                $"The {name} cannot give {permits} permits at once, more than its permit limit: raise the limit, or lower ChatOptions.MaxOutputTokens or the input's size.", e);
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new InvalidOperationException(
                $"The {name} refused {permits} permits (its queue is full): give it a QueueLimit that holds a request of every concurrent item (LocalBatchOptions.MaxConcurrency).");
        }

        return lease;
    }
}
