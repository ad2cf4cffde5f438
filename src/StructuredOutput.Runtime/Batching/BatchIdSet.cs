using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace StructuredOutput.Batching;

/// <summary>
/// The ids of a run's items so far, over the whole input (not a window of it), so that a repeated id is caught wherever
/// it comes. Each id is kept as a 128-bit digest (the first 16 bytes of the SHA-256 of its UTF-8), not as its string:
/// about 40 bytes per id whatever its length (a million ids of up to 64 characters take some 40 MB), where a set of the
/// strings would keep each id's text alive after its item is done. Two different ids share a digest with a chance of
/// about n²/2¹²⁹ for n ids (below 10⁻²⁴ for a billion), so a repeat is reported only for a real one.
/// </summary>
internal sealed class BatchIdSet
{
    private const int MaxUtf8Bytes = (BatchItem.MaxIdLength + 1) * 3; // Encoding.UTF8.GetMaxByteCount(MaxIdLength)

    private readonly HashSet<UInt128> _digests = new();

    /// <summary>How many ids the set holds.</summary>
    public int Count => _digests.Count;

    /// <summary>Adds <paramref name="id"/>; false when the set already holds it.</summary>
    public bool Add(string id) => _digests.Add(Digest(id));

    internal static UInt128 Digest(string id)
    {
        // An item id has at most 64 characters (BatchItem.MaxIdLength), so its UTF-8 fits on the stack.
        Span<byte> utf8 = Encoding.UTF8.GetMaxByteCount(id.Length) <= MaxUtf8Bytes ? stackalloc byte[MaxUtf8Bytes] : new byte[Encoding.UTF8.GetByteCount(id)];
        int length = Encoding.UTF8.GetBytes(id, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..length], hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
