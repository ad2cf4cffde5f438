using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace StructuredOutput.Streaming;

/// <summary>Counts the quotes of a piece of JSON text, sixteen bytes at a time where the hardware allows.</summary>
internal static class JsonQuotes
{
    /// <summary>
    /// Counts the <c>"</c> bytes of <paramref name="text"/> and finds the first and the last, when it holds no backslash
    /// (so that every quote opens or closes a string).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="count">How many quotes it holds.</param>
    /// <param name="first">The offset of the first quote; -1 when there is none.</param>
    /// <param name="last">The offset of the last quote; -1 when there is none.</param>
    /// <returns>False when the text holds a backslash (then the counts mean nothing).</returns>
    public static bool TryCount(ReadOnlySpan<byte> text, out int count, out int first, out int last)
    {
        count = 0;
        first = -1;
        last = -1;
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<byte> quote = Vector128.Create((byte)'"');
            Vector128<byte> backslash = Vector128.Create((byte)'\\');
            for (; i + Vector128<byte>.Count <= text.Length; i += Vector128<byte>.Count)
            {
                Vector128<byte> block = Vector128.Create(text.Slice(i, Vector128<byte>.Count));
                if (Vector128.EqualsAny(block, backslash))
                {
                    return false;
                }

                uint quotes = Vector128.Equals(block, quote).ExtractMostSignificantBits();
                if (quotes != 0)
                {
                    first = count == 0 ? i + BitOperations.TrailingZeroCount(quotes) : first;
                    count += BitOperations.PopCount(quotes);
                    last = i + 31 - BitOperations.LeadingZeroCount(quotes);
                }
            }

            int rest = text.Length - i;
            if (rest > 0 && i > 0)
            {
                // The last bytes: the last sixteen, less those already counted (bit k stands for byte i + k).
                Vector128<byte> block = Vector128.Create(text.Slice(text.Length - Vector128<byte>.Count));
                int counted = Vector128<byte>.Count - rest;
                if ((Vector128.Equals(block, backslash).ExtractMostSignificantBits() >> counted) != 0)
                {
                    return false;
                }

                uint quotes = Vector128.Equals(block, quote).ExtractMostSignificantBits() >> counted;
                if (quotes != 0)
                {
                    first = count == 0 ? i + BitOperations.TrailingZeroCount(quotes) : first;
                    count += BitOperations.PopCount(quotes);
                    last = i + 31 - BitOperations.LeadingZeroCount(quotes);
                }

                return true;
            }
        }

        for (; i < text.Length; i++)
        {
            byte b = text[i];
            if (b == (byte)'"')
            {
                first = count == 0 ? i : first;
                count++;
                last = i;
            }
            else if (b == (byte)'\\')
            {
                return false;
            }
        }

        return true;
    }
}
