using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StructuredOutput.Streaming;

/// <summary>Encodes an ASCII text to UTF-8 (one byte per character), eight or sixteen characters at a time.</summary>
internal static class AsciiText
{
    /// <summary>
    /// Writes <paramref name="chars"/> to <paramref name="bytes"/> when every character is ASCII; otherwise returns false,
    /// having written part of it, perhaps.
    /// </summary>
    public static bool TryNarrow(ReadOnlySpan<char> chars, Span<byte> bytes)
    {
        int n = chars.Length;
        if (bytes.Length < n)
        {
            return false;
        }

        if (!Vector128.IsHardwareAccelerated || n < Vector128<ushort>.Count)
        {
            for (int k = 0; k < n; k++)
            {
                char c = chars[k];
                if (c > 0x7F)
                {
                    return false;
                }

                bytes[k] = (byte)c;
            }

            return true;
        }

        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(chars));
        ref byte target = ref MemoryMarshal.GetReference(bytes);
        Vector128<ushort> notAscii = Vector128.Create((ushort)0xFF80);
        int i = 0;
        for (; i + (2 * Vector128<ushort>.Count) <= n; i += 2 * Vector128<ushort>.Count)
        {
            Vector128<ushort> low = Vector128.LoadUnsafe(ref source, (nuint)i);
            Vector128<ushort> high = Vector128.LoadUnsafe(ref source, (nuint)(i + Vector128<ushort>.Count));
            if (((low | high) & notAscii) != Vector128<ushort>.Zero)
            {
                return false;
            }

            Vector128.Narrow(low, high).StoreUnsafe(ref target, (nuint)i);
        }

        if (i < n)
        {
            // The rest: one or two blocks of eight, the last one ending with the text (it may overlap what was written).
            if (i + Vector128<ushort>.Count < n && !Narrow8(ref source, ref target, i))
            {
                return false;
            }

            return Narrow8(ref source, ref target, n - Vector128<ushort>.Count);
        }

        return true;
    }

    private static bool Narrow8(ref ushort source, ref byte target, int at)
    {
        Vector128<ushort> block = Vector128.LoadUnsafe(ref source, (nuint)at);
        if ((block & Vector128.Create((ushort)0xFF80)) != Vector128<ushort>.Zero)
        {
            return false;
        }

        Vector128.Narrow(block, block).GetLower().StoreUnsafe(ref target, (nuint)at);
        return true;
    }
}
