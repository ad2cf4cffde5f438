using System;
using System.Collections.Generic;
using System.Globalization;

namespace StructuredOutput.Reading.Repair;

/// <summary>Strings: every quote style, unescaped quotes and their readings, missing quotes, escapes.</summary>
internal sealed partial class LenientScanner
{
    private enum Ending : byte
    {
        /// <summary>At its closing quote.</summary>
        Quote,

        /// <summary>Its closing quote is missing before a comma that the next property follows.</summary>
        BeforeComma,

        /// <summary>A property name whose closing quote is missing before its colon.</summary>
        BeforeColon,
    }

    // A string value, with Python triple quotes and "a" + "b" concatenation, written to the output with its quotes.
    private bool ScanStringValue()
    {
        _out.Append('"');
        if (_s[_pos] == '"' && _pos + 2 < _end && _s[_pos + 1] == '"' && _s[_pos + 2] == '"')
        {
            if (!ScanTripleQuoted())
            {
                return false;
            }
        }
        else if (!ScanString(isKey: false))
        {
            return false;
        }

        int joined = 0;
        for (int p = ConcatenatedAt(_pos); p >= 0; p = ConcatenatedAt(_pos))
        {
            _pos = p;
            if (!ScanString(isKey: false))
            {
                return false;
            }

            joined++;
        }

        if (joined > 0)
        {
            _repairs.Add($"Joined {joined + 1} concatenated strings at {CurrentPath()}.");
        }

        _out.Append('"');
        return true;
    }

    // After a string: the quote of the next string in "a" + "b", or -1.
    private int ConcatenatedAt(int p)
    {
        p = SkipSpaces(p);
        if (p >= _end || _s[p] != '+')
        {
            return -1;
        }

        p = SkipSpaces(p + 1);
        return p < _end && IsQuoteOpener(_s[p]) ? p : -1;
    }

    private bool ScanTripleQuoted()
    {
        int open = _pos;
        int close = _s.IndexOf("\"\"\"", open + 3, _end - open - 3, StringComparison.Ordinal);
        if (close < 0)
        {
            _pos = _end;
            return Truncated(inString: true);
        }

        if (!CopyRaw(open + 3, close))
        {
            return false;
        }

        _pos = close + 3;
        _repairs.Add($"Read the triple-quoted string at {CurrentPath()} as a JSON string.");
        return true;
    }

    /// <summary>What one quoted string has met so far.</summary>
    private struct StringState
    {
        public int Open;
        public char Delim;
        public bool IsKey;
        public int ContentStart;   // where its content starts in the output
        public int DecidedEnd;     // the later quote chosen as its end, or -1
        public int DecidedSplit;   // the later comma chosen as the place of its missing closing quote, or -1
        public int Inner;          // unescaped quotes kept as content
        public bool RawControl;
        public int NewlineLength;  // the content's length before the last raw line break, when that break ends it
        public int NewlineEnd;     // the index just after that line break
        public int ColonAt;        // the first colon inside a property name, or -1
        public int ColonLength;    // the content's length there
        public List<string>? EscapeNotes;

        public StringState(int open, char delim, bool isKey, int contentStart)
        {
            this = default;
            Open = open;
            Delim = delim;
            IsKey = isKey;
            ContentStart = contentStart;
            DecidedEnd = DecidedSplit = NewlineLength = NewlineEnd = ColonAt = -1;
        }
    }

