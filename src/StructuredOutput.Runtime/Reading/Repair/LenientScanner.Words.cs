using System;
using System.Text;

namespace StructuredOutput.Reading.Repair;

/// <summary>Bare words: unquoted keys and values, literals, numbers, calls such as ObjectId("…"), ellipses.</summary>
internal sealed partial class LenientScanner
{
    private void ScanBareKey(out string key)
    {
        int start = _pos;
        int x = start;
        while (true)
        {
            while (x < _end && IsKeyChar(_s[x]))
            {
                x++;
            }

            int y = x;
            while (y < _end && (_s[y] == ' ' || _s[y] == '\t'))
            {
                y++;
            }

            if (y > x && y < _end && IsKeyChar(_s[y]))
            {
                x = y;
                continue;
            }

            break;
        }

        CopyRaw(start, x); // (letters and digits only: no surrogates)
        key = _str.ToString();
        string path = ContainerPath() + Segment(key);
        int q = x;
        if (q < _end && _s[q] == '"' && AfterDelimiter(start))
        {
            int y = q + 1;
            while (y < _end && (_s[y] == ' ' || _s[y] == '\t'))
            {
                y++;
            }

            if (y < _end && _s[y] == ':')
            {
                _pos = q + 1;
                _repairs.Add($"Added the missing opening quote of the property name {path}.");
                return;
            }
        }

        _pos = x;
        _repairs.Add($"Quoted the property name {path}.");
    }

    // A value that does not start with a quote or a bracket: a literal, a number, a call such as ObjectId("…"), or
    // bare text. 'call' is set when a call was opened and its argument comes next.
    private bool ScanBareValue(out bool call)
    {
        call = false;
        int start = _pos;
        int e = start;
        while (e < _end && !EndsWord(_s[e]) && !CommentStartsInWord(e, start))
        {
            e++;
        }

        if (e == start)
        {
            return Fail($"expected a value at {CurrentPath()}, found {Found()}");
        }

        string word = _s.Substring(start, e - start);
        if (e < _end && _s[e] == '(' && IsIdentifier(word))
        {
            _pos = e + 1;
            if (!Open(FrameKind.Call))
            {
                return false;
            }

            Top.CallName = word;
            call = true;
            return true;
        }

        switch (word)
        {
            case "true":
            case "false":
            case "null":
                _out.Append(word);
                _pos = e;
                return true;
        }

        string lower = word.ToLowerInvariant();
        switch (lower)
        {
            case "true":
            case "false":
            case "null":
            case "none":
            case "undefined":
                string literal = lower switch { "none" or "undefined" => "null", _ => lower };
                _out.Append(literal);
                _repairs.Add($"Replaced {word} with {literal} at {CurrentPath()}.");
                _pos = e;
                return true;
            case "nan":
            case "+nan":
            case "-nan":
            case "infinity":
            case "+infinity":
            case "-infinity":
            case "inf":
            case "+inf":
            case "-inf":
                return Fail($"{CurrentPath()} is {word}, which JSON does not allow; write a number or null");
        }

        switch (ClassifyNumber(word, out string? number))
        {
            case NumberForm.Valid:
                _out.Append(word);
                _pos = e;
                return true;
            case NumberForm.Fixed:
                _out.Append(number);
                _repairs.Add($"Wrote the number {word} as {number} at {CurrentPath()}.");
                _pos = e;
                return true;
            case NumberForm.Incomplete:
                return Fail($"the number {word} at {CurrentPath()} is incomplete");
        }

        // Bare text: up to the next delimiter on the same line.
        int x = e;
        while (x < _end)
        {
            char c = _s[x];
            if (c is ',' or '}' or ']' or '"' or '{' or '[' or '\n' or '\r' || (c == ')' && InCallOrTuple))
            {
                break;
            }

            if ((c == '#' && char.IsWhiteSpace(_s[x - 1])) || CommentStartsInWord(x, start))
            {
                break;
            }

            x++;
        }

        int end = x;
        while (end > start && (char.IsWhiteSpace(_s[end - 1]) || IsUnicodeSpace(_s[end - 1])))
        {
            end--;
        }

        if (!CopyRaw(start, end))
        {
            return false;
        }

        if (IsQuoteOpener(_s[end - 1]) || _s[end - 1] == '´')
        {
            // A quote at the end of bare text belongs to a string whose quotes went wrong.
            _pos = end - 1;
            return Fail($"found bare text ending in a quote at {CurrentPath()}: {JsonReadContext.Excerpt(_s.Substring(start, end - start), quote: true)}");
        }

        string text = _str.ToString();
        _out.Append('"').Append(text).Append('"');
        if (x < _end && _s[x] == '"' && end == x && Follows(x, isKey: false))
        {
            _pos = x + 1;
            _repairs.Add($"Added the missing opening quote of the string at {CurrentPath()}.");
            return true;
        }

        _pos = end;
        _repairs.Add($"Quoted the bare text {JsonReadContext.Excerpt(_s.Substring(start, end - start), quote: false)} at {CurrentPath()}.");
        return true;
    }

