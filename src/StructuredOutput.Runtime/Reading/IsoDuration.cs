using System;
using System.Globalization;

namespace StructuredOutput.Reading;

/// <summary>
/// Parses ISO 8601 durations (RFC 3339 Appendix A, the JSON Schema format <c>duration</c>) of fixed length: weeks alone,
/// or days and a <c>T</c> with hours, minutes and seconds, each at most once and in that order (a component may be
/// left out, <c>PT1H30S</c>, as ISO 8601 allows). Beyond the ABNF, the last component may carry a decimal fraction
/// (<c>PT1.5S</c>), as ISO 8601 allows. Years and months are rejected: their length is not fixed.
/// </summary>
internal static class IsoDuration
{
    // The designators in the order they must appear; weeks stand alone.
    private const string DateUnits = "YMWD";
    private const string TimeUnits = "HMS";

    /// <summary>
    /// Parses <paramref name="text"/>. Returns false with <paramref name="problem"/> null when the text is not an ISO
    /// duration at all (it does not start with <c>P</c>, so another format may be tried), or with a reason when it is
    /// a malformed one or one that cannot be represented.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan value, out string? problem)
    {
        value = default;
        problem = null;
        if (text.Length == 0 || text[0] != 'P')
        {
            return false;
        }

        decimal seconds = 0;
        bool inTime = false;
        int lastUnit = -1; // index into the current section's units
        bool any = false;
        bool fraction = false;
        bool weeks = false;
        char fixedLengthProblem = '\0';
        for (int i = 1; i < text.Length;)
        {
            if (weeks)
            {
                return Fail(out problem, "weeks cannot be combined with other units; give days (P10D) instead");
            }

            if (text[i] == 'T')
            {
                if (inTime)
                {
                    return Fail(out problem, "it has two 'T' separators");
                }

                if (i + 1 == text.Length)
                {
                    return Fail(out problem, "'T' must be followed by hours, minutes or seconds");
                }

                inTime = true;
                lastUnit = -1;
                i++;
                continue;
            }

            if (fraction)
            {
                return Fail(out problem, "only its last number may have a fraction");
            }

            if (!TryReadComponent(text, ref i, out decimal n, out fraction, out char unit, out problem))
            {
                return false;
            }

            string units = inTime ? TimeUnits : DateUnits;
            int index = units.IndexOf(unit, StringComparison.Ordinal);
            if (index < 0)
            {
                return Fail(out problem, inTime ? $"'{unit}' is not a unit after 'T' (use H, M or S)" : $"'{unit}' is not a unit before 'T' (use D or W, or 'T' before H, M or S)");
            }

            if (index <= lastUnit)
            {
                return Fail(out problem, "its parts are out of order or repeated (write P…W alone, or P…DT…H…M…S in that order)");
            }

            if (!inTime && unit == 'W')
            {
                if (any)
                {
                    return Fail(out problem, "weeks cannot be combined with other units; give days (P10D) instead");
                }

                weeks = true;
            }

            lastUnit = index;
            any = true;
            if (!inTime && unit is 'Y' or 'M')
            {
                fixedLengthProblem = fixedLengthProblem == '\0' ? unit : fixedLengthProblem;
                continue;
            }

            decimal factor = unit switch
            {
                'W' => 7 * 86400m,
                'D' => 86400m,
                'H' => 3600m,
                'M' => 60m,
                _ => 1m,
            };
            try
            {
                seconds += n * factor;
            }
            catch (OverflowException)
            {
                return Fail(out problem, "it is longer than TimeSpan can hold");
            }
        }

        if (!any)
        {
            return Fail(out problem, "it has no parts");
        }

        if (fixedLengthProblem != '\0')
        {
            return Fail(out problem, fixedLengthProblem == 'Y'
                ? "years have no fixed length; give days (P365D) instead"
                : "months have no fixed length; give days (P30D) instead");
        }

        decimal ticks = decimal.Round(seconds * TimeSpan.TicksPerSecond);
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return Fail(out problem, "it is longer than TimeSpan can hold");
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    // One number and its unit designator, at 'i'.
    private static bool TryReadComponent(string text, ref int i, out decimal n, out bool fraction, out char unit, out string? problem)
    {
        n = 0;
        unit = '\0';
        fraction = false;
        problem = null;
        int start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        int digitsEnd = i;
        if (i < text.Length && text[i] is '.' or ',' && i > start)
        {
            fraction = true;
            i++;
            int fractionStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == fractionStart)
            {
                return Fail(out problem, "a number in it is malformed");
            }
        }

        if (digitsEnd == start || i >= text.Length)
        {
            return Fail(out problem, "each number needs a unit such as D, H, M or S");
        }

        // At most 28 digits: decimal holds them, and any longer duration is beyond TimeSpan anyway.
        if (i - start > 28 || !decimal.TryParse(text.AsSpan(start, i - start).ToString().Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out n))
        {
            return Fail(out problem, "it is longer than TimeSpan can hold");
        }

        unit = text[i++];
        return true;
    }

    private static bool Fail(out string? problem, string reason)
    {
        problem = reason;
        return false;
    }
}
