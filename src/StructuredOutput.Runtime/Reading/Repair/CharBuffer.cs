using System;
using System.Buffers;

namespace StructuredOutput.Reading.Repair;

/// <summary>
/// The strict JSON that one reading writes: a growable run of characters in an array rented from
/// <see cref="ArrayPool{T}.Shared"/>, so that a long answer costs no per-reading garbage. String contents and property
/// names are written into it directly and referred to by position; nothing is copied out unless a message needs it.
/// </summary>
internal sealed class CharBuffer : IDisposable
{
    private char[] _chars;
    private int _length;

    public CharBuffer(int capacity) => _chars = ArrayPool<char>.Shared.Rent(Math.Max(capacity, 16));

    /// <summary>How many characters have been written; setting it lower drops the end.</summary>
    public int Length
    {
        get => _length;
        set => _length = value;
    }

    public char this[int index] => _chars[index];

    public void Append(char c)
    {
        if (_length == _chars.Length)
        {
            Grow(1);
        }

        _chars[_length++] = c;
    }

    public void Append(char a, char b)
    {
        if (_length + 2 > _chars.Length)
        {
            Grow(2);
        }

        _chars[_length] = a;
        _chars[_length + 1] = b;
        _length += 2;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _chars.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_chars.AsSpan(_length));
        _length += text.Length;
    }

    /// <summary>Removes <paramref name="count"/> characters at <paramref name="index"/>.</summary>
    public void Remove(int index, int count)
    {
        Array.Copy(_chars, index + count, _chars, index, _length - index - count);
        _length -= count;
    }

    public ReadOnlySpan<char> AsSpan() => _chars.AsSpan(0, _length);

    public ReadOnlySpan<char> AsSpan(int start, int length) => _chars.AsSpan(start, length);

    /// <summary>The written text as a segment of the rented array (valid until <see cref="Dispose"/>).</summary>
    public ArraySegment<char> Segment => new(_chars, 0, _length);

    public string ToString(int start, int length) => new(_chars, start, length);

    public override string ToString() => new(_chars, 0, _length);

    public void Dispose()
    {
        char[] chars = _chars;
        _chars = Array.Empty<char>();
        _length = 0;
        if (chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private void Grow(int needed)
    {
        char[] larger = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, _length + needed));
        _chars.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<char>.Shared.Return(_chars);
        _chars = larger;
    }
}