    // A quoted string (any of the quote styles): writes its content, JSON-escaped and without quotes, to the output.
    private bool ScanString(bool isKey)
    {
        var st = new StringState(_pos, _s[_pos], isKey, _out.Length);
        _commas.Clear();
        int i = st.Open + 1;
        while (true)
        {
            if (i >= _end)
            {
                return EndsInsideString(ref st);
            }

            if (i == st.DecidedSplit)
            {
                return FinishString(ref st, i, Ending.BeforeComma);
            }

            char c = _s[i];
            if (c == ',' && !isKey)
            {
                _commas.Add((i, _out.Length - st.ContentStart));
            }
            else if (c == ':' && isKey && st.ColonAt < 0)
            {
                (st.ColonAt, st.ColonLength) = (i, _out.Length - st.ContentStart);
            }

            if (c == '\\')
            {
                if (!CopyEscape(ref st, ref i))
                {
                    return false;
                }

                continue;
            }

            if (IsCloser(st.Delim, c))
            {
                switch (RoleOfQuote(ref st, i, out Ending ending, out int at))
                {
                    case QuoteRole.Ends:
                        return FinishString(ref st, at, ending);
                    default:
                        AppendEscaped(c);
                        st.Inner++;
                        i++;
                        continue;
                }
            }

            if (c < ' ')
            {
                st.RawControl = true;
                if (c == '\n' || c == '\r')
                {
                    if (st.NewlineEnd != i)
                    {
                        st.NewlineLength = _out.Length - st.ContentStart;
                    }

                    st.NewlineEnd = i + 1;
                }

                AppendEscaped(c);
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < _end && char.IsLowSurrogate(_s[i + 1]))
                {
                    _out.Append(c, _s[i + 1]);
                    i += 2;
                    continue;
                }

                _pos = i;
                return LoneSurrogate(isKey);
            }

            AppendEscaped(c);
            i++;
        }
    }

    // A backslash inside a string: a valid escape is copied, an invalid one repaired. False at a bad \u escape.
    private bool CopyEscape(ref StringState st, ref int i)
    {
        if (i + 1 >= _end)
        {
            i++;
            return true;
        }

        char n = _s[i + 1];
        switch (n)
        {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                _out.Append('\\', n);
                i += 2;
                return true;
            case 'u':
                if (i + 6 <= _end && IsHex(_s[i + 2]) && IsHex(_s[i + 3]) && IsHex(_s[i + 4]) && IsHex(_s[i + 5]))
                {
                    _out.Append(_s.AsSpan(i, 6));
                    i += 6;
                    return true;
                }

                if (i + 6 > _end)
                {
                    _pos = _end;
                    return Truncated(inString: true);
                }

                _pos = i;
                return Fail(ExtractionErrorKind.InvalidString, $"the string at {CurrentPath(st.IsKey)} holds an invalid \\u escape", st.IsKey);
            case '\'':
            case '‘':
            case '’':
            case '“':
            case '”':
            case '„':
            case '`':
            case '´':
                _out.Append(n);
                (st.EscapeNotes ??= new List<string>()).Add($"Replaced the invalid escape \\{n} with {n}");
                i += 2;
                return true;
            default:
                _out.Append('\\', '\\');
                if (n >= ' ')
                {
                    (st.EscapeNotes ??= new List<string>()).Add($"Kept the backslash of the invalid escape \\{n} as a character");
                }

                i++;
                return true;
        }
    }

    private enum QuoteRole : byte
    {
        Content,
        Ends,
    }

    // A closing-style quote inside a string: does the string end here, or (a choice point) later?
    private QuoteRole RoleOfQuote(ref StringState st, int i, out Ending ending, out int at)
    {
        ending = Ending.Quote;
        at = i;
        if (st.DecidedEnd >= 0 || st.DecidedSplit >= 0)
        {
            return i == st.DecidedEnd ? QuoteRole.Ends : QuoteRole.Content;
        }

        if (Follows(i, st.IsKey))
        {
            return QuoteRole.Ends;
        }

        if (st.Delim == '"' && IsInchMark(i))
        {
            return QuoteRole.Content; // 5'3": a measure in feet and inches
        }

        // The readings: the string ends here (only if a repair can go on from here), at a later quote (or before a
        // later comma that the next property follows), or (its closing quote missing) before an earlier such comma.
        int here = CloseHerePlausible(i, st.IsKey) ? 1 : 0;
        List<int>? candidates = st.Delim == '"' && i == st.Open + 1 ? null : FindCandidates(st.Open, i, st.Delim, st.IsKey);
        int candidateCount = candidates?.Count ?? 0;
        int split = st.IsKey ? -1 : FindSplit();
        int count = here + candidateCount + (split >= 0 ? 1 : 0);
        if (count == 0 && st.IsKey && KeyColonPlausible(ref st))
        {
            ending = Ending.BeforeColon;
            at = st.ColonAt;
            return QuoteRole.Ends;
        }

        int choice = count > 1 ? Choose(count, i, st.IsKey) : 0;
        if (count == 0 || (here == 1 && choice == 0))
        {
            return QuoteRole.Ends; // (when nothing can work, the plain reading fails and says why)
        }

        if (choice - here < candidateCount)
        {
            int candidate = candidates![choice - here];
            if (_s[candidate] == ',')
            {
                st.DecidedSplit = candidate;
            }
            else
            {
                st.DecidedEnd = candidate;
            }

            return QuoteRole.Content;
        }

        // The closing quote is missing before a comma of the content that the next property follows.
        _out.Length = st.ContentStart + _commas[split].Length;
        ending = Ending.BeforeComma;
        at = _commas[split].Source;
        return QuoteRole.Ends;
    }

    // The answer ends inside a string: its closing quote may be missing before a comma, a colon or the final brackets.
    private bool EndsInsideString(ref StringState st)
    {
        if (!st.IsKey && st.DecidedEnd < 0 && st.DecidedSplit < 0)
        {
            int split = FindSplit();
            if (split >= 0)
            {
                _out.Length = st.ContentStart + _commas[split].Length;
                return FinishString(ref st, _commas[split].Source, Ending.BeforeComma);
            }

            _out.Length = st.ContentStart;
            if (TryMissingClosingQuote(st.Open))
            {
                return true;
            }
        }

        if (st.IsKey && KeyColonPlausible(ref st))
        {
            return FinishString(ref st, st.ColonAt, Ending.BeforeColon);
        }

        _pos = _end;
        return Truncated(inString: true);
    }

    // A property name whose closing quote is missing before its colon ("key:"value" or "key:value}): the name has a
    // colon with no space before it, and a value starts right after it.
    private bool KeyColonPlausible(ref StringState st)
    {
        if (st.ColonAt < 0 || st.ColonLength == 0 || char.IsWhiteSpace(_s[st.ColonAt - 1]))
        {
            return false;
        }

        int p = SkipSpacesOnLine(st.ColonAt + 1);
        if (p >= _end)
        {
            return false;
        }

        char c = _s[p];
        return IsQuoteOpener(c) || char.IsLetterOrDigit(c) || c is '-' or '{' or '[';
    }

    // The string is read: 'at' is its closing quote, or the comma or colon before which that quote is missing.
    private bool FinishString(ref StringState st, int at, Ending ending)
    {
        switch (ending)
        {
            case Ending.Quote:
                _pos = at + 1;
                if (st.NewlineEnd == at && st.NewlineLength >= 0)
                {
                    // A line break right before the closing quote is layout (the quote went on the next line).
                    _out.Length = st.ContentStart + st.NewlineLength;
                }
                else
                {
                    st.NewlineLength = -1;
                }

                break;
            case Ending.BeforeComma:
                _pos = at;
                st.NewlineLength = -1;
                break;
            default:
                _pos = at;
                _out.Length = st.ContentStart + st.ColonLength;
                st.NewlineLength = -1;
                break;
        }

        int length = _out.Length - st.ContentStart;
        ReadOnlySpan<char> content = _out.AsSpan(st.ContentStart, length);
        if (st.Inner > 0 && (content.Contains("```json", StringComparison.OrdinalIgnoreCase) || content.Contains("~~~json", StringComparison.OrdinalIgnoreCase)))
        {
            // The fence may mark JSON that was meant as the value itself rather than as text.
            return Fail(
                ExtractionErrorKind.InvalidJson,
                $"is ambiguous: the string at {StringPath(ref st)} holds unescaped quotes around a code fence, which may be JSON meant as the value; escape quotes inside strings as \\\"",
                st.IsKey);
        }

        ReportString(ref st, at, ending, HasEscapedControl(content));
        return true;
    }

    // The repairs one string needed.
    private void ReportString(ref StringState st, int at, Ending ending, bool escapedControl)
    {
        if (st.Delim != '"')
        {
            string what = st.Delim switch
            {
                '\'' => "single quotes",
                '`' => "backticks",
                _ => "typographic quotes",
            };
            _repairs.Add($"Replaced the {what} around {(st.IsKey ? "the property name" : "the string")} at {StringPath(ref st)} with double quotes.");
        }

        if (st.Inner > 0)
        {
            _repairs.Add(st.Delim == '"'
                ? $"Escaped {Plural(st.Inner, "quote")} inside the string at {StringPath(ref st)}."
                : $"Kept {Plural(st.Inner, "quote")} inside the string at {StringPath(ref st)} as part of it.");
        }

        if (ending == Ending.BeforeComma)
        {
            _repairs.Add($"Added the missing closing quote of the string at {StringPath(ref st)}, before the comma at {_map.Where(at)} that the next property follows.");
        }
        else if (ending == Ending.BeforeColon)
        {
            _repairs.Add($"Added the missing closing quote of the property name {StringPath(ref st)} before its colon.");
        }

        bool droppedBreak = st.NewlineLength >= 0;
        if (droppedBreak)
        {
            _repairs.Add($"Removed the line break before the closing quote of the string at {StringPath(ref st)}.");
        }

        if (st.RawControl && (!droppedBreak || escapedControl))
        {
            _repairs.Add($"Escaped raw line breaks or control characters inside the string at {StringPath(ref st)}.");
        }

        if (st.EscapeNotes is not null)
        {
            foreach (string note in st.EscapeNotes)
            {
                _repairs.Add($"{note} in the string at {StringPath(ref st)}.");
            }
        }
    }

    // The path of the string being read: a property name's own path, or the value's.
    private string StringPath(ref StringState st) =>
        st.IsKey ? ContainerPath() + Segment(_out.ToString(st.ContentStart, _out.Length - st.ContentStart)) : CurrentPath();

    private static bool HasEscapedControl(ReadOnlySpan<char> content) =>
        content.Contains("\\n", StringComparison.Ordinal) || content.Contains("\\r", StringComparison.Ordinal)
        || content.Contains("\\t", StringComparison.Ordinal) || content.Contains("\\u00", StringComparison.Ordinal);

    // A double quote right after the inches of a height such as 5'3" or 5' 11": an inch mark, not a delimiter.
    private bool IsInchMark(int i)
    {
        int k = i - 1;
        if (k < 0 || !char.IsAsciiDigit(_s[k]))
        {
            return false;
        }

        while (k >= 0 && char.IsAsciiDigit(_s[k]))
        {
            k--;
        }

        if (k >= 0 && _s[k] == ' ')
        {
            k--;
        }

        return k >= 1 && _s[k] is '\'' or '’' && char.IsAsciiDigit(_s[k - 1]);
    }

    // The comma (an index into _commas) before which a string's closing quote is missing: the last comma of the
    // content that is followed by a property name and its colon, with no space before it. -1 when there is none.
    private int FindSplit()
    {
        for (int k = _commas.Count - 1; k >= 0; k--)
        {
            int at = _commas[k].Source;
            if (_commas[k].Length > 0 && !char.IsWhiteSpace(_s[at - 1]) && MemberFollows(at + 1))
            {
                return k;
            }
        }

        return -1;
    }

    // A property name and its colon (quoted, or a bare name on the same line) after optional whitespace.
    private bool MemberFollows(int p)
    {
        p = SkipSpaces(p);
        return p < _end && ((IsQuoteOpener(_s[p]) && IsQuotedKeyAt(p)) || IsBareKeyAt(p));
    }

    // A string that runs to the end of the answer, where the answer ends with exactly the brackets that close what is
    // open and nothing inside the string could have been its real end: the closing quote is missing before them.
    private bool TryMissingClosingQuote(int open)
    {
        int k = _end;
        while (k > open + 1 && char.IsWhiteSpace(_s[k - 1]))
        {
            k--;
        }

        if (k - 3 > open && _s[k - 1] == '`' && _s[k - 2] == '`' && _s[k - 3] == '`')
        {
            k -= 3; // the closing line of a fence right after the brackets
        }

        for (int f = 0; f < _depth; f++)
        {
            while (k > open + 1 && char.IsWhiteSpace(_s[k - 1]))
            {
                k--;
            }

            if (k <= open + 1 || _s[k - 1] != CloserOf(_frames[f].Kind))
            {
                return false;
            }

            k--;
        }

        if (k <= open + 1 || char.IsWhiteSpace(_s[k - 1]))
        {
            return false;
        }

        for (int i = open + 1; i < k; i++)
        {
            char c = _s[i];
            if (c < ' ' || c is ',' or '"' or '\'' or '\\' or '{' or '}' or '[' or ']' or '(' or ')' or '“' or '”' or '‘' or '’' or '`'
                || char.IsSurrogate(c))
            {
                return false;
            }
        }

        CopyRaw(open + 1, k); // (no surrogates: checked above)
        _pos = k;
        _repairs.Add($"Added the missing closing quote of the string at {CurrentPath()}.");
        return true;
    }

    // The later quotes that could end the string opened at 'open', given that the quote at 'first' does not.
    private List<int> FindCandidates(int open, int first, char delim, bool isKey)
    {
        var found = new List<int>(MaxCandidates);
        bool pairing = delim is '"' or '“' or '”' or '„';

        // Inner double quotes must pair up around a quoted word or phrase: an opening one right before a non-space
        // character, a closing one right after one (or the first closes a typographic „ or “ opened before it).
        // Single quotes are apostrophes as often as not: no pairing.
        bool closesTypographic = delim == '"' && OpensTypographicQuote(open + 1, first) && ClosingLike(first);
        if ((pairing && !closesTypographic && !OpeningLike(first)) || (!pairing && BoundaryAfter(first)))
        {
            return found;
        }

        bool expectCloser = pairing && !closesTypographic;

        // A missing closing quote before a later comma is a reading only when the quotes in between open after a space
        // or a bracket, and none of them is a property name at the string's own level ("a, {"k": 1}" but not
        // "Pasta, "servings": 2", whose closing quote is missing before the first comma).
        bool splits = pairing && !isKey && OpensAfterBoundary(first);
        int nesting = splits ? Nesting(open + 1, first) : 0;
        int limit = (int)Math.Min((long)_end, (long)first + 1 + _lookAheadBudget);
        int j = first + 1;
        for (; j < limit; j++)
        {
            char c = _s[j];
            if (c == '\\')
            {
                j++;
                continue;
            }

            if (!pairing && (c == '\n' || c == '\r'))
            {
                break;
            }

            if (c is '{' or '[' or '}' or ']')
            {
                nesting += c is '{' or '[' ? 1 : -1;
            }

            if (c == ',' && splits && !expectCloser && !char.IsWhiteSpace(_s[j - 1]) && MemberFollows(j + 1))
            {
                // The inner quotes pair up to here and the next property follows: the closing quote may be missing.
                found.Add(j);
                if (found.Count == MaxCandidates)
                {
                    break;
                }

                continue;
            }

            if (!IsCloser(delim, c) || (delim == '"' && IsInchMark(j) && !Follows(j, isKey)))
            {
                continue;
            }

            if (pairing && expectCloser)
            {
                if (!ClosingLike(j))
                {
                    break;
                }

                int after = SkipSpacesOnLine(j + 1);
                splits &= nesting > 0 || after >= _end || _s[after] != ':';
                expectCloser = false;
                continue;
            }

            if (Follows(j, isKey))
            {
                found.Add(j);
                if (found.Count == MaxCandidates)
                {
                    break;
                }
            }

            if (!pairing && BoundaryAfter(j))
            {
                break; // beyond "', '" or "': {" a later end would swallow the structure between two strings
            }

            if (pairing)
            {
                if (!OpeningLike(j))
                {
                    break;
                }

                splits &= OpensAfterBoundary(j);
                expectCloser = true;
            }
        }

        _lookAheadBudget -= Math.Max(0, j - first);
        if (j >= limit && limit < _end)
        {
            LookAheadExhausted = true;
        }

        return found;
    }

    // A quote followed by ',' or ':' and then another quoted string or a bracket: structure between two strings.
    private bool BoundaryAfter(int q)
    {
        int j = q + 1;
        while (j < _end && (_s[j] == ' ' || _s[j] == '\t'))
        {
            j++;
        }

        if (j >= _end || _s[j] is not (',' or ':'))
        {
            return false;
        }

        j = NextSignificant(j + 1);
        return j < _end && (IsQuoteOpener(_s[j]) || _s[j] is '{' or '[');
    }

    // Whether the text from 'from' to 'to' leaves a typographic quotation open („… or “… without its closer).
    private bool OpensTypographicQuote(int from, int to)
    {
        bool open = false;
        bool low = false;
        for (int k = from; k < to; k++)
        {
            switch (_s[k])
            {
                case '„':
                    (open, low) = (true, true);
                    break;
                case '“':
                    (open, low) = low && open ? (false, false) : (true, false);
                    break;
                case '”':
                    (open, low) = (false, false);
                    break;
            }
        }

        return open;
    }

    // Brackets opened and not closed between 'from' and 'to'.
    private int Nesting(int from, int to)
    {
        int nesting = 0;
        for (int k = from; k < to; k++)
        {
            nesting += _s[k] switch
            {
                '{' or '[' => 1,
                '}' or ']' => -1,
                _ => 0,
            };
        }

        return nesting;
    }

    // An inner opening quote after a space or an opening bracket or delimiter, not inside a word (v"alue).
    private bool OpensAfterBoundary(int i) => char.IsWhiteSpace(_s[i - 1]) || _s[i - 1] is '{' or '[' or '(' or ',' or ':';

    private bool OpeningLike(int i) =>
        i + 1 < _end && !char.IsWhiteSpace(_s[i + 1]) && _s[i + 1] is not (',' or ':' or ';' or '}' or ']' or ')') && !IsQuoteOpener(_s[i + 1]);

    private bool ClosingLike(int i) => !char.IsWhiteSpace(_s[i - 1]);

    // Whether what follows the quote at 'i' makes it the end of its string for certain.
    private bool Follows(int i, bool isKey)
    {
        int j = SkipSpacesOnLine(i + 1);
        if (j >= _end)
        {
            return true;
        }

        char c = _s[j];
        if (c == '\n' || c == '\r')
        {
            return true;
        }

        if (isKey)
        {
            return c == ':';
        }

        switch (c)
        {
            case ',':
            case '}':
            case ']':
            case '#':
                return true;
            case ')':
                return InCallOrTuple;
            case '/':
                return j + 1 < _end && (_s[j + 1] == '/' || _s[j + 1] == '*');
            case '+':
                int k = j + 1;
                while (k < _end && char.IsWhiteSpace(_s[k]))
                {
                    k++;
                }

                return k < _end && IsQuoteOpener(_s[k]);
            default:
                return false;
        }
    }

    private bool InCallOrTuple => _depth > 0 && Top.Kind is FrameKind.Tuple or FrameKind.Call;

    private static bool IsCloser(char delim, char c) => delim switch
    {
        '"' => c == '"',
        '\'' => c == '\'',
        '`' => c is '`' or '´',
        '‘' or '’' => c is '’' or '‘',
        _ => c is '”' or '“',
    };

    private static bool IsQuoteOpener(char c) => c is '"' or '\'' or '“' or '”' or '„' or '‘' or '’' or '`';


    // Whether a string could end at the quote 'i' whose follower is not a delimiter: only if a repair can go on from
    // there (a missing colon after a key; a missing comma before a quoted key or before an array element).
    private bool CloseHerePlausible(int i, bool isKey)
    {
        int j = SkipSpacesOnLine(i + 1);
        if (j >= _end)
        {
            return true;
        }

        char c = _s[j];
        if (isKey)
        {
            return StartsValueAfterMissingColon(j);
        }

        switch (Top.Kind)
        {
            case FrameKind.Object:
                return IsQuoteOpener(c) && IsQuotedKeyAt(j);
            case FrameKind.Array:
            case FrameKind.Tuple:
                if (j == i + 1 || c is ':' or '=' or ';')
                {
                    return false; // glued to the quote, or not an element
                }

                if (IsQuoteOpener(c) || c is '{' or '[' or '(')
                {
                    return true;
                }

                // Bare text up to the next delimiter must not end in a quote (that quote would belong to this string).
                int k = j;
                while (k < _end && _s[k] is not (',' or ']' or '}' or ')' or '\n' or '\r'))
                {
                    k++;
                }

                while (k > j && char.IsWhiteSpace(_s[k - 1]))
                {
                    k--;
                }

                return k > j && !IsQuoteOpener(_s[k - 1]) && _s[k - 1] != '´';
            default:
                return false;
        }
    }
}
