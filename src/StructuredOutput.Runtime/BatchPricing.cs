using System;
using Microsoft.Extensions.AI;

namespace StructuredOutput;

/// <summary>
/// The prices a batch run's cost is computed from (<see cref="BatchOptions.Pricing"/>, <see cref="BatchSummary.Cost"/>):
/// prices per million tokens, in the currency of the caller's choosing. No price table is built in: give the prices your
/// provider bills for the model and the way the requests are sent (OpenAI's Batch API bills half its synchronous price).
/// </summary>
public sealed class BatchPricing
{
    private readonly decimal? _cachedInputPerMillionTokens;

    /// <summary>Creates the prices.</summary>
    /// <param name="inputPerMillionTokens">The price of a million input tokens.</param>
    /// <param name="outputPerMillionTokens">The price of a million output tokens (reasoning tokens are output tokens).</param>
    /// <exception cref="ArgumentOutOfRangeException">A price is negative.</exception>
    public BatchPricing(decimal inputPerMillionTokens, decimal outputPerMillionTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputPerMillionTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputPerMillionTokens);
        InputPerMillionTokens = inputPerMillionTokens;
        OutputPerMillionTokens = outputPerMillionTokens;
    }

    /// <summary>The price of a million input tokens.</summary>
    public decimal InputPerMillionTokens { get; }

    /// <summary>The price of a million output tokens.</summary>
    public decimal OutputPerMillionTokens { get; }

    /// <summary>
    /// The price of a million input tokens read from the provider's prompt cache (<see cref="UsageDetails.CachedInputTokenCount"/>,
    /// a part of the input tokens); null (the default) bills them as other input tokens.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The price is negative.</exception>
    public decimal? CachedInputPerMillionTokens
    {
        get => _cachedInputPerMillionTokens;
        init
        {
            if (value is { } price)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(price);
            }

            _cachedInputPerMillionTokens = value;
        }
    }

    /// <summary>The cost of <paramref name="usage"/> at these prices; token counts the usage lacks count as 0.</summary>
    /// <param name="usage">Token counts, as a response or a batch reports them.</param>
    /// <returns>The cost, in the prices' currency.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is null.</exception>
    public decimal CostOf(UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        long input = usage.InputTokenCount ?? 0;
        long cached = CachedInputPerMillionTokens is null ? 0 : Math.Clamp(usage.CachedInputTokenCount ?? 0, 0, input);
        decimal cost = ((input - cached) * InputPerMillionTokens)
            + (cached * (CachedInputPerMillionTokens ?? 0))
            + ((usage.OutputTokenCount ?? 0) * OutputPerMillionTokens);
        return cost / 1_000_000m;
    }
}
