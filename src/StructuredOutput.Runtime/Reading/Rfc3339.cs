using System;

namespace StructuredOutput.Reading;

/// <summary>
/// The RFC 3339 §5.6 grammar (the JSON Schema formats <c>date-time</c>, <c>date</c> and <c>time</c>): full-date,
/// partial-time with a fraction of any length, an offset <c>Z</c> or ±hh:mm, lowercase <c>t</c> and <c>z</c>, a space
/// for the <c>T</c> (§5.6's note), and a leap second only where one can occur (23:59:60 in UTC). Text only; the readers
/// decide what a .NET type can hold.
/// </summary>
internal static class Rfc3339
{
    /// <summary>The parts of a date, a time or a date-time.</summary>
    internal struct Parts
    {
        public int Year;
        public int Month;
        public int Day;
        public int Hour;
        public int Minute;
        public int Second;
        public long FractionTicks;
        public bool HasDate;
        public bool HasTime;
        public bool HasOffset;
        public int OffsetMinutes;

        /// <summary>Whether the second is a leap second (60).</summary>
        public readonly bool IsLeapSecond => Second == 60;

        /// <summary>The clock time; a leap second is held as the last tick of the second before it.</summary>
        public readonly TimeSpan TimeOfDay =>
            new TimeSpan(Hour, Minute, IsLeapSecond ? 59 : Second) + TimeSpan.FromTicks(IsLeapSecond ? TimeSpan.TicksPerSecond - 1 : FractionTicks);
    }

    /// <summary>Parses a full-date, <c>YYYY-MM-DD</c>, with a day that exists in its month.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out Parts parts)
    {
        parts = default;
        return text.Length == 10 && TryDate(text, ref parts);
    }

    /// <summary>Parses a partial-time, with an offset (a full-time) when <paramref name="offset"/> allows or requires it.</summary>
    public static bool TryParseTime(ReadOnlySpan<char> text, Presence offset, out Parts parts)
    {
        parts = default;
        return TryTime(text, offset, ref parts);
    }

    /// <summary>
    /// Parses a date-time: a full-date, <c>T</c> (or <c>t</c> or a space) and a time. When <paramref name="offset"/> is
    /// not <see cref="Presence.Required"/>, the time may lack its offset and a date alone is taken too.
    /// </summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> text, Presence offset, out Parts parts)
    {
        parts = default;
        if (text.Length < 10 || !TryDate(text.Slice(0, 10), ref parts))
        {
            return false;
        }

        if (text.Length == 10)
        {
            return offset != Presence.Required;
        }

        return text[10] is 'T' or 't' or ' ' && TryTime(text.Slice(11), offset, ref parts);
    }

    /// <summary>Whether the offset is required or optional.</summary>
    internal enum Presence
    {
        Optional,
        Required,
    }

    private static bool TryDate(ReadOnlySpan<char> s, ref Parts parts)
    {
        if (s.Length != 10 || s[4] != '-' || s[7] != '-'
            || !Digits(s, 0, 4, out parts.Year) || !Digits(s, 5, 2, out parts.Month) || !Digits(s, 8, 2, out parts.Day))
        {
            return false;
        }

        parts.HasDate = true;
        return parts.Month is >= 1 and <= 12 && parts.Day >= 1 && parts.Day <= DaysIn(parts.Year, parts.Month);
    }

    private static bool TryTime(ReadOnlySpan<char> s, Presence offset, ref Parts parts)
    {
        if (s.Length < 8 || s[2] != ':' || s[5] != ':'
            || !Digits(s, 0, 2, out parts.Hour) || !Digits(s, 3, 2, out parts.Minute) || !Digits(s, 6, 2, out parts.Second)
            || parts.Hour > 23 || parts.Minute > 59 || parts.Second > 60)
        {
            return false;
        }

        parts.HasTime = true;
        int i = 8;
        if (i < s.Length && s[i] == '.' && !TryFraction(s, ref i, ref parts))
        {
            return false;
        }

        if (i == s.Length)
        {
            return offset != Presence.Required && (!parts.IsLeapSecond || IsLeapMoment(parts.Hour, parts.Minute, 0));
        }

        return TryOffset(s.Slice(i), ref parts) && (!parts.IsLeapSecond || IsLeapMoment(parts.Hour, parts.Minute, parts.OffsetMinutes));
    }

    // time-secfrac = "." 1*DIGIT, at 'i'; kept to the tick (seven digits), the rest dropped.
    private static bool TryFraction(ReadOnlySpan<char> s, ref int i, ref Parts parts)
    {
        int start = ++i;
        long ticks = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            if (i - start < 7)
            {
                ticks = (ticks * 10) + (s[i] - '0');
            }

            i++;
        }

        for (int digits = i - start; digits < 7; digits++)
        {
            ticks *= 10;
        }

        parts.FractionTicks = ticks;
        return i > start;
    }

    // time-offset = "Z" / ("+" / "-") time-hour ":" time-minute, and nothing after it.
    private static bool TryOffset(ReadOnlySpan<char> s, ref Parts parts)
    {
        if (s is ['Z' or 'z'])
        {
            parts.HasOffset = true;
            return true;
        }

        if (s.Length != 6 || s[0] is not ('+' or '-') || s[3] != ':'
            || !Digits(s, 1, 2, out int hours) || !Digits(s, 4, 2, out int minutes) || hours > 23 || minutes > 59)
        {
            return false;
        }

        parts.HasOffset = true;
        parts.OffsetMinutes = (s[0] == '-' ? -1 : 1) * ((hours * 60) + minutes);
        return true;
    }

    // A leap second is inserted at the end of a UTC day: the local time must be 23:59 UTC shifted by the offset.
    private static bool IsLeapMoment(int hour, int minute, int offsetMinutes)
    {
        int utc = (((hour * 60) + minute - offsetMinutes) % 1440 + 1440) % 1440;
        return utc == (23 * 60) + 59;
    }

    private static bool Digits(ReadOnlySpan<char> s, int at, int count, out int value)
    {
        value = 0;
        for (int i = at; i < at + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }

    private static int DaysIn(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };
}
