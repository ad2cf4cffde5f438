using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace StructuredOutput.Batching;

/// <summary>
/// The durable state of a batch run: a file of append-only lines, each a JSON record, a space and a checksum (the first
/// 8 bytes of the record's SHA-256, in hex), then a line feed. Each record is written whole and flushed before the run
/// goes on, so a process killed at any moment leaves at worst one unfinished last line, which the next run detects (no
/// line feed, or a checksum that does not match), cuts off and ignores. The first record names the contract, so a
/// journal is never resumed for another type.
/// </summary>
/// <remarks>
/// <para>
/// Only the position of each result is kept in memory (its record is read back when its item comes again), so a journal
/// of a million results costs its ids, not its answers.
/// </para>
/// <para>
/// Each record is flushed to the operating system, which survives a killed process. Records that must survive a power
/// cut as well are synced to the disk (<see cref="FileStream.Flush(bool)"/> with true, an fsync): the header, the
/// engine's records marked durable (a submitted batch, a batch whose results were read, which covers every record before
/// it), and otherwise at most once every <see cref="SyncInterval"/> and when the journal is closed, so a run on a chat
/// client does not wait for the disk after each result. A power cut loses at most the records since the last sync: their
/// items are asked again when the run resumes.
/// </para>
/// </remarks>
internal sealed class BatchJournal : IAsyncDisposable, IDisposable
{
    /// <summary>The value of the <c>record</c> property of the first record.</summary>
    public const string HeaderKind = "journal";

    /// <summary>The value of the <c>record</c> property of a finished item's record.</summary>
    public const string ResultKind = "result";

    private const int Version = 1;
    private const int ChecksumBytes = 8;
    private const int SuffixLength = 1 + (2 * ChecksumBytes) + 1; // " " + hex + "\n"
    private static readonly byte[] HeaderStart = Encoding.UTF8.GetBytes("{\"record\":\"journal\"");

    /// <summary>The longest time a record that is not durable waits for a sync to the disk, if more records follow it.</summary>
    internal static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(1);

    private readonly FileStream _stream;
    private readonly TimeProvider _clock;
    private long _lastSync;
    private int _unsynced;
    private readonly Dictionary<string, (long Offset, int Length)> _results = new(StringComparer.Ordinal);
    private readonly List<JsonElement> _states = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    private BatchJournal(string path, FileStream stream, TimeProvider clock)
    {
        Path = path;
        _stream = stream;
        _clock = clock;
        _lastSync = clock.GetTimestamp();
    }

    /// <summary>The journal's file.</summary>
    public string Path { get; }

    /// <summary>How many complete lines failed their checksum or could not be read, and were ignored.</summary>
    public int IgnoredLines { get; private set; }

    /// <summary>How many bytes of an unfinished last line were cut off when the journal was opened.</summary>
    public long TruncatedBytes { get; private set; }

    /// <summary>How many items have a result in the journal.</summary>
    public int ResultCount => _results.Count;

    /// <summary>The records that are neither the header nor results (an engine's own state), in file order.</summary>
    public IReadOnlyList<JsonElement> States => _states;

    /// <summary>How many times the journal was synced to the disk since it was opened.</summary>
    public int Syncs { get; private set; }