    private enum NumberForm : byte
    {
        Valid,
        Fixed,
        Incomplete,
        NotANumber,
    }

    // Whether a bare word is a JSON number, a number with a repairable form (.5, 1., +1, 1_000), an incomplete one
    // (1e, -), or not a number at all (1/3, 0789, 1.1.1, a date, a UUID).
    private static NumberForm ClassifyNumber(string word, out string? fixedNumber)
    {
        fixedNumber = null;
        char first = word[0];
        if (!(char.IsAsciiDigit(first) || first is '-' or '+' or '.'))
        {
            return NumberForm.NotANumber;
        }

        var sb = new StringBuilder(word.Length + 2);
        bool changed = false;
        int i = 0;
        if (word[i] == '-')
        {
            sb.Append('-');
            i++;
        }
        else if (word[i] == '+')
        {
            changed = true;
            i++;
        }

        int intStart = i;
        int intDigits = ReadDigits(word, ref i, sb, ref changed);
        if (intDigits > 1 && word[intStart] == '0')
        {
            return NumberForm.NotANumber; // leading zeros: a code such as 0789, not a number
        }

        int fracDigits = -1;
        if (i < word.Length && word[i] == '.')
        {
            i++;
            if (intDigits == 0)
            {
                sb.Append('0');
                changed = true;
            }

            sb.Append('.');
            fracDigits = ReadDigits(word, ref i, sb, ref changed);
            if (fracDigits == 0)
            {
                if (intDigits == 0)
                {
                    return i == word.Length ? NumberForm.Incomplete : NumberForm.NotANumber;
                }

                sb.Append('0');
                changed = true;
            }
        }

        if (intDigits == 0 && fracDigits <= 0)
        {
            return i == word.Length ? NumberForm.Incomplete : NumberForm.NotANumber;
        }

        if (i < word.Length && (word[i] == 'e' || word[i] == 'E'))
        {
            sb.Append('e');
            i++;
            if (i < word.Length && (word[i] == '+' || word[i] == '-'))
            {
                sb.Append(word[i]);
                i++;
            }

            int expDigits = ReadDigits(word, ref i, sb, ref changed);
            if (expDigits == 0)
            {
                return i == word.Length ? NumberForm.Incomplete : NumberForm.NotANumber;
            }
        }

        if (i != word.Length)
        {
            return NumberForm.NotANumber;
        }

        if (!changed)
        {
            return NumberForm.Valid;
        }

        fixedNumber = sb.ToString();
        return NumberForm.Fixed;
    }

    // Digits, allowing '_' between two digits (Python's digit separators).
    private static int ReadDigits(string word, ref int i, StringBuilder sb, ref bool changed)
    {
        int count = 0;
        while (i < word.Length)
        {
            char c = word[i];
            if (char.IsAsciiDigit(c))
            {
                sb.Append(c);
                count++;
                i++;
            }
            else if (c == '_' && count > 0 && i + 1 < word.Length && char.IsAsciiDigit(word[i + 1]))
            {
                changed = true;
                i++;
            }
            else
            {
                break;
            }
        }

        return count;
    }

