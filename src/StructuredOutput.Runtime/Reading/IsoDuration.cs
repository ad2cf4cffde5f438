using System;
using System.Globalization;

namespace StructuredOutput.Reading;

/// <summary>Parses ISO 8601 durations of fixed length: weeks, days, hours, minutes and (fractional) seconds.</summary>
internal static class IsoDuration
{
    /// <summary>
    /// Parses <paramref name="text"/>. Returns false with <paramref name="problem"/> null when the text is not an ISO
    /// duration at all (so another format may be tried), or with a reason when it is one that cannot be represented.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan value, out string? problem)
    {
        value = default;
        problem = null;
        int i = 0;
        bool negative = false;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            negative = text[i] == '-';
            i++;
        }

        if (i >= text.Length || (text[i] != 'P' && text[i] != 'p'))
        {
            return false;
        }

        i++;
        decimal seconds = 0;
        bool inTime = false;
        bool any = false;
        while (i < text.Length)
        {
            if (text[i] is 'T' or 't')
            {
                if (inTime)
                {
                    return Fail(out problem, "it has two 'T' separators");
                }

                inTime = true;
                i++;
                continue;
            }

            int start = i;
            while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.' || text[i] == ','))
            {
                i++;
            }

            if (i == start || i >= text.Length)
            {
                return Fail(out problem, "each number needs a unit such as H, M or S");
            }

            if (!decimal.TryParse(text.AsSpan(start, i - start).ToString().Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal n))
            {
                return Fail(out problem, "a number in it is malformed");
            }

            char unit = char.ToUpperInvariant(text[i++]);
            decimal factor;
            switch (unit)
            {
                case 'Y':
                    return Fail(out problem, "years have no fixed length; give days (P365D) instead");
                case 'M' when !inTime:
                    return Fail(out problem, "months have no fixed length; give days (P30D) instead");
                case 'W' when !inTime:
                    factor = 7 * 86400m;
                    break;
                case 'D' when !inTime:
                    factor = 86400m;
                    break;
                case 'H' when inTime:
                    factor = 3600m;
                    break;
                case 'M':
                    factor = 60m;
                    break;
                case 'S' when inTime:
                    factor = 1m;
                    break;
                default:
                    return Fail(out problem, $"'{unit}' is not a unit in that position");
            }

            try
            {
                seconds += n * factor;
            }
            catch (OverflowException)
            {
                return Fail(out problem, "it is too long");
            }

            any = true;
        }

        if (!any)
        {
            return Fail(out problem, "it has no parts");
        }

        decimal ticks = decimal.Round(seconds * TimeSpan.TicksPerSecond);
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return Fail(out problem, "it is longer than TimeSpan can hold");
        }

        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    private static bool Fail(out string? problem, string reason)
    {
        problem = reason;
        return false;
    }
}