    /// <summary>
    /// Opens the journal at <paramref name="path"/>, creating it when it does not exist, reads what it holds and cuts
    /// off an unfinished last line.
    /// </summary>
    /// <param name="path">The journal's file.</param>
    /// <param name="contract">The contract's full name, which the header records.</param>
    /// <param name="clock">The clock of <see cref="SyncInterval"/>; null for the system's.</param>
    /// <exception cref="InvalidOperationException">The file is not a journal, or one written for another contract.</exception>
    public static BatchJournal Open(string path, string contract, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        var journal = new BatchJournal(path, stream, clock ?? TimeProvider.System);
        try
        {
            journal.Load(contract);
            return journal;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="id"/> has a result in the journal.</summary>
    public bool HasResult(string id) => _results.ContainsKey(id);

    /// <summary>Reads back the result record of <paramref name="id"/>; false when there is none.</summary>
    public bool TryReadResult(string id, out JournalResult result)
    {
        if (!_results.TryGetValue(id, out var at))
        {
            result = default;
            return false;
        }

        byte[] bytes = new byte[at.Length];
        RandomAccess.Read(_stream.SafeFileHandle, bytes, at.Offset);
        using var document = JsonDocument.Parse(bytes);
        result = JournalResult.Read(document.RootElement);
        return true;
    }

    /// <summary>Appends the result of <paramref name="id"/> and flushes it (to the disk once <see cref="SyncInterval"/> has passed since the last sync).</summary>
    public Task AppendResultAsync(string id, IReadOnlyList<JournalAnswer> answers, CancellationToken cancellationToken) =>
        AppendAsync(writer => JournalResult.Write(writer, id, answers), id, durable: false, cancellationToken);

    /// <summary>
    /// Appends an engine's own record (its <c>record</c> property names its kind) and flushes it; when
    /// <paramref name="durable"/>, syncs the journal to the disk before returning, this record and all before it.
    /// </summary>
    public Task AppendStateAsync(Action<Utf8JsonWriter> writeProperties, string kind, bool durable, CancellationToken cancellationToken) =>
        AppendAsync(
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("record", kind);
                writeProperties(writer);
                writer.WriteEndObject();
            },
            null,
            durable,
            cancellationToken);

    /// <summary>The line a record is written as: the JSON, a space, the checksum, a line feed.</summary>
    internal static byte[] Line(ReadOnlySpan<byte> json)
    {
        var line = new byte[json.Length + SuffixLength];
        json.CopyTo(line);
        line[json.Length] = (byte)' ';
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(json, hash);
        for (int i = 0; i < ChecksumBytes; i++)
        {
            line[json.Length + 1 + (2 * i)] = Hex(hash[i] >> 4);
            line[json.Length + 2 + (2 * i)] = Hex(hash[i] & 0xF);
        }

        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>The record of a complete line (without its line feed) when its checksum matches; otherwise an empty span.</summary>
    internal static ReadOnlySpan<byte> Verify(ReadOnlySpan<byte> line)
    {
        if (line.Length < SuffixLength || line[line.Length - SuffixLength + 1] != (byte)' ')
        {
            return default;
        }

        ReadOnlySpan<byte> json = line.Slice(0, line.Length - SuffixLength + 1);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(json, hash);
        for (int i = 0; i < ChecksumBytes; i++)
        {
            if (line[json.Length + 1 + (2 * i)] != Hex(hash[i] >> 4) || line[json.Length + 2 + (2 * i)] != Hex(hash[i] & 0xF))
            {
                return default;
            }
        }

        return json;
    }

    /// <summary>Syncs what is not yet on the disk, and closes the file.</summary>
    public void Dispose()
    {
        SyncIfUnsynced();
        _stream.Dispose();
        _gate.Dispose();
    }

    /// <summary>Syncs what is not yet on the disk, and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        SyncIfUnsynced();
        await _stream.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private async Task AppendAsync(Action<Utf8JsonWriter> write, string? resultId, bool durable, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        byte[] line = Line(buffer.WrittenSpan);

        // Not cancellable once started: a record is written whole or, if the process dies, cut off on the next open.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long offset = _stream.Length;
            _stream.Position = offset;
            await _stream.WriteAsync(line, CancellationToken.None).ConfigureAwait(false);
            await _stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            _unsynced++;
            if (durable || _clock.GetElapsedTime(_lastSync) >= SyncInterval)
            {
                Sync();
            }

            if (resultId is not null)
            {
                _results[resultId] = (offset, line.Length - SuffixLength + 1);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // Called under the gate, or once nothing else writes.
    private void Sync()
    {
        _stream.Flush(flushToDisk: true);
        Syncs++;
        _unsynced = 0;
        _lastSync = _clock.GetTimestamp();
    }

    private void SyncIfUnsynced()
    {
        if (_unsynced > 0)
        {
            Sync();
        }
    }

    private void Load(string contract)
    {
        long length = _stream.Length;
        long lineStart = 0;
        long completeEnd = 0; // the end of the last line that has its line feed
        bool first = true;
        var line = new ArrayBufferWriter<byte>(4096);
        byte[] chunk = new byte[64 * 1024];
        _stream.Position = 0;
        int read;
        long position = 0;
        while ((read = _stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            int start = 0;
            for (int i = 0; i < read; i++)
            {
                if (chunk[i] != (byte)'\n')
                {
                    continue;
                }

                line.Write(chunk.AsSpan(start, i - start + 1));
                ReadLine(line.WrittenSpan[..^1], lineStart, contract, ref first);
                line.Clear();
                start = i + 1;
                lineStart = position + i + 1;
                completeEnd = lineStart;
            }

            line.Write(chunk.AsSpan(start, read - start));
            position += read;
        }

        if (completeEnd < length)
        {
            // A line the previous run did not finish writing. Before any complete line, it can only be a cut header:
            // anything else is a file that is not a journal, and is left alone.
            if (first && !line.WrittenSpan.StartsWith(HeaderStart.AsSpan(0, Math.Min(HeaderStart.Length, line.WrittenCount))))
            {
                throw NotAJournal();
            }

            TruncatedBytes = length - completeEnd;
            _stream.SetLength(completeEnd);
            _unsynced++;
        }

        if (first)
        {
            _stream.SetLength(0);
            var header = new ArrayBufferWriter<byte>(128);
            using (var writer = new Utf8JsonWriter(header))
            {
                writer.WriteStartObject();
                writer.WriteString("record", HeaderKind);
                writer.WriteNumber("version", Version);
                writer.WriteString("contract", contract);
                writer.WriteEndObject();
            }

            _stream.Write(Line(header.WrittenSpan));
            _unsynced++;
        }

        SyncIfUnsynced();
    }

    private void ReadLine(ReadOnlySpan<byte> line, long offset, string contract, ref bool first)
    {
        ReadOnlySpan<byte> json = Verify(line);
        if (first)
        {
            // The header decides whether this file is ours at all.
            if (json.IsEmpty || !json.StartsWith(HeaderStart))
            {
                throw NotAJournal();
            }

            using var header = JsonDocument.Parse(json.ToArray());
            string? written = header.RootElement.TryGetProperty("contract", out var c) ? c.GetString() : null;
            if (!string.Equals(written, contract, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The journal '{Path}' was written for the contract {written}, not {contract}: name another journal file for this run.");
            }

            first = false;
            return;
        }

        if (json.IsEmpty)
        {
            IgnoredLines++;
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            JsonElement root = document.RootElement;
            string? kind = root.GetProperty("record").GetString();
            if (kind == ResultKind)
            {
                _results[root.GetProperty("id").GetString()!] = (offset, json.Length);
            }
            else
            {
                _states.Add(root.Clone());
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            IgnoredLines++;
        }
    }

    private InvalidOperationException NotAJournal() => new(
        $"The file '{Path}' is not a batch journal (its first line is not a journal header): name a new file, or the journal of an earlier run.");
}