    // A comment that ends a bare word: "/*" anywhere, "//" unless it is the "://" of a URL, after a space or not.
    private bool CommentStartsInWord(int x, int start)
    {
        if (_s[x] != '/' || x + 1 >= _end)
        {
            return false;
        }

        return _s[x + 1] == '*' || (_s[x + 1] == '/' && (x == start || _s[x - 1] != ':'));
    }

    // Whether the bare token at 'start' follows a delimiter ('{', '[', '(', ',', ':'), not the end of another value.
    private bool AfterDelimiter(int start)
    {
        int k = start - 1;
        while (k >= 0 && (char.IsWhiteSpace(_s[k]) || IsUnicodeSpace(_s[k])))
        {
            k--;
        }

        return k >= 0 && _s[k] is '{' or '[' or '(' or ',' or ':';
    }

    private static bool EndsWord(char c) =>
        char.IsWhiteSpace(c) || c is ',' or '}' or ']' or ')' or '"' or '{' or '[' or '(' or '\u200B' or '\uFEFF';

    private static bool IsIdentifier(string word)
    {
        if (!(char.IsAsciiLetter(word[0]) || word[0] == '_' || word[0] == '$'))
        {
            return false;
        }

        foreach (char c in word)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsKeyChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' or '-' or '.';

    // A value that can follow a property name whose colon is missing: a quoted string, a number, a bracket, a literal.
    private bool StartsValueAfterMissingColon(int p)
    {
        char c = _s[p];
        if (IsQuoteOpener(c) || char.IsAsciiDigit(c) || c is '-' or '{' or '[')
        {
            return true;
        }

        int e = p;
        while (e < _end && char.IsAsciiLetter(_s[e]))
        {
            e++;
        }

        string word = _s.Substring(p, e - p).ToLowerInvariant();
        return word is "true" or "false" or "null" or "none";
    }

    // A quoted string at 'p', on one line, followed by a colon.
    private bool IsQuotedKeyAt(int p)
    {
        char delim = _s[p];
        for (int j = p + 1; j < _end; j++)
        {
            char c = _s[j];
            if (c == '\\')
            {
                j++;
            }
            else if (c == '\n' || c == '\r')
            {
                return false;
            }
            else if (IsCloser(delim, c))
            {
                int k = j + 1;
                while (k < _end && (_s[k] == ' ' || _s[k] == '\t'))
                {
                    k++;
                }

                return k < _end && _s[k] == ':';
            }
        }

        return false;
    }

    // An unquoted property name at 'p', on one line, followed by a colon.
    private bool IsBareKeyAt(int p)
    {
        int x = p;
        while (x < _end && (IsKeyChar(_s[x]) || _s[x] == ' ' || _s[x] == '\t'))
        {
            x++;
        }

        return x > p && IsKeyChar(_s[p]) && x < _end && _s[x] == ':';
    }

    // '...' or '…' standing for omitted elements or members; removed together with a comma after it.
    private bool TrySkipEllipsis(bool inObject)
    {
        if (!IsEllipsisAt(_pos, out int length))
        {
            return false;
        }

        string path = ContainerPath();
        _pos += length;
        SkipTrivia(between: true);
        if (_pos < _end && _s[_pos] == ',')
        {
            _pos++;
        }

        _repairs.Add($"Removed a placeholder '...' for omitted {(inObject ? "members" : "elements")} at {path}.");
        return true;
    }

    private bool IsEllipsisAt(int p, out int length)
    {
        length = 0;
        if (_s[p] == '…')
        {
            length = 1;
        }
        else if (p + 2 < _end && _s[p] == '.' && _s[p + 1] == '.' && _s[p + 2] == '.')
        {
            length = 3;
        }
        else
        {
            return false;
        }

        int j = p + length;
        while (j < _end && (char.IsWhiteSpace(_s[j]) || IsUnicodeSpace(_s[j])))
        {
            j++;
        }

        return j >= _end || _s[j] is ',' or '}' or ']' or ')' || (_s[j] == '/' && j + 1 < _end && _s[j + 1] is '/' or '*');
    }
}
