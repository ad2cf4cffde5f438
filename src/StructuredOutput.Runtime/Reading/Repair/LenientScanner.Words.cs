using System;

namespace StructuredOutput.Reading.Repair;

/// <summary>Bare words: unquoted keys and values, literals, numbers, calls such as ObjectId("…"), ellipses.</summary>
internal sealed partial class LenientScanner
{
    private void ScanBareKey()
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

        int keyStart = _out.Length;
        CopyRaw(start, x); // (letters and digits only: no surrogates)
        if (x < _end && _s[x] == '"' && AfterDelimiter(start))
        {
            int y = x + 1;
            while (y < _end && (_s[y] == ' ' || _s[y] == '\t'))
            {
                y++;
            }

            if (y < _end && _s[y] == ':')
            {
                _pos = x + 1;
                _repairs.Add($"Added the missing opening quote of the property name {KeyPath(keyStart)}.");
                return;
            }
        }

        _pos = x;
        _repairs.Add($"Quoted the property name {KeyPath(keyStart)}.");
    }

    // The path of the property whose name the output holds from 'keyStart' to its end.
    private string KeyPath(int keyStart) => ContainerPath() + Segment(_out.ToString(keyStart, _out.Length - keyStart));

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

        ReadOnlySpan<char> word = _s.AsSpan(start, e - start);
        if (e < _end && _s[e] == '(' && IsIdentifier(word))
        {
            _pos = e + 1;
            if (!Open(FrameKind.Call))
            {
                return false;
            }

            Top.CallName = word.ToString();
            call = true;
            return true;
        }

        if (TryLiteral(word))
        {
            _pos = e;
            return true;
        }

        if (IsNonFinite(word))
        {
            return Fail($"{CurrentPath()} is {word}, which JSON does not allow; write a number or null");
        }

        int mark = _out.Length;
        switch (WriteNumber(word))
        {
            case NumberForm.Valid:
                _out.Length = mark;
                _out.Append(word);
                _pos = e;
                return true;
            case NumberForm.Fixed:
                _repairs.Add($"Wrote the number {word} as {_out.AsSpan(mark, _out.Length - mark)} at {CurrentPath()}.");
                _pos = e;
                return true;
            case NumberForm.Incomplete:
                _out.Length = mark;
                return Fail($"the number {word} at {CurrentPath()} is incomplete");
            default:
                _out.Length = mark;
                return ScanBareText(start, e);
        }
    }

    // true, false, null as they are; other spellings (True, FALSE, None, undefined) replaced.
    private bool TryLiteral(ReadOnlySpan<char> word)
    {
        if (word is "true" or "false" or "null")
        {
            _out.Append(word);
            return true;
        }

        string? literal =
            word.Equals("true", StringComparison.OrdinalIgnoreCase) ? "true"
            : word.Equals("false", StringComparison.OrdinalIgnoreCase) ? "false"
            : word.Equals("null", StringComparison.OrdinalIgnoreCase) || word.Equals("none", StringComparison.OrdinalIgnoreCase)
                || word.Equals("undefined", StringComparison.OrdinalIgnoreCase) ? "null"
            : null;
        if (literal is null)
        {
            return false;
        }

        _out.Append(literal);
        _repairs.Add($"Replaced {word} with {literal} at {CurrentPath()}.");
        return true;
    }

    // NaN, Infinity, inf, with or without a sign, in any case.
    private static bool IsNonFinite(ReadOnlySpan<char> word)
    {
        if (word.Length > 1 && word[0] is '+' or '-')
        {
            word = word.Slice(1);
        }

        return word.Equals("nan", StringComparison.OrdinalIgnoreCase) || word.Equals("infinity", StringComparison.OrdinalIgnoreCase)
            || word.Equals("inf", StringComparison.OrdinalIgnoreCase);
    }

    // Bare text from 'start' (its first word ending at 'e'): up to the next delimiter. Inside an object it also runs on
    // where nothing else could follow: past a comma or a line break that no property name follows, across a {group}
    // glued to a word that has no colon or quote in it (it cannot be an object), and across a "quoted phrase".
    private bool ScanBareText(int start, int e)
    {
        bool member = Top.Kind == FrameKind.Object;
        int firstGoOn = -1; // the first comma or line break that the text ran past
        int x = e;
        while (x < _end)
        {
            char c = _s[x];
            int after = -1;
            if (member)
            {
                after = c switch
                {
                    ',' => TextGoesOnAfterComma(x),
                    '\n' or '\r' => TextGoesOnNextLine(x),
                    '{' => AfterBraceGroup(x),
                    '"' => AfterQuotedPhrase(x),
                    _ => -1,
                };
            }

            if (after > x)
            {
                if (firstGoOn < 0 && c is ',' or '\n' or '\r')
                {
                    firstGoOn = x;
                }

                x = after;
                continue;
            }

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

        if (firstGoOn >= 0 && x < _end && _s[x] == '"' && !(!char.IsWhiteSpace(_s[x - 1]) && Follows(x, isKey: false)))
        {
            // The text runs into a quote that opens the next property: where it ends would be a guess (the words
            // before that property may be stray), so it ends where it would without running on.
            x = firstGoOn;
        }

        int end = x;
        while (end > start && IsSpace(_s[end - 1]))
        {
            end--;
        }

        if (IsQuoteOpener(_s[end - 1]) || _s[end - 1] == '´')
        {
            // A quote at the end of bare text belongs to a string whose quotes went wrong.
            _pos = end - 1;
            return Fail($"found bare text ending in a quote at {CurrentPath()}: {JsonReadContext.Excerpt(_s.Substring(start, end - start), quote: true)}");
        }

        _out.Append('"');
        if (!CopyRaw(start, end))
        {
            return false;
        }

        _out.Append('"');
        if (x < _end && _s[x] == '"' && end == x && Follows(x, isKey: false))
        {
            _pos = x + 1;
            _repairs.Add($"Added the missing opening quote of the string at {CurrentPath()}.");
            return true;
        }

        _pos = end;
        _repairs.Add($"Quoted the bare text {JsonReadContext.Excerpt(_s.Substring(start, end - start), quote: _s.AsSpan(start, end - start).ContainsAny('\n', '\r'))} at {CurrentPath()}.");
        return true;
    }

    // After a comma in bare text: where the text goes on when a word on the same line follows that starts no property.
    private int TextGoesOnAfterComma(int comma)
    {
        int p = SkipSpacesOnLine(comma + 1);
        return p < _end && char.IsLetter(_s[p]) && !IsBareKeyAt(p) ? p : -1;
    }

    // At a line break in bare text: where the text goes on when the next line (after blank ones) starts with a word
    // that starts no property.
    private int TextGoesOnNextLine(int lineBreak)
    {
        int p = SkipSpaces(lineBreak);
        return p < _end && char.IsLetter(_s[p]) && !IsBareKeyAt(p) ? p : -1;
    }

    // After a {group} glued to a word of bare text, closed on the same line, with no colon, quote or bracket inside.
    private int AfterBraceGroup(int brace)
    {
        if (char.IsWhiteSpace(_s[brace - 1]))
        {
            return -1;
        }

        for (int p = brace + 1; p < _end; p++)
        {
            switch (_s[p])
            {
                case '}':
                    return p + 1;
                case ':' or '"' or '\'' or '{' or '[' or ']' or '\n' or '\r':
                    return -1;
            }
        }

        return -1;
    }

    // After a "quoted phrase" inside bare text: an opening quote after a space and before a word, its closing quote on
    // the same line after a word, and no colon after it (which would make it a property name).
    private int AfterQuotedPhrase(int quote)
    {
        if (!char.IsWhiteSpace(_s[quote - 1]) || !OpeningLike(quote))
        {
            return -1;
        }

        for (int p = quote + 1; p < _end; p++)
        {
            char c = _s[p];
            if (c is '\n' or '\r' or '\\')
            {
                return -1;
            }

            if (c == '"')
            {
                int next = SkipSpacesOnLine(p + 1);
                return ClosingLike(p) && (next >= _end || _s[next] != ':') ? p + 1 : -1;
            }
        }

        return -1;
    }

    private enum NumberForm : byte
    {
        Valid,
        Fixed,
        Incomplete,
        NotANumber,
    }

    // Whether a bare word is a JSON number, a number with a repairable form (.5, 1., +1, 1_000), an incomplete one
    // (1e, -), or not a number at all (1/3, 0789, 1.1.1, a date, a UUID). Writes the number in JSON form to the output
    // as it goes; the caller keeps that only for a repaired number.
    private NumberForm WriteNumber(ReadOnlySpan<char> word)
    {
        char first = word[0];
        if (!(char.IsAsciiDigit(first) || first is '-' or '+' or '.'))
        {
            return NumberForm.NotANumber;
        }

        bool changed = false;
        int i = 0;
        if (word[i] == '-')
        {
            _out.Append('-');
            i++;
        }
        else if (word[i] == '+')
        {
            changed = true;
            i++;
        }

        int intStart = i;
        int intDigits = ReadDigits(word, ref i, ref changed);
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
                _out.Append('0');
                changed = true;
            }

            _out.Append('.');
            fracDigits = ReadDigits(word, ref i, ref changed);
            if (fracDigits == 0)
            {
                if (intDigits == 0)
                {
                    return i == word.Length ? NumberForm.Incomplete : NumberForm.NotANumber;
                }

                _out.Append('0');
                changed = true;
            }
        }

        if (intDigits == 0 && fracDigits <= 0)
        {
            return i == word.Length ? NumberForm.Incomplete : NumberForm.NotANumber;
        }

        if (i < word.Length && (word[i] == 'e' || word[i] == 'E'))
        {
            _out.Append('e');
            i++;
            if (i < word.Length && (word[i] == '+' || word[i] == '-'))
            {
                _out.Append(word[i]);
                i++;
            }

            int expDigits = ReadDigits(word, ref i, ref changed);
            if (expDigits == 0)
            {
                return i == word.Length ? NumberForm.Incomplete : NumberForm.NotANumber;
            }
        }

        if (i != word.Length)
        {
            return NumberForm.NotANumber;
        }

        return changed ? NumberForm.Fixed : NumberForm.Valid;
    }

    // Digits, allowing '_' between two digits (Python's digit separators).
    private int ReadDigits(ReadOnlySpan<char> word, ref int i, ref bool changed)
    {
        int count = 0;
        while (i < word.Length)
        {
            char c = word[i];
            if (char.IsAsciiDigit(c))
            {
                _out.Append(c);
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
        while (k >= 0 && IsSpace(_s[k]))
        {
            k--;
        }

        return k >= 0 && _s[k] is '{' or '[' or '(' or ',' or ':';
    }

    private static bool EndsWord(char c) =>
        char.IsWhiteSpace(c) || c is ',' or '}' or ']' or ')' or '"' or '{' or '[' or '(' or '\u200B' or '\uFEFF';

    private static bool IsIdentifier(ReadOnlySpan<char> word)
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

        ReadOnlySpan<char> word = _s.AsSpan(p, e - p);
        return word.Equals("true", StringComparison.OrdinalIgnoreCase) || word.Equals("false", StringComparison.OrdinalIgnoreCase)
            || word.Equals("null", StringComparison.OrdinalIgnoreCase) || word.Equals("none", StringComparison.OrdinalIgnoreCase);
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

        _pos += length;
        SkipTrivia(between: true);
        if (_pos < _end && _s[_pos] == ',')
        {
            _pos++;
        }

        _repairs.Add($"Removed a placeholder '...' for omitted {(inObject ? "members" : "elements")} at {ContainerPath()}.");
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

        int j = SkipSpaces(p + length);
        return j >= _end || _s[j] is ',' or '}' or ']' or ')' || (_s[j] == '/' && j + 1 < _end && _s[j + 1] is '/' or '*');
    }
}
