using System;
using System.Text;

namespace StructuredOutput.Streaming;

/// <summary>
/// A string that is still being written: the decoded text so far, turned into a <see cref="string"/> only when read,
/// and then cached until it grows again, so a long string streamed in many pieces is not copied on every piece. When it
/// belongs to a <see cref="PartialAnswerReader"/>, its bytes are decoded only when it is read: <see cref="Limit"/> is how
/// far they have arrived, <see cref="Position"/> how far they were decoded.
/// </summary>
internal sealed class PartialText
{
    private StringBuilder? _text; // made when the first piece is decoded: a text nobody reads costs none
    private PartialAnswerReader? _source;
    private string? _cached;

    public PartialText()
    {
    }

    public PartialText(PartialAnswerReader source, int start)
    {
        _source = source;
        Position = start;
        Limit = start;
    }

    /// <summary>Where the bytes not yet decoded begin in the reader's buffer.</summary>
    /// <summary>Starts over as the text of another string of <paramref name="source"/> (a text whose string completed is reused).</summary>
    public PartialText Reset(PartialAnswerReader source, int start)
    {
        _source = source;
        Position = start;
        Limit = start;
        _text?.Clear();
        _cached = null;
        return this;
    }

    public int Position { get; set; }

    /// <summary>Where the bytes that have arrived end (exclusive), short of a character not yet complete.</summary>
    public int Limit { get; set; }

    public int Length => _text?.Length ?? 0;

    public void Append(string piece) => Append(piece.AsSpan());

    public void Append(ReadOnlySpan<char> piece)
    {
        if (piece.Length > 0)
        {
            (_text ??= new StringBuilder(piece.Length)).Append(piece);
            _cached = null;
        }
    }

    public void Append(char c)
    {
        (_text ??= new StringBuilder()).Append(c);
        _cached = null;
    }

    public override string ToString()
    {
        if (_source is not null && Position < Limit)
        {
            _source.Decode(this);
        }

        return _cached ??= _text?.ToString() ?? string.Empty;
    }

    /// <summary>The text of a slot that holds a string or a <see cref="PartialText"/>; null otherwise.</summary>
    public static string? Materialize(object? slot) => slot switch
    {
        string s => s,
        PartialText t => t.ToString(),
        _ => null,
    };
}
