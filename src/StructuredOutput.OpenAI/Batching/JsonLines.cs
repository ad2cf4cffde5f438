using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;

namespace StructuredOutput.Batching;

/// <summary>Reads a JSONL stream line by line, never the whole stream into memory.</summary>
internal static class JsonLines
{
    /// <summary>Each non-blank line's bytes, without its line feed (or carriage return and line feed).</summary>
    public static async IAsyncEnumerable<byte[]> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var line = new ArrayBufferWriter<byte>(4096);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                int start = 0;
                for (int i = 0; i < read; i++)
                {
                    if (chunk[i] == (byte)'\n')
                    {
                        line.Write(chunk.AsSpan(start, i - start));
                        if (Take(line) is { } complete)
                        {
                            yield return complete;
                        }

                        start = i + 1;
                    }
                }

                line.Write(chunk.AsSpan(start, read - start));
            }

            if (Take(line) is { } last)
            {
                yield return last;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static byte[]? Take(ArrayBufferWriter<byte> line)
    {
        ReadOnlySpan<byte> span = line.WrittenSpan;
        if (span.Length > 0 && span[^1] == (byte)'\r')
        {
            span = span[..^1];
        }

        byte[]? bytes = span.Trim((byte)' ').IsEmpty ? null : span.ToArray();
        line.Clear();
        return bytes;
    }
}
