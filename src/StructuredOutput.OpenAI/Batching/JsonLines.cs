using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;

namespace StructuredOutput.Batching;

/// <summary>Reads a JSONL stream line by line, never the whole stream into memory, and without an allocation per line.</summary>
internal static class JsonLines
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Each non-blank line's bytes, without its line feed (or carriage return and line feed). A line is valid until the
    /// enumeration moves on: it is a slice of the read buffer (or, for a line across two reads, of the buffer that joins
    /// them), which the next line reuses. Copy what must outlive it.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var joined = new ArrayBufferWriter<byte>(4096); // a line that began in an earlier read
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                int start = 0;
                while (start < read)
                {
                    int end = chunk.AsSpan(start, read - start).IndexOf((byte)'\n');
                    if (end < 0)
                    {
                        break;
                    }

                    end += start;
                    ReadOnlyMemory<byte> line;
                    if (joined.WrittenCount == 0)
                    {
                        line = chunk.AsMemory(start, end - start); // the whole line is in this read: no copy
                    }
                    else
                    {
                        joined.Write(chunk.AsSpan(start, end - start));
                        line = joined.WrittenMemory;
                    }

                    start = end + 1;
                    if (Trim(line) is { IsEmpty: false } complete)
                    {
                        yield return complete;
                    }

                    joined.ResetWrittenCount();
                }

                joined.Write(chunk.AsSpan(start, read - start));
            }

            if (Trim(joined.WrittenMemory) is { IsEmpty: false } last)
            {
                yield return last;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    // Without a closing carriage return; empty for a blank line.
    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> line)
    {
        if (line.Length > 0 && line.Span[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        return line.Span.Trim((byte)' ').IsEmpty ? ReadOnlyMemory<byte>.Empty : line;
    }
}
