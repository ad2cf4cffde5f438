using System;
using System.Globalization;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>
/// The fuzz run's settings from the environment: <c>STRUCTUREDOUTPUT_FUZZ_ITERATIONS</c> for a long campaign and
/// <c>STRUCTUREDOUTPUT_FUZZ_SEED</c> to replay the seed a failure printed (see docs/reliability.md).
/// </summary>
internal static class FuzzSettings
{
    /// <summary>The cases per test: the environment's count when it sets one, else <paramref name="defaultIterations"/>.</summary>
    public static long Iterations(long defaultIterations) =>
        long.TryParse(Environment.GetEnvironmentVariable("STRUCTUREDOUTPUT_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0
            ? n
            : defaultIterations;

    /// <summary>The seed to replay, or null for a fresh one.</summary>
    public static string? Seed => Environment.GetEnvironmentVariable("STRUCTUREDOUTPUT_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;
}
