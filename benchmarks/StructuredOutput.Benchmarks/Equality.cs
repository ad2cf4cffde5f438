using System;
using System.Text.Json;
using StructuredOutput.Benchmarks.Payloads;

namespace StructuredOutput.Benchmarks;

/// <summary>Checks in setup (never timed) that two extractors produced the same value.</summary>
internal static class Equality
{
    public static void AssertSame(Recipe expected, Recipe actual, string what) =>
        AssertSameJson(
            JsonSerializer.Serialize(expected, PayloadJsonContext.Default.Recipe),
            JsonSerializer.Serialize(actual, PayloadJsonContext.Default.Recipe),
            what);

    public static void AssertSame(Invoice expected, Invoice actual, string what) =>
        AssertSameJson(
            JsonSerializer.Serialize(expected, PayloadJsonContext.Default.Invoice),
            JsonSerializer.Serialize(actual, PayloadJsonContext.Default.Invoice),
            what);

    /// <summary>Both sides must also have read the whole payload: the values must round-trip to it.</summary>
    public static void AssertRoundTrips(string payload, string serialized, string what)
    {
        using var a = JsonDocument.Parse(payload);
        using var b = JsonDocument.Parse(serialized);
        if (!JsonElement.DeepEquals(a.RootElement, b.RootElement))
        {
            throw new InvalidOperationException($"{what}: the value read does not hold every field of the payload.\npayload:  {payload}\nread:     {serialized}");
        }
    }

    private static void AssertSameJson(string expected, string actual, string what)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{what}: the two sides read different values.\nexpected: {expected}\nactual:   {actual}");
        }
    }
}
