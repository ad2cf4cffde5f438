using System;
using System.Globalization;

namespace StructuredOutput.Reading.Repair;

/// <summary>Whitespace (including the special Unicode spaces) and comments between tokens.</summary>
internal sealed partial class LenientScanner
{
    // Skips whitespace and comments, noting whether a line break was crossed. False when a block comment is unclosed.
    // 'between' says whether the scan is between members (after a value) or inside one (after a name or colon).
    private bool SkipTrivia(bool between)
    {
        _newline = false;
        int oddSpaces = 0;
        char oddSpace = '\0';
        while (_pos < _end)
        {
            char c = _s[_pos];
            if (c == ' ' || c == '\t')
            {
                _pos++;
            }
            else if (c == '\n' || c == '\r')
            {
                _newline = true;
                _pos++;
            }
            else if (IsUnicodeSpace(c))
            {
                oddSpaces++;
                oddSpace = oddSpace == '\0' ? c : oddSpace;
                _pos++;
            }
            else if (c == '#' || (c == '/' && _pos + 1 < _end && _s[_pos + 1] == '/'))
            {
                int stop = _s.IndexOf('\n', _pos, _end - _pos);
                _pos = stop < 0 ? _end : stop;
                _repairs.Add($"Removed a comment {Place(between)}.");
            }
            else if (c == '/' && _pos + 1 < _end && _s[_pos + 1] == '*')
            {
                int stop = _pos + 2 < _end ? _s.IndexOf("*/", _pos + 2, _end - _pos - 2, StringComparison.Ordinal) : -1;
                if (stop < 0)
                {
                    _pos = _end;
                    Failure = new ScanFailure(
                        ExtractionErrorKind.Truncated, "$", "the answer ends before the JSON is complete (inside a comment)", _pos, _sawColon);
                    return false;
                }

                _pos = stop + 2;
                _repairs.Add($"Removed a comment {Place(between)}.");
            }
            else
            {
                break;
            }
        }

        if (oddSpaces > 0)
        {
            string code = "U+" + ((int)oddSpace).ToString("X4", CultureInfo.InvariantCulture);
            _repairs.Add(oddSpaces == 1
                ? $"Read the special space {code} {Place(between)} as a space."
                : $"Read {oddSpaces.ToString(CultureInfo.InvariantCulture)} special spaces (such as {code}) {Place(between)} as spaces.");
        }

        return true;
    }

    internal static bool IsUnicodeSpace(char c) =>
        c is '\u00A0' or '\u1680' or '\u180E' or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' or '\uFEFF'
        || (c >= '\u2000' && c <= '\u200B');


    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || IsUnicodeSpace(c);

    // Past whitespace (line breaks included) and special spaces, without comments.
    private int SkipSpaces(int p)
    {
        while (p < _end && IsSpace(_s[p]))
        {
            p++;
        }

        return p;
    }

    // Past spaces, tabs and special spaces, but not past the end of the line.
    private int SkipSpacesOnLine(int p)
    {
        while (p < _end && (_s[p] == ' ' || _s[p] == '\t' || IsUnicodeSpace(_s[p])))
        {
            p++;
        }

        return p;
    }

    // The next character that is not whitespace or inside a comment, without recording anything.
    private int NextSignificant(int p)
    {
        while (p < _end)
        {
            char c = _s[p];
            if (IsSpace(c))
            {
                p++;
            }
            else if (c == '#' || (c == '/' && p + 1 < _end && _s[p + 1] == '/'))
            {
                int stop = _s.IndexOf('\n', p, _end - p);
                p = stop < 0 ? _end : stop;
            }
            else if (c == '/' && p + 1 < _end && _s[p + 1] == '*')
            {
                int stop = p + 2 < _end ? _s.IndexOf("*/", p + 2, _end - p - 2, StringComparison.Ordinal) : -1;
                p = stop < 0 ? _end : stop + 2;
            }
            else
            {
                break;
            }
        }

        return p;
    }
}
