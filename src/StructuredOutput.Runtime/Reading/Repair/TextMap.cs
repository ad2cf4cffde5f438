using System;
using System.Collections.Generic;
using System.Globalization;

namespace StructuredOutput.Reading.Repair;

/// <summary>
/// Line starts of a text, found once, so that "line L, column C" costs a binary search rather than a scan from the
/// start (a repair message per choice point would otherwise make a long answer quadratic).
/// </summary>
internal sealed class TextMap
{
    private readonly string _text;
    private List<int>? _lineStarts;

    public TextMap(string text) => _text = text;

    /// <summary>"line L, column C" of the character at <paramref name="index"/>.</summary>
    public string Where(int index)
    {
        if (_lineStarts is null)
        {
            _lineStarts = new List<int> { 0 };
            for (int i = _text.IndexOf('\n'); i >= 0; i = i + 1 < _text.Length ? _text.IndexOf('\n', i + 1) : -1)
            {
                _lineStarts.Add(i + 1);
            }
        }

        int line = _lineStarts.BinarySearch(index);
        if (line < 0)
        {
            line = ~line - 1;
        }

        line = Math.Max(line, 0);
        return $"line {(line + 1).ToString(CultureInfo.InvariantCulture)}, column {(index - _lineStarts[line] + 1).ToString(CultureInfo.InvariantCulture)}";
    }
}
