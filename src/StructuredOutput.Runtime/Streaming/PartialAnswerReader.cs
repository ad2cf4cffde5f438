using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using StructuredOutput.Reading;

namespace StructuredOutput.Streaming;

/// <summary>
/// Reads a model's answer while it streams and fills in the partial view of its root object: the incremental reader
/// behind streamed extraction. Knows text and values only.
/// </summary>
/// <remarks>
/// <para>
/// The chunks are encoded to UTF-8 as they come (a surrogate pair split across chunks is joined), what precedes the
/// answer's first <c>{</c> (prose, a markdown fence) is dropped, and the rest goes through one
/// <see cref="Utf8JsonReader"/> with <c>isFinalBlock: false</c>, its state carried from chunk to chunk, over one growing
/// buffer. Each byte is read by the JSON reader about once: a chunk that leaves a string open (found by counting its
/// quotes) is read up to that string's quote, and while the string stays open only a scan for its closing quote runs; the text so far of a string member or item is decoded when the view is read, from where
/// the last read stopped; a complete value is read once more by its member's reader, over its own bytes.
/// </para>
/// <para>
/// Complete values are judged as <c>Parse</c> judges them: each by its member's or item's reader, with its JSON path,
/// required members when their object closes, a repeated member as an error (the view keeps the first). The reader
/// is strict: once the text is not strict JSON (a repair would be needed, a character that is not valid UTF-16, a
/// nesting deeper than <see cref="ParseOptions.MaxDepth"/>, an answer longer than <see cref="ParseOptions.MaxAnswerLength"/>),
/// <see cref="IsStrict"/> turns false, the view stops growing and nothing more is judged: <c>Parse</c> decides on the
/// whole text at the end. After the root object closes, the rest of the text is not read.
/// </para>
/// <para>
/// An invalid list item stops its list: the items before it stay complete, the invalid item stays as the list's last,
/// incomplete item when it was being shown (a view, a text), no later item is shown, and neither the list nor its
/// member ever completes. An invalid member of an object keeps that object (and whatever holds it) from completing.
/// So a complete member or item is the value the final <c>Parse</c> gives whenever the answer stays strict JSON; once
/// it does not, a repair at the end may read earlier text differently (a stray bracket dropped, a quote taken into a
/// string), and the attempt's result, not its view, is what counts.
/// </para>
/// </remarks>
internal sealed class PartialAnswerReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly PartialShape _shape;
    private readonly int _maxDepth;
    private readonly JsonReaderOptions _sliceOptions;
    private readonly int _maxLength;
    private char _highSurrogate; // the first half of a pair whose second half is in the next chunk
    private bool _asciiOnly = true; // whether every chunk was ASCII: then the buffer has one byte per character
    private readonly JsonReadContext _context = new();
    private readonly List<Frame> _frames = new();
    private readonly Stack<Frame> _freeFrames = new();
    private byte[] _buffer = new byte[256];
    private bool _pooled;
    private int _length;
    private int _consumed;
    private int _quiet;
    private long _chars;
    private JsonReaderState _state;
    private bool _started;
    private bool _done;
    private bool _strict = true;

    // Whether the answer so far is one Parse reads exactly as this reader did: every member present (or left out with
    // its default, or as a nullable null that both note), none unknown, nothing shown differently from its value. With
    // no error and no repair of another kind, the value is built from the view.
    private bool _exact = true;
    private long _charsFed;
    private int _nullsNoted; // the repairs noted for nullable members left out, Parse's own notes for them
    private int _rootEnd = -1;

    // A string the JSON reader stopped in: where it opens, and where the scan for its closing quote goes on.
    private int _openString = -1;
    private int _stringScan;

    // The text of a string member or item still being written: where its decoding goes on.
    private PartialText? _text;

    // A text whose string completed: the view holds the string now, so the next open string takes it.
    private PartialText? _spareText;
    private int _lastEscape = -1;

    // The root list member whose closed items are reported, and those items not yet taken.
    private int _watched = -1;
    private readonly List<(int Index, object? Value)> _closedItems = new();

    // Texts of strings that closed invalid: they stay in the view, not decoded yet, until the buffer is released.
    private List<PartialText>? _keptTexts;

    /// <summary>Creates a reader for answers of the type whose shape is <paramref name="shape"/>.</summary>
    public PartialAnswerReader(PartialShape shape, ParseOptions? options)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _shape = shape;
        options ??= ParseOptions.Default;
        _maxDepth = options.MaxDepth;
        _maxLength = options.MaxAnswerLength;
        _sliceOptions = new JsonReaderOptions { MaxDepth = _maxDepth };
        _state = new JsonReaderState(_sliceOptions);
    }

    /// <summary>The root object's view; null until the answer's first <c>{</c>.</summary>
    public PartialObject? Root { get; private set; }

    /// <summary>The errors of the members and items completed so far, with their JSON paths.</summary>
    public IReadOnlyList<ExtractionError> Errors => _context.Errors;

    /// <summary>How many errors were found so far.</summary>
    public int ErrorCount => _context.ErrorCount;

    /// <summary>
    /// Whether the text is still strict JSON as far as it has come. Once false, the view stops growing and nothing more
    /// is judged; <c>Parse</c> decides at the end.
    /// </summary>
    public bool IsStrict => _strict;

    /// <summary>Whether the root object has closed.</summary>
    public bool IsRootClosed => _done;

    /// <summary>
    /// How many bytes were scanned: by the JSON reader over the buffer, by the scan of open strings, and by the readers
    /// of complete values. Linear in the answer's length whatever the chunking.
    /// </summary>
    public long BytesScanned { get; private set; }

    /// <summary>How many UTF-8 bytes of the answer (from its first <c>{</c>) were received.</summary>
    public int BytesReceived => _length;

    /// <summary>
    /// Reports the items of the root list member at <paramref name="memberIndex"/> as they close, each read whole with the
    /// element's reader (<see cref="TakeClosedItems"/>). Call it before the first <see cref="Append"/>.
    /// </summary>
    public void WatchItems(int memberIndex)
    {
        if (memberIndex < 0 || memberIndex >= _shape.Members.Count || _shape.Members[memberIndex].Kind != PartialKind.List)
        {
            throw new ArgumentOutOfRangeException(nameof(memberIndex), memberIndex, "The watched member must be a list member of the root shape.");
        }

        _watched = memberIndex;
    }

    /// <summary>Moves the items of the watched list that closed since the last call into <paramref name="into"/>, in order.</summary>
    /// <returns>How many were moved.</returns>
    public int TakeClosedItems(List<(int Index, object? Value)> into)
    {
        int count = _closedItems.Count;
        into.AddRange(_closedItems);
        _closedItems.Clear();
        return count;
    }

    /// <summary>How many characters were given to <see cref="Append"/>, read or not.</summary>
    public long CharsFed => _charsFed;

    /// <summary>
    /// The result <c>Parse</c> gives on <paramref name="answer"/>, built from the complete view instead of reading the
    /// answer again, when this reader read all of it exactly as <c>Parse</c> does: <paramref name="answer"/> is the text
    /// given to <see cref="Append"/>, strict JSON whose root object (the one <c>Parse</c> locates) closed with every
    /// member present or left out as <c>Parse</c> takes it (its default; a nullable one as null, with Parse's note) and
    /// none unknown, no error and no other repair, and the type's shape has a builder. Otherwise (or when the builder
    /// meets anything else) false, and the answer is to be parsed.
    /// </summary>
    /// <typeparam name="T">The extraction type.</typeparam>
    /// <param name="answer">The whole answer.</param>
    /// <param name="result">The value, with the repairs of locating it (a fence, prose around it).</param>
    /// <returns>Whether the result was built.</returns>
    public bool TryBuild<T>(string answer, out ParseResult<T> result)
    {
        result = null!;
        if (!_strict || !_done || !_exact || _context.ErrorCount > 0 || _context.Repairs.Count != _nullsNoted || _shape.Build is not { } build
            || Root is not { IsComplete: true } root || answer.Length != _charsFed || answer.Length > _maxLength)
        {
            return false;
        }

        // The object Parse reads must be the one read here. With nothing but white space around it, Parse takes it as it
        // stands (this reader has checked its syntax and depth as Parse's reader does); otherwise it is located in the
        // whole answer as Parse locates it, with the repairs that notes (a fence, prose around it).
        int start = answer.IndexOf('{');
        int end = start + (_asciiOnly ? _rootEnd : Encoding.UTF8.GetCharCount(_buffer, 0, _rootEnd));
        IReadOnlyList<string> repairs = _nullsNoted == 0 ? Array.Empty<string>() : [.. _context.Repairs];
        if (!IsWhiteSpace(answer.AsSpan(0, start)) || answer[0] == '\uFEFF' || !IsWhiteSpace(answer.AsSpan(end)))
        {
            var located = new JsonReadContext();
            if (!JsonTextLocator.TryLocate(answer, _maxDepth, located, out int locatedStart, out int length) || locatedStart != start || length != end - start)
            {
                return false;
            }

            repairs = located.Repairs.Count == 0 ? repairs : [.. located.Repairs, .. repairs]; // Parse locates, then reads
        }

        try
        {
            var built = new JsonReadContext();
            if (!build(root, built, out object? value) || built.ErrorCount > 0 || built.Repairs.Count > 0 || value is not T typed)
            {
                return false;
            }

            result = ParseResult<T>.Success(typed, repairs);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // a view the builder cannot take (see PartialValues): Parse decides
        }
    }

    /// <summary>
    /// Ends the reading: the text still to be decoded from the buffer (an open string's, an invalid string's kept in the
    /// view) is decoded, and the buffer goes back to the pool. The view stays readable; nothing more is appended.
    /// </summary>
    public void Release()
    {
        if (_text is { } open && open.Position < open.Limit)
        {
            Decode(open);
        }

        if (_keptTexts is not null)
        {
            foreach (PartialText kept in _keptTexts)
            {
                if (kept.Position < kept.Limit)
                {
                    Decode(kept);
                }
            }
        }

        _text = null;
        _keptTexts = null;
        _strict = false; // nothing more is read
        if (_pooled)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _pooled = false;
        }

        _buffer = Array.Empty<byte>();
        _length = 0;
    }

    private static bool IsWhiteSpace(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the next piece of the answer's text.</summary>
    /// <returns>Whether the view changed.</returns>
    public bool Append(ReadOnlySpan<char> chunk)
    {
        _charsFed += chunk.Length;
        if (!_strict || _done || chunk.IsEmpty)
        {
            return false;
        }

        _chars += chunk.Length;
        if (_chars > _maxLength)
        {
            _strict = false;
            return false;
        }

        int start = _length;
        EnsureCapacity(_length + ((chunk.Length + 1) * 3));
        if (_highSurrogate != '\0' && !JoinPair(ref chunk))
        {
            return false;
        }

        if (AsciiText.TryNarrow(chunk, _buffer.AsSpan(_length)))
        {
            _length += chunk.Length; // the common case: one byte per character
        }
        else if (!Encode(chunk))
        {
            return false;
        }

        if (!_started && !Start())
        {
            return false;
        }

        try
        {
            return Advance(start); // (0 when the answer started in this chunk: nothing was kept before it)
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // Not strict JSON (or a string the reader cannot decode): the repairs and Parse decide at the end.
            _strict = false;
            return true;
        }
    }

    // Encodes a chunk that is not all ASCII; false when it holds an unpaired surrogate (the reading stops).
    private bool Encode(ReadOnlySpan<char> chunk)
    {
        _asciiOnly = false;
        OperationStatus status = Utf8.FromUtf16(chunk, _buffer.AsSpan(_length), out int read, out int written, replaceInvalidSequences: false, isFinalBlock: false);
        _length += written;
        if (status == OperationStatus.NeedMoreData)
        {
            _highSurrogate = chunk[read]; // the first half of a pair whose second half is in the next chunk
            return true;
        }

        if (status != OperationStatus.Done)
        {
            _strict = false; // an unpaired surrogate: Parse reports it
            return false;
        }

        return true;
    }

    // Joins the first half of a pair, kept from the last chunk, with the first character of this one.
    private bool JoinPair(ref ReadOnlySpan<char> chunk)
    {
        Span<char> pair = stackalloc char[2] { _highSurrogate, chunk[0] };
        _highSurrogate = '\0';
        if (Utf8.FromUtf16(pair, _buffer.AsSpan(_length), out _, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            _strict = false; // an unpaired surrogate: Parse reports it
            return false;
        }

        _length += written;
        chunk = chunk.Slice(1);
        return true;
    }

    // Drops what precedes the answer's first '{' (prose, a fence); false while it has not come.
    private bool Start()
    {
        int brace = _buffer.AsSpan(0, _length).IndexOf((byte)'{');
        BytesScanned += _length;
        if (brace < 0)
        {
            _length = 0;
            return false;
        }

        _buffer.AsSpan(brace, _length - brace).CopyTo(_buffer);
        _length -= brace;
        _started = true;
        return true;
    }

    private bool Advance(int received)
    {
        bool changed = false;
        int plain = received; // from here on, the new text is outside any string
        int opening = -2; // the opening quote of a string the text ends in (-1: none), when already found
        if (_openString >= 0)
        {
            int close;
            int scan = _stringScan;
            if (_length - scan <= LongChunk && JsonQuotes.TryCount(_buffer.AsSpan(scan, _length - scan), out int quotes, out int first, out int last))
            {
                // No backslash: the first quote closes the open string, and an odd count of the others leaves one open.
                if (quotes == 0)
                {
                    BytesScanned += _length - scan;
                    _stringScan = _length;
                    return DecodeText(_length);
                }

                close = scan + first;
                BytesScanned += first;
                _stringScan = close;
                opening = (quotes & 1) == 0 ? OpensString(scan + last) : -1;
            }
            else
            {
                close = ScanString();
                if (close < 0)
                {
                    return DecodeText(_stringScan) | changed; // (up to an invalid escape, which also ends the reading)
                }
            }

            // The JSON reader reads the string now complete (it stopped at or before its quote), and completes it there
            // when the view shows it.
            _openString = -1;
            plain = close + 1;
        }
        else
        {
            // Only whitespace, commas and colons since the last token: nothing can complete, so the JSON reader waits.
            int i = Math.Max(_quiet, _consumed);
            int from = i;
            while (i < _length && _buffer[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)',' or (byte)':')
            {
                i++;
            }

            BytesScanned += i - from;
            _quiet = i;
            if (i == _length)
            {
                return false;
            }
        }

        // When the text ends in a string that opened in this chunk, the JSON reader reads up to its opening quote only:
        // it stops there cleanly, instead of trying the unfinished string and giving it back, and the string is shown
        // from its quote on with no second search for it.
        if (opening == -2)
        {
            opening = OpeningOfUnfinishedString(plain);
        }

        int end = opening < 0 ? _length : opening;
        int origin = _consumed;
        var reader = new Utf8JsonReader(_buffer.AsSpan(origin, end - origin), isFinalBlock: false, _state);
        BytesScanned += end - origin;
        changed |= ReadTokens(ref reader, origin);

        _consumed = origin + (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        if (_done)
        {
            return changed;
        }

        if (opening < 0)
        {
            return changed | OnStall();
        }

        _openString = opening;
        _stringScan = _length;
        _lastEscape = -1;
        BytesScanned += _length - opening - 1;
        changed |= BeginText(opening + 1);
        return changed | DecodeText(_length);
    }

    // Beyond this many new bytes, the quotes are not counted: the JSON reader's try at an unfinished string is then a
    // small part of reading the chunk.
    private const int LongChunk = 1024;

    // The opening quote of a string that [from, _length) leaves unfinished, when that text (which starts outside any
    // string) holds no backslash and its last quote follows a colon, a comma or an opening bracket; otherwise -1, and
    // the JSON reader and OnStall find where the text stops.
    private int OpeningOfUnfinishedString(int from)
    {
        ReadOnlySpan<byte> text = _buffer.AsSpan(from, _length - from);
        if (text.Length > LongChunk || !JsonQuotes.TryCount(text, out int quotes, out _, out int last) || (quotes & 1) == 0)
        {
            return -1;
        }

        return OpensString(from + last);
    }

    // 'quote' is the text's last quote and leaves a string open: it is that string's opening quote when it follows a
    // colon, a comma or an opening bracket (then returned), otherwise -1.
    private int OpensString(int quote)
    {
        int before = quote - 1;
        while (before >= _consumed && _buffer[before] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            before--;
        }

        return before >= _consumed && _buffer[before] is (byte)':' or (byte)',' or (byte)'[' or (byte)'{' ? quote : -1;
    }

    // The JSON reader stopped before the end of the buffer: inside a token, or at whitespace. When the next token is a
    // string, remember it so that the reader waits for its closing quote; when it is a string member's value or a
    // string item, show its text so far.
    private bool OnStall()
    {
        int at = _consumed;
        ReadOnlySpan<byte> rest = _buffer.AsSpan(at, _length - at);
        int i = SkipWhitespace(rest, 0);
        if (i == rest.Length)
        {
            // Only whitespace between two tokens: nothing for the JSON reader to read again with the next chunk.
            _consumed = _length;
            return false;
        }

        if (rest[i] is (byte)',' or (byte)':')
        {
            i = SkipWhitespace(rest, i + 1);
        }

        if (i >= rest.Length || rest[i] != (byte)'"')
        {
            return false;
        }

        _openString = at + i;
        _stringScan = at + i + 1;
        _lastEscape = -1;
        bool changed = BeginText(at + i + 1);
        int close = ScanString();
        if (close >= 0)
        {
            // Complete (a property name waiting for its colon): the reader reads it with the next chunk.
            changed |= DecodeText(close);
            _openString = -1;
            return changed;
        }

        return DecodeText(_stringScan) | changed;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> span, int i)
    {
        while (i < span.Length && span[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i++;
        }

        return i;
    }

    // Scans the open string for its closing quote from where the last scan stopped; returns its offset, or -1.
    private int ScanString()
    {
        int i = _stringScan;
        int end = _length;
        int from = i;
        while (i < end)
        {
            int next = _buffer.AsSpan(i, end - i).IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0)
            {
                i = end;
                break;
            }

            i += next;
            if (_buffer[i] == (byte)'"')
            {
                BytesScanned += i - from;
                _stringScan = i;
                return i;
            }

            _lastEscape = i;
            if (i + 1 >= end)
            {
                break; // a backslash whose escaped character has not arrived
            }

            byte escaped = _buffer[i + 1];
            if (escaped == (byte)'u')
            {
                if (i + 6 > end)
                {
                    break; // its four hex digits have not all arrived
                }

                if (Hex4(i + 2) < 0)
                {
                    _strict = false; // not an escape of JSON: the repairs decide at the end
                    break;
                }

                i += 6;
                continue;
            }

            if (escaped is not ((byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t'))
            {
                _strict = false;
                break;
            }

            i += 2;
        }

        BytesScanned += i - from;
        _stringScan = i;
        return -1;
    }

    // Starts showing the open string when it is the value of a string member or a string item.
    private bool BeginText(int contentStart)
    {
        if (_frames.Count == 0)
        {
            return false;
        }

        Frame frame = _frames[^1];
        if (frame.Kind == FrameKind.Object && frame.Pending == Pending.Member && frame.Shape!.MemberArray[frame.Member].Kind == PartialKind.Text)
        {
            if (frame.View!.GetSlot(frame.Member) is PartialText existing)
            {
                _text = existing; // already begun (the stall moved within the same string)
                return false;
            }

            _text = NewText(contentStart);
            frame.View.SetSlot(frame.Member, _text);
            return true;
        }

        if (frame.Kind == FrameKind.List && !frame.Stopped && frame.Element!.Kind == PartialKind.Text && !frame.ItemShown)
        {
            _text = NewText(contentStart);
            frame.List!.Add(_text);
            frame.ItemShown = true;
            return true;
        }

        return false;
    }

    private PartialText NewText(int contentStart)
    {
        PartialText? spare = _spareText;
        _spareText = null;
        return spare?.Reset(this, contentStart) ?? new PartialText(this, contentStart);
    }

    // Decodes the open string's text up to 'limit' (exclusive), never splitting an escape or a UTF-8 sequence.
    // Extends the open string's text to 'limit' (exclusive), short of an escape or a UTF-8 sequence that has not fully
    // arrived. The text is decoded only when the view is read (PartialText.ToString), so a stream nobody looks at does
    // not pay for it. Returns whether the text grew.
    private bool DecodeText(int limit)
    {
        if (_text is null)
        {
            return false;
        }

        int safe = limit;
        if (_lastEscape >= _text.Position && _lastEscape < safe && !TryDecodeEscape(_lastEscape, safe, out _, out _, out _))
        {
            safe = _lastEscape;
        }

        if (!_asciiOnly)
        {
            safe = CompleteSequencesEnd(Math.Max(_text.Limit, safe - 4), safe);
        }

        if (safe <= _text.Limit)
        {
            return false;
        }

        _text.Limit = safe;
        return true;
    }

    /// <summary>Decodes the text of <paramref name="text"/> that has arrived but was not read yet.</summary>
    internal void Decode(PartialText text)
    {
        int limit = text.Limit;
        int i = text.Position;
        while (i < limit)
        {
            byte b = _buffer[i];
            if (b == (byte)'\\')
            {
                if (!TryDecodeEscape(i, limit, out int length, out char first, out char second))
                {
                    break;
                }

                text.Append(first);
                if (second != '\0')
                {
                    text.Append(second);
                }

                i += length;
                continue;
            }

            int run = _buffer.AsSpan(i, limit - i).IndexOf((byte)'\\');
            int end = run < 0 ? limit : i + run;
            if (end == limit)
            {
                end = CompleteSequencesEnd(i, end);
            }

            if (end > i)
            {
                AppendUtf8(text, _buffer.AsSpan(i, end - i));
            }

            BytesScanned += end - i;
            if (end < limit && _buffer[end] != (byte)'\\')
            {
                i = end;
                break; // an unfinished UTF-8 sequence at the end
            }

            i = end;
        }

        text.Position = i;
    }

    private static void AppendUtf8(PartialText text, ReadOnlySpan<byte> utf8)
    {
        const int StackLimit = 256;
        char[]? rented = utf8.Length > StackLimit ? ArrayPool<char>.Shared.Rent(utf8.Length) : null;
        Span<char> chars = rented ?? stackalloc char[StackLimit];
        try
        {
            int count = StrictUtf8.GetChars(utf8, chars);
            text.Append(chars.Slice(0, count));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // The end of the last complete UTF-8 sequence in [start, end).
    private int CompleteSequencesEnd(int start, int end)
    {
        int lead = end - 1;
        int back = 0;
        while (lead >= start && back < 3 && (_buffer[lead] & 0xC0) == 0x80)
        {
            lead--;
            back++;
        }

        if (lead < start)
        {
            return end;
        }

        byte b = _buffer[lead];
        int needed = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
        return end - lead >= needed ? end : lead;
    }

    private bool TryDecodeEscape(int at, int limit, out int length, out char first, out char second)
    {
        length = 0;
        first = second = '\0';
        if (at + 1 >= limit)
        {
            return false;
        }

        byte e = _buffer[at + 1];
        if (e != (byte)'u')
        {
            length = 2;
            first = e switch
            {
                (byte)'n' => '\n',
                (byte)'t' => '\t',
                (byte)'r' => '\r',
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                _ => (char)e, // \" \\ \/ (anything else is not strict JSON and the reader rejects it)
            };
            return true;
        }

        if (at + 6 > limit)
        {
            return false;
        }

        int unit = Hex4(at + 2);
        if (unit < 0)
        {
            length = 6;
            first = '\uFFFD';
            return true;
        }

        if (unit is >= 0xD800 and <= 0xDBFF)
        {
            if (at + 12 > limit)
            {
                // The low half may follow: wait for it unless what follows is plainly no escape.
                if (at + 6 < limit && _buffer[at + 6] != (byte)'\\')
                {
                    length = 6;
                    first = (char)unit;
                    return true;
                }

                return false;
            }

            int low = _buffer[at + 6] == (byte)'\\' && _buffer[at + 7] == (byte)'u' ? Hex4(at + 8) : -1;
            if (low is >= 0xDC00 and <= 0xDFFF)
            {
                length = 12;
                first = (char)unit;
                second = (char)low;
                return true;
            }
        }

        length = 6;
        first = (char)unit;
        return true;
    }

    private int Hex4(int at)
    {
        int value = 0;
        for (int i = at; i < at + 4; i++)
        {
            int b = _buffer[i];
            int digit = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
            if (digit < 0)
            {
                return -1;
            }

            value = (value * 16) + digit;
        }

        return value;
    }

    // The tokens of one run of the JSON reader. Kept out of Advance, which runs once per chunk: inlined there, the
    // handling of every kind of token made each chunk pay for a large stack frame and its setting up.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ReadTokens(ref Utf8JsonReader reader, int origin)
    {
        bool changed = false;
        while (!_done && reader.Read())
        {
            changed |= OnToken(ref reader, origin);
        }

        return changed;
    }

    private bool OnToken(ref Utf8JsonReader reader, int origin)
    {
        int tokenStart = origin + (int)reader.TokenStartIndex;
        int tokenEnd = origin + (int)reader.BytesConsumed;
        JsonTokenType token = reader.TokenType;
        if (_frames.Count == 0)
        {
            // The root: the buffer begins at its '{'.
            PartialObject root = CreateRootView();
            Root = root;
            _frames.Add(Rent().AsObject(root, root.Shape, tokenStart, _context.ErrorCount, reader.CurrentDepth));
            return true;
        }

        Frame frame = _frames[^1];
        switch (frame.Kind)
        {
            case FrameKind.Whole:
                if ((token is JsonTokenType.EndObject or JsonTokenType.EndArray) && reader.CurrentDepth == frame.Depth)
                {
                    PopFrame();
                    if (frame.EntriesFailed)
                    {
                        // Its entries' errors are reported already: the whole value is not read again, nor shown.
                        _context.Exit();
                        return true;
                    }

                    return frame.Whole is { } whole && OnValueRead(whole.Frame, whole.Index, frame.Start, tokenEnd, ref reader, primitive: false);
                }

                return frame.Entries is not null && OnEntryToken(ref reader, frame, token, tokenStart, tokenEnd);
            case FrameKind.Object:
                return OnObjectToken(ref reader, frame, token, tokenStart, tokenEnd);
            default:
                return OnListToken(ref reader, frame, token, tokenStart, tokenEnd);
        }
    }

    // A token inside a dictionary or a set read whole: each entry's value is read as it closes, as the whole value's
    // reader reads it (a dictionary's key given twice is an error there, its value not read), so that an invalid entry
    // is reported at once. Returns whether an error was found.
    private bool OnEntryToken(ref Utf8JsonReader reader, Frame frame, JsonTokenType token, int tokenStart, int tokenEnd)
    {
        int depth = reader.CurrentDepth;
        if (frame.EntryStart >= 0)
        {
            if ((token is JsonTokenType.EndObject or JsonTokenType.EndArray) && depth == frame.Depth + 1)
            {
                int start = frame.EntryStart;
                frame.EntryStart = -1;
                return ReadEntry(frame, start, tokenEnd, ref reader, primitive: false);
            }

            return false;
        }

        if (depth != frame.Depth + 1)
        {
            return false;
        }

        if (token == JsonTokenType.PropertyName)
        {
            frame.EntryKey = reader.GetString();
            return false;
        }

        if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            frame.EntryStart = tokenStart;
            return false;
        }

        return ReadEntry(frame, tokenStart, tokenEnd, ref reader, primitive: true);
    }

    private bool ReadEntry(Frame frame, int start, int end, ref Utf8JsonReader token, bool primitive)
    {
        int errorsBefore = _context.ErrorCount;
        string? key = frame.EntryKey;
        frame.EntryKey = null;
        if (key is not null)
        {
            _context.EnterProperty(key);
            if (frame.Keys?.Contains(key) == true)
            {
                _context.AddError(ExtractionErrorKind.DuplicateProperty, "appears more than once; give each key once");
            }
            else if (ReadValue(frame.Entries!, start, end, ref token, primitive, out _))
            {
                (frame.Keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
            }
        }
        else
        {
            _context.EnterIndex(frame.EntryIndex++);
            ReadValue(frame.Entries!, start, end, ref token, primitive, out _);
        }

        _context.Exit();
        bool failed = _context.ErrorCount != errorsBefore;
        frame.EntriesFailed |= failed;
        return failed;
    }

    private PartialObject CreateRootView()
    {
        if (_shape.CreateView is { } create)
        {
            return create();
        }

        return new ShapeView(_shape);
    }

    private bool OnObjectToken(ref Utf8JsonReader reader, Frame frame, JsonTokenType token, int tokenStart, int tokenEnd)
    {
        if (token == JsonTokenType.PropertyName)
        {
            int index = MatchMember(ref reader, frame.Shape!, frame.Member + 1);
            if (index < 0)
            {
                frame.Pending = Pending.Unknown;
                _exact = false; // Parse notes it as a repair
            }
            else if (frame.Seen![index])
            {
                frame.Pending = Pending.Duplicate;
                frame.Member = index;
            }
            else
            {
                frame.Seen[index] = true;
                frame.Pending = Pending.Member;
                frame.Member = index;
                _context.EnterProperty(frame.Shape!.MemberArray[index].JsonName);
            }

            return false;
        }

        if (token == JsonTokenType.EndObject)
        {
            return CloseObject(frame, tokenEnd);
        }

        bool container = token is JsonTokenType.StartObject or JsonTokenType.StartArray;
        Pending pending = frame.Pending;
        frame.Pending = Pending.None;
        switch (pending)
        {
            case Pending.Unknown:
                if (container)
                {
                    _frames.Add(Rent().AsWhole(null, tokenStart, reader.CurrentDepth));
                }

                return false;
            case Pending.Duplicate:
                _context.EnterProperty(frame.Shape!.MemberArray[frame.Member].JsonName);
                _context.AddError(ExtractionErrorKind.DuplicateProperty, $"expected once per object, found again with {JsonReadContext.Describe(ref reader)}");
                _context.Exit();
                if (container)
                {
                    _frames.Add(Rent().AsWhole(null, tokenStart, reader.CurrentDepth));
                }

                return true;
        }

        if (!container)
        {
            return OnValueRead(frame, frame.Member, tokenStart, tokenEnd, ref reader, primitive: true);
        }

        PartialMember member = frame.Shape!.MemberArray[frame.Member];
        var target = new Target(frame, frame.Member);
        if (token == JsonTokenType.StartObject && member.Kind == PartialKind.Object)
        {
            PartialObject view = member.CreateObject!();
            frame.View!.SetSlot(frame.Member, view);
            _frames.Add(Rent().AsObject(view, view.Shape, tokenStart, _context.ErrorCount, reader.CurrentDepth, target));
            return true;
        }

        if (token == JsonTokenType.StartArray && member.Kind == PartialKind.List)
        {
            IPartialList list = (IPartialList)member.Element!.CreateList();
            frame.View!.SetSlot(frame.Member, list);
            _frames.Add(Rent().AsList(list, member.Element, tokenStart, _context.ErrorCount, reader.CurrentDepth, target));
            return true;
        }

        Frame whole = Rent().AsWhole(target, tokenStart, reader.CurrentDepth);
        if (member.Entries is { } entries && member.EntriesKeyed == (token == JsonTokenType.StartObject))
        {
            whole.Entries = entries;
        }

        _frames.Add(whole);
        return false;
    }

    private bool OnListToken(ref Utf8JsonReader reader, Frame frame, JsonTokenType token, int tokenStart, int tokenEnd)
    {
        if (token == JsonTokenType.EndArray)
        {
            return CloseList(frame, tokenEnd);
        }

        bool container = token is JsonTokenType.StartObject or JsonTokenType.StartArray;
        if (frame.Stopped)
        {
            if (container)
            {
                _frames.Add(Rent().AsWhole(null, tokenStart, reader.CurrentDepth));
            }

            return false;
        }

        _context.EnterIndex(frame.Index);
        if (!container)
        {
            return OnValueRead(frame, frame.Index, tokenStart, tokenEnd, ref reader, primitive: true);
        }

        var target = new Target(frame, frame.Index);
        PartialElement element = frame.Element!;
        if (token == JsonTokenType.StartObject && element.Kind == PartialKind.Object)
        {
            PartialObject view = element.CreateObject!();
            frame.List!.Add(view);
            frame.ItemShown = true;
            _frames.Add(Rent().AsObject(view, view.Shape, tokenStart, _context.ErrorCount, reader.CurrentDepth, target));
            return true;
        }

        _frames.Add(Rent().AsWhole(target, tokenStart, reader.CurrentDepth));
        return false;
    }

    // A whole value of a member or an item is in [start, end): read it with its reader and complete the target.
    private bool OnValueRead(Frame frame, int index, int start, int end, ref Utf8JsonReader token, bool primitive)
    {
        PartialText? closing = _text;
        _text = null;
        if (frame.Kind == FrameKind.Object)
        {
            PartialMember member = frame.Shape!.MemberArray[index];
            object? value;
            if (member.IsPlainString && token.TokenType == JsonTokenType.String
                ? ReadPlainString(start, end, ref token, out value)
                : ReadValue(member.Read, start, end, ref token, primitive, out value))
            {
                object? shown = Shown(member.Kind, member.Element, value);
                _exact &= shown is not null || value is null;
                frame.View!.Complete(index, shown);
                _spareText = closing ?? _spareText;
            }
            else if (closing is not null)
            {
                Keep(closing, end);
            }

            _context.Exit();
            return true;
        }

        PartialElement element = frame.Element!;
        object? item;
        if (element.IsPlainString && token.TokenType == JsonTokenType.String
            ? ReadPlainString(start, end, ref token, out item)
            : ReadValue(element.Read, start, end, ref token, primitive, out item))
        {
            if (frame.ItemShown)
            {
                frame.List!.CompleteLast(item);
            }
            else
            {
                frame.List!.AddComplete(item);
            }

            _spareText = closing ?? _spareText;

            ItemClosed(frame, item);
        }
        else
        {
            frame.Stopped = true;
            if (closing is not null)
            {
                Keep(closing, end);
            }
        }

        frame.ItemShown = false;
        frame.Index++;
        _context.Exit();
        return true;
    }

    // Keeps the text of a string that closed invalid in the view, whole (its token ends at 'end', after the quote).
    private void Keep(PartialText text, int end)
    {
        text.Limit = Math.Max(text.Limit, end - 1);
        (_keptTexts ??= new()).Add(text);
    }

    // What the view shows for a complete value read whole: views and lists only as views and lists.
    private static object? Shown(PartialKind kind, PartialElement? element, object? value) =>
        kind is PartialKind.Text or PartialKind.Value ? value : ShownAsView(kind, element, value);

    private static object? ShownAsView(PartialKind kind, PartialElement? element, object? value)
    {
        if (kind == PartialKind.Object)
        {
            return value as PartialObject;
        }

        if (kind == PartialKind.List)
        {
            if (value is null || element is null || element.Kind == PartialKind.Object || value is not System.Collections.IEnumerable items)
            {
                return null;
            }

            // A single value taken as a list of one (a coercion Parse also makes).
            var list = (IPartialList)element.CreateList();
            foreach (object? item in items)
            {
                list.AddComplete(item);
            }

            list.Close();
            return list;
        }

        return value;
    }

    private bool CloseObject(Frame frame, int end)
    {
        PartialShape shape = frame.Shape!;
        for (int i = 0; i < shape.MemberArray.Length; i++)
        {
            PartialMember member = shape.MemberArray[i];
            if (!frame.Seen![i] && member.IsRequired)
            {
                _context.ReportMissing(member.JsonName, member.Expected);
            }
            else if (!frame.Seen[i] && member.HasDefault)
            {
                frame.View!.Complete(i, member.DefaultValue); // its declared default, as Parse takes it, with no note
            }
            else if (!frame.Seen[i])
            {
                // A nullable member left out without a default: Parse takes null and notes it, and so does this reader.
                _context.ReportMissingAsNull(member.JsonName);
                _nullsNoted++;
                var absent = new Utf8JsonReader("null"u8);
                absent.Read();
                _context.EnterProperty(member.JsonName);
                if (member.Read(ref absent, _context, out object? value))
                {
                    frame.View!.Complete(i, value);
                }

                _context.Exit();
            }
        }

        PopFrame();
        PartialObject view = frame.View!;
        if (frame.Parent is not { } target)
        {
            _done = true;
            _rootEnd = end;
            if (_context.ErrorCount == frame.ErrorsBefore)
            {
                view.Close();
            }

            return true;
        }

        Frame parent = target.Frame;
        bool valid = _context.ErrorCount == frame.ErrorsBefore;
        if (parent.Kind == FrameKind.Object)
        {
            PartialMember member = parent.Shape!.MemberArray[target.Index];
            if (valid && member.ReadWhenClosed)
            {
                valid = ReadSlice(member.Read, frame.Start, end, out _);
            }

            if (valid)
            {
                view.Close();
                parent.View!.Complete(target.Index, view);
            }

            _context.Exit();
            return true;
        }

        if (valid && IsWatched(parent))
        {
            valid = ReadSlice(parent.Element!.Read, frame.Start, end, out object? item);
            if (valid)
            {
                ItemClosed(parent, item);
            }
        }

        if (valid)
        {
            view.Close();
            parent.List!.CompleteLast(view);
        }
        else
        {
            parent.Stopped = true;
        }

        parent.ItemShown = false;
        parent.Index++;
        _context.Exit();
        return true;
    }

    private bool CloseList(Frame frame, int end)
    {
        PopFrame();
        Target target = frame.Parent!.Value;
        Frame parent = target.Frame;
        bool valid = !frame.Stopped && _context.ErrorCount == frame.ErrorsBefore;
        PartialMember? member = parent.Kind == FrameKind.Object ? parent.Shape!.MemberArray[target.Index] : null;
        if (valid && member is { ReadWhenClosed: true })
        {
            valid = ReadSlice(member.Read, frame.Start, end, out _);
        }

        if (valid)
        {
            frame.List!.Close();
            parent.View!.Complete(target.Index, frame.List);
        }

        _context.Exit();
        return true;
    }

    // Frames are reused: one popped is taken again by the next push, after its closing has been handled.
    private Frame Rent() => _freeFrames.Count > 0 ? _freeFrames.Pop() : new Frame();

    private void PopFrame()
    {
        Frame top = _frames[^1];
        _frames.RemoveAt(_frames.Count - 1);
        _freeFrames.Push(top);
    }

    private bool IsWatched(Frame list) =>
        _watched >= 0 && list.Parent is { } target && target.Frame.Parent is null && target.Frame.Kind == FrameKind.Object && target.Index == _watched && _frames.Count >= 1 && ReferenceEquals(target.Frame, _frames[0]);

    private void ItemClosed(Frame list, object? item)
    {
        if (IsWatched(list))
        {
            _closedItems.Add((list.Index, item));
        }
    }

    // A complete scalar is read where the JSON reader stands, which saves a reader per value: value readers look at a
    // scalar token without moving the reader (they move it only into objects and arrays). One that skips the value
    // after an error (which a reader of partial JSON refuses before moving) reads it again alone. Should a reader move
    // anyway, the JSON reader's place is lost: the reading stops there and Parse decides at the end.
    private bool ReadValue(PartialValueReader read, int start, int end, ref Utf8JsonReader token, bool primitive, out object? value)
    {
        if (!primitive)
        {
            return ReadSlice(read, start, end, out value);
        }

        BytesScanned += end - start;
        _context.ForgetNullable(); // token offsets are those of this run of the reader, so they repeat from run to run
        JsonReadContext.Mark mark = _context.Save();
        long consumed = token.BytesConsumed;
        bool ok;
        try
        {
            ok = read(ref token, _context, out value);
        }
        catch (InvalidOperationException) when (token.BytesConsumed == consumed)
        {
            _context.Restore(mark);
            return ReadSlice(read, start, end, out value);
        }

        if (token.BytesConsumed != consumed)
        {
            throw new InvalidOperationException("A value reader moved the JSON reader off a scalar value.");
        }

        return ok && _context.ErrorCount == mark.ErrorCount;
    }

    // A JSON string of a plain string member or item (no checks of its own): read as its reader reads one, by
    // JsonReaders.ReadString, without the call through the reader (the same value, the same error for a lone surrogate).
    private bool ReadPlainString(int start, int end, ref Utf8JsonReader token, out object? value)
    {
        BytesScanned += end - start;
        int errorsBefore = _context.ErrorCount;
        bool ok = JsonReaders.ReadString(ref token, _context, out string text) && _context.ErrorCount == errorsBefore;
        value = ok ? text : null;
        return ok;
    }

    private bool ReadSlice(PartialValueReader read, int start, int end, out object? value)
    {
        BytesScanned += end - start;
        _context.ForgetNullable(); // every slice starts at offset 0
        var reader = new Utf8JsonReader(_buffer.AsSpan(start, end - start), _sliceOptions);
        reader.Read();
        int before = _context.ErrorCount;
        bool ok = read(ref reader, _context, out value);
        return ok && _context.ErrorCount == before;
    }

    private static int MatchMember(ref Utf8JsonReader reader, PartialShape shape, int expected)
    {
        if (!reader.ValueIsEscaped)
        {
            return shape.IndexOfJsonName(reader.ValueSpan, expected);
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            int written = reader.CopyString(rented);
            return shape.IndexOfJsonName(rented.AsSpan(0, written), expected);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // Grows the buffer by doubling; the outgrown buffers go back to the pool (the last one is left to the collector,
    // since nothing marks the end of the reader's use).
    private void EnsureCapacity(int needed)
    {
        if (needed > _buffer.Length)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _length).CopyTo(grown);
            if (_pooled)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = grown;
            _pooled = true;
        }
    }

    private enum FrameKind
    {
        Object,
        List,
        Whole,
    }

    private enum Pending
    {
        None,
        Member,
        Unknown,
        Duplicate,
    }

    /// <summary>Where a value goes: member <see cref="Index"/> of an object frame, or item <see cref="Index"/> of a list frame.</summary>
    private readonly record struct Target(Frame Frame, int Index);

    private sealed class Frame
    {
        public FrameKind Kind;
        public int Start;
        public int Depth;
        public int ErrorsBefore;
        public Target? Parent;

        // Objects.
        public PartialObject? View;
        public PartialShape? Shape;
        public bool[]? Seen;
        public int Member = -1;
        public Pending Pending;

        // Lists.
        public IPartialList? List;
        public PartialElement? Element;
        public int Index;
        public bool Stopped;
        public bool ItemShown;

        // Whole values: where the value goes once read (null when it is skipped).
        public Target? Whole;

        // A dictionary's or a set's entries, read each as it closes: the key of the next, where a container entry
        // starts, the next item's index, the keys read, and whether one was invalid.
        public PartialValueReader? Entries;
        public string? EntryKey;
        public int EntryStart = -1;
        public int EntryIndex;
        public HashSet<string>? Keys;
        public bool EntriesFailed;

        public Frame AsObject(PartialObject view, PartialShape shape, int start, int errorsBefore, int depth, Target? parent = null)
        {
            Reset(FrameKind.Object, start, depth, errorsBefore, parent);
            View = view;
            Shape = shape;
            int count = shape.Members.Count;
            if (Seen is null || Seen.Length < count)
            {
                Seen = new bool[Math.Max(count, 8)];
            }
            else
            {
                Array.Clear(Seen);
            }

            return this;
        }

        public Frame AsList(IPartialList list, PartialElement element, int start, int errorsBefore, int depth, Target parent)
        {
            Reset(FrameKind.List, start, depth, errorsBefore, parent);
            List = list;
            Element = element;
            return this;
        }

        public Frame AsWhole(Target? target, int start, int depth)
        {
            Reset(FrameKind.Whole, start, depth, 0, null);
            Whole = target;
            return this;
        }

        private void Reset(FrameKind kind, int start, int depth, int errorsBefore, Target? parent)
        {
            Kind = kind;
            Start = start;
            Depth = depth;
            ErrorsBefore = errorsBefore;
            Parent = parent;
            View = null;
            Shape = null;
            Member = -1;
            Pending = Pending.None;
            List = null;
            Element = null;
            Index = 0;
            Stopped = false;
            ItemShown = false;
            Whole = null;
            Entries = null;
            EntryKey = null;
            EntryStart = -1;
            EntryIndex = 0;
            Keys = null;
            EntriesFailed = false;
        }
    }

    /// <summary>The view of a shape whose contract gives no way to create its own view type.</summary>
    private sealed class ShapeView : PartialObject
    {
        public ShapeView(PartialShape shape)
            : base(shape)
        {
        }
    }
}
