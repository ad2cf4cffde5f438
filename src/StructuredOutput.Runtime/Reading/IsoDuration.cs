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
    private const string WeeksAlone = "weeks cannot be combined with other units; give days (P10D) instead";
    private const string TooLong = "it is longer than TimeSpan can hold";

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

        var parts = new Components();
        for (int i = 1; i < text.Length;)
        {
            bool ok = text[i] == 'T'
                ? parts.TryEnterTime(atEnd: ++i == text.Length, out problem)
                : TryReadComponent(text, ref i, out decimal n, out bool fraction, out char unit, out problem) && parts.TryAdd(n, fraction, unit, out problem);
            if (!ok)
            {
                return false;
            }
        }

        return parts.TryFinish(out value, out problem);
    }

    // The components read so far, and the rules on their order.
    private struct Components
    {
        private decimal _seconds;
        private bool _inTime;
        private int _lastUnit; // one more than the index of the last unit read in the current section
        private bool _any;
        private bool _fraction;
        private bool _weeks;
        private char _unfixed; // 'Y' or 'M' when a year or month was read

        public bool TryEnterTime(bool atEnd, out string? problem)
        {
            if (_weeks)
            {
                return Fail(out problem, WeeksAlone);
            }

            if (_inTime)
            {
                return Fail(out problem, "it has two 'T' separators");
            }

            if (atEnd)
            {
                return Fail(out problem, "'T' must be followed by hours, minutes or seconds");
            }

            _inTime = true;
            _lastUnit = 0;
            problem = null;
            return true;
        }

        public bool TryAdd(decimal n, bool fraction, char unit, out string? problem)
        {
            if (_weeks)
            {
                return Fail(out problem, WeeksAlone);
            }

            if (_fraction)
            {
                return Fail(out problem, "only its last number may have a fraction");
            }

            int index = (_inTime ? TimeUnits : DateUnits).IndexOf(unit, StringComparison.Ordinal) + 1;
            if (index == 0)
            {
                return Fail(out problem, _inTime ? $"'{unit}' is not a unit after 'T' (use H, M or S)" : $"'{unit}' is not a unit before 'T' (use D or W, or 'T' before H, M or S)");
            }

            if (index <= _lastUnit)
            {
                return Fail(out problem, "its parts are out of order or repeated (write P…W alone, or P…DT…H…M…S in that order)");
            }

            if (!_inTime && unit == 'W')
            {
                if (_any)
                {
                    return Fail(out problem, WeeksAlone);
                }

                _weeks = true;
            }

            (_lastUnit, _any, _fraction) = (index, true, fraction);
            if (!_inTime && unit is 'Y' or 'M')
            {
                _unfixed = _unfixed == '\0' ? unit : _unfixed;
                problem = null;
                return true;
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
                _seconds += n * factor;
            }
            catch (OverflowException)
            {
                return Fail(out problem, TooLong);
            }

            problem = null;
            return true;
        }

        public readonly bool TryFinish(out TimeSpan value, out string? problem)
        {
            value = default;
            if (!_any)
            {
                return Fail(out problem, "it has no parts");
            }

            if (_unfixed != '\0')
            {
                return Fail(out problem, _unfixed == 'Y'
                    ? "years have no fixed length; give days (P365D) instead"
                    : "months have no fixed length; give days (P30D) instead");
            }

            decimal ticks = decimal.Round(_seconds * TimeSpan.TicksPerSecond);
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return Fail(out problem, TooLong);
            }

            value = TimeSpan.FromTicks((long)ticks);
            problem = null;
            return true;
        }
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
            return Fail(out problem, TooLong);
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
