using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Win32.SafeHandles;

namespace StructuredOutput.Batching;

/// <summary>Where an item's line is in the spool file.</summary>
internal readonly record struct SpoolEntry(long Offset, int Length);

/// <summary>
/// A Batch API run's input, written to a temporary file in one pass before anything is uploaded, so that every id is
/// checked first (a repeat anywhere ends the run before its first upload) and the input, which may be a stream that can be
/// read only once, holds a million items or carries images, is not kept in memory. One JSON line per item: <c>id</c>, then
/// <c>text</c> (a text input) or <c>messages</c> (the caller's messages, written with Microsoft.Extensions.AI's own
/// serialization, which keeps every content part: text, data such as images, URIs…). The run reads the file back in
/// order for new items and by position for an item whose answer has come. The file is deleted when the spool is
/// disposed; the journal, not the spool, is what a resumed run reads.
/// </summary>
internal sealed class BatchSpool : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;

    private static readonly JsonTypeInfo<ChatMessage> MessageInfo = (JsonTypeInfo<ChatMessage>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatMessage));

    private readonly string _path;
    private SafeFileHandle? _handle;

    private BatchSpool(string path, int count)
    {
        _path = path;
        Count = count;
    }

    /// <summary>How many items the spool holds.</summary>
    public int Count { get; }

    /// <summary>The spool file's path (deleted when the spool is disposed).</summary>
    public string FilePath => _path;

    /// <summary>
    /// Reads every item of <paramref name="items"/>, checks that its id is new, and writes it to a new spool file;
    /// <paramref name="written"/> sees each id and its place.
    /// </summary>
    /// <exception cref="ArgumentException">An item is null, its id repeats an earlier one's, or its input cannot be written.</exception>
    public static async Task<BatchSpool> WriteAsync(IAsyncEnumerable<BatchItem> items, Action<string, SpoolEntry>? written, CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), "structuredoutput-spool-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            int count = 0;
            var ids = new BatchIdSet();
            var line = new ArrayBufferWriter<byte>(4096);
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                using var json = new Utf8JsonWriter(line);
                await foreach (BatchItem item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (item is null)
                    {
                        throw new ArgumentException("The items hold a null item.", nameof(items));
                    }

                    if (!ids.Add(item.Id))
                    {
                        throw new ArgumentException($"The item id '{item.Id}' is repeated: each item of a run needs its own id, the custom_id of its request lines.", nameof(items));
                    }

                    line.ResetWrittenCount();
                    json.Reset(line);
                    Write(json, item);
                    json.Flush();
                    var entry = new SpoolEntry(file.Position, line.WrittenCount);
                    await file.WriteAsync(line.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    file.WriteByte((byte)'\n');
                    count++;
                    written?.Invoke(item.Id, entry);
                }
            }

            var spool = new BatchSpool(path, count);
            spool._handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            return spool;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Every item, in the input's order, each with its place.</summary>
    public async IAsyncEnumerable<(BatchItem Item, SpoolEntry Entry)> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        long offset = 0;
        await foreach (ReadOnlyMemory<byte> line in JsonLines.ReadAsync(file, cancellationToken).ConfigureAwait(false))
        {
            // Every line was written here, without carriage returns or blank lines: its place is the sum of the lengths before it.
            var entry = new SpoolEntry(offset, line.Length);
            offset += line.Length + 1;
            yield return (Read(line.Span), entry);
        }
    }

    /// <summary>The item at <paramref name="entry"/>.</summary>
    public async Task<BatchItem> ReadAsync(SpoolEntry entry, CancellationToken cancellationToken)
    {
        SafeFileHandle handle = _handle ?? throw new ObjectDisposedException(nameof(BatchSpool));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(entry.Length);
        try
        {
            int read = 0;
            while (read < entry.Length)
            {
                int n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read, entry.Length - read), entry.Offset + read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new InvalidOperationException($"The spool file {_path} ended before the item at byte {entry.Offset}.");
                }

                read += n;
            }

            return Read(buffer.AsSpan(0, entry.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync()
    {
        _handle?.Dispose();
        _handle = null;
        File.Delete(_path);
        return ValueTask.CompletedTask;
    }

    private static void Write(Utf8JsonWriter json, BatchItem item)
    {
        json.WriteStartObject();
        json.WriteString("id", item.Id);
        if (item.Input.Text is { } text)
        {
            json.WriteString("text", text);
        }
        else
        {
            json.WritePropertyName("messages");
            json.WriteStartArray();
            int index = 0;
            foreach (ChatMessage message in item.Input.Messages!)
            {
                try
                {
                    JsonSerializer.Serialize(json, message, MessageInfo);
                }
                catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException)
                {
                    throw new ArgumentException(
                        $"The input of item '{item.Id}' cannot be written to the run's spool file: its message at index {index} does not serialize with Microsoft.Extensions.AI's JSON options ({e.Message}).",
                        "items",
                        e);
                }

                index++;
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static BatchItem Read(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        reader.Read(); // {
        reader.Read(); // "id"
        reader.Read();
        string id = reader.GetString()!;
        reader.Read(); // "text" or "messages"
        if (reader.ValueTextEquals("text"u8))
        {
            reader.Read();
            return new BatchItem(id, ExtractionInput.Of(reader.GetString()!, "input"));
        }

        reader.Read(); // [
        var messages = new List<ChatMessage>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            messages.Add(JsonSerializer.Deserialize(ref reader, MessageInfo)!);
        }

        return new BatchItem(id, ExtractionInput.Of(messages, "input"));
    }
}
