using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StructuredOutput.Reading.Repair;

/// <summary>Strings: every quote style, unescaped quotes and their readings, missing quotes, escapes.</summary>
internal sealed partial class LenientScanner
{
    // A string value, with Python triple quotes and "a" + "b" concatenation.
    private bool ScanStringValue()
    {
        string content;
        if (_s[_pos] == '"' && _pos + 2 < _end && _s[_pos + 1] == '"' && _s[_pos + 2] == '"')
        {
            if (!ScanTripleQuoted(out content))
            {
                return false;
            }
        }
        else if (!ScanString(isKey: false, out content))
        {
            return false;
        }

        int joined = 0;
        StringBuilder? all = null;
        while (true)
        {
            int p = _pos;
            while (p < _end && (char.IsWhiteSpace(_s[p]) || IsUnicodeSpace(_s[p])))
            {
                p++;
            }

            if (p >= _end || _s[p] != '+')
            {
                break;
            }

            p++;
            while (p < _end && (char.IsWhiteSpace(_s[p]) || IsUnicodeSpace(_s[p])))
            {
                p++;
            }

            if (p >= _end || !IsQuoteOpener(_s[p]))
            {
                break;
            }

            all ??= new StringBuilder(content);
            _pos = p;
            if (!ScanString(isKey: false, out string more))
            {
                return false;
            }

            all.Append(more);
            joined++;
        }

        if (joined > 0)
        {
            _repairs.Add($"Joined {(joined + 1).ToString(CultureInfo.InvariantCulture)} concatenated strings at {CurrentPath()}.");
            content = all!.ToString();
        }

        _out.Append('"').Append(content).Append('"');
        return true;
    }

    private bool ScanTripleQuoted(out string content)
    {
        content = string.Empty;
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
        content = _str.ToString();
        _repairs.Add($"Read the triple-quoted string at {CurrentPath()} as a JSON string.");
        return true;
    }

    // A quoted string (any of the quote styles). Writes its content, JSON-escaped and without quotes, to 'content'.
    private bool ScanString(bool isKey, out string content)
    {
        content = string.Empty;
        int open = _pos;
        char delim = _s[open];
        _str.Clear();
        int decidedEnd = -1;
        int inner = 0;
        bool rawControl = false;
        int newlineStrLength = -1; // _str's length before the last raw line break, when that break ends the content
        int newlineEnd = -1;       // the index just after that raw line break
        List<string>? escapeNotes = null;
        List<(int Source, int Length)>? commas = null; // each comma of the content: where, and _str's length there
        int next = -1;                                 // where scanning resumes after the string
        int i = open + 1;
        while (true)
        {
            if (i >= _end)
            {
                if (!isKey && decidedEnd < 0)
                {
                    int split = FindSplit(commas);
                    if (split >= 0)
                    {
                        _str.Length = commas![split].Length;
                        next = commas[split].Source;
                        break;
                    }

                    if (TryMissingClosingQuote(open))
                    {
                        content = _str.ToString();
                        return true;
                    }
                }

                _pos = _end;
                return Truncated(inString: true);
            }

            char c = _s[i];
            if (c == ',' && !isKey)
            {
                (commas ??= new List<(int, int)>()).Add((i, _str.Length));
            }

            if (c == '\\')
            {
                if (i + 1 >= _end)
                {
                    i++;
                    continue;
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
                        _str.Append('\\').Append(n);
                        i += 2;
                        continue;
                    case 'u':
                        if (i + 6 <= _end && IsHex(_s[i + 2]) && IsHex(_s[i + 3]) && IsHex(_s[i + 4]) && IsHex(_s[i + 5]))
                        {
                            _str.Append(_s, i, 6);
                            i += 6;
                            continue;
                        }

                        if (i + 6 > _end)
                        {
                            _pos = _end;
                            return Truncated(inString: true);
                        }

                        _pos = i;
                        return Fail(ExtractionErrorKind.InvalidString, $"the string at {CurrentPath(isKey)} holds an invalid \\u escape", isKey);
                    case '\'':
                    case '‘':
                    case '’':
                    case '“':
                    case '”':
                    case '„':
                    case '`':
                    case '´':
                        _str.Append(n);
                        (escapeNotes ??= new List<string>()).Add($"Replaced the invalid escape \\{n} with {n}");
                        i += 2;
                        continue;
                    default:
                        _str.Append("\\\\");
                        if (n >= ' ')
                        {
                            (escapeNotes ??= new List<string>()).Add($"Kept the backslash of the invalid escape \\{n} as a character");
                        }

                        i++;
                        continue;
                }
            }

            if (IsCloser(delim, c))
            {
                bool close;
                if (decidedEnd >= 0)
                {
                    close = i == decidedEnd;
                }
                else if (Follows(i, isKey))
                {
                    close = true;
                }
                else
                {
                    // The readings: the string ends here (only if a repair can go on from here), at a later quote,
                    // or (its closing quote missing) before a comma that the next property follows.
                    int here = CloseHerePlausible(i, isKey) ? 1 : 0;
                    List<int>? candidates = delim == '"' && i == open + 1 ? null : FindCandidates(open, i, delim, isKey);
                    int candidateCount = candidates?.Count ?? 0;
                    int split = isKey ? -1 : FindSplit(commas);
                    int count = here + candidateCount + (split >= 0 ? 1 : 0);
                    int choice = count > 1 ? Choose(count, i, isKey) : 0;
                    if (count == 0 || (here == 1 && choice == 0))
                    {
                        close = true; // (when nothing can work, the plain reading fails and says why)
                    }
                    else if (choice - here < candidateCount)
                    {
                        close = false;
                        decidedEnd = candidates![choice - here];
                    }
                    else
                    {
                        // The closing quote is missing before a comma that the next property follows.
                        _str.Length = commas![split].Length;
                        next = commas[split].Source;
                        break;
                    }
                }

                if (close)
                {
                    next = i + 1;
                    break;
                }

                AppendEscaped(_str, c);
                inner++;
                i++;
                continue;
            }

            if (c < ' ')
            {
                rawControl = true;
                if (c == '\n' || c == '\r')
                {
                    if (newlineEnd != i)
                    {
                        newlineStrLength = _str.Length;
                    }

                    newlineEnd = i + 1;
                }

                AppendEscaped(_str, c);
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < _end && char.IsLowSurrogate(_s[i + 1]))
                {
                    _str.Append(c).Append(_s[i + 1]);
                    i += 2;
                    continue;
                }

                _pos = i;
                return LoneSurrogate(isKey);
            }

            AppendEscaped(_str, c);
            i++;
        }

        // Closed at i, or (when the quote was missing before a comma) at the comma.
        bool missingQuote = next != i + 1;
        _pos = next;
        bool droppedBreak = false;
        if (!missingQuote && newlineEnd == i && newlineStrLength >= 0)
        {
            // A line break right before the closing quote is layout (the quote went on the next line), not content.
            _str.Length = newlineStrLength;
            droppedBreak = true;
        }

        content = _str.ToString();
        string path = isKey ? ContainerPath() + Segment(content) : CurrentPath();
        if (inner > 0 && (content.Contains("```json", StringComparison.OrdinalIgnoreCase) || content.Contains("~~~json", StringComparison.OrdinalIgnoreCase)))
        {
            // The fence may mark JSON that was meant as the value itself rather than as text.
            return Fail(
                ExtractionErrorKind.InvalidJson,
                $"is ambiguous: the string at {path} holds unescaped quotes around a code fence, which may be JSON meant as the value; escape quotes inside strings as \\\"",
                isKey);
        }

        if (delim != '"')
        {
            string what = delim switch
            {
                '\'' => "single quotes",
                '`' => "backticks",
                _ => "typographic quotes",
            };
            _repairs.Add($"Replaced the {what} around {(isKey ? "the property name" : "the string")} at {path} with double quotes.");
        }

        if (inner > 0)
        {
            _repairs.Add(delim == '"'
                ? $"Escaped {Plural(inner, "quote")} inside the string at {path}."
                : $"Kept {Plural(inner, "quote")} inside the string at {path} as part of it.");
        }

        if (missingQuote)
        {
            _repairs.Add($"Added the missing closing quote of the string at {path}, before the comma at {_map.Where(next)} that the next property follows.");
        }

        if (droppedBreak)
        {
            _repairs.Add($"Removed the line break before the closing quote of the string at {path}.");
        }

        if (rawControl && (!droppedBreak || HasEscapedControl(content)))
        {
            _repairs.Add($"Escaped raw line breaks or control characters inside the string at {path}.");
        }

        if (escapeNotes is not null)
        {
            foreach (string note in escapeNotes)
            {
                _repairs.Add($"{note} in the string at {path}.");
            }
        }

        return true;
    }

    private static bool HasEscapedControl(string content) =>
        content.Contains("\\n", StringComparison.Ordinal) || content.Contains("\\r", StringComparison.Ordinal)
        || content.Contains("\\t", StringComparison.Ordinal) || content.Contains("\\u00", StringComparison.Ordinal);

    // The comma (an index into 'commas') before which a string's closing quote is missing: the last comma of the
    // content that is followed by a property name and its colon, with no space before it. -1 when there is none.
    private int FindSplit(List<(int Source, int Length)>? commas)
    {
        if (commas is null)
        {
            return -1;
        }

        for (int k = commas.Count - 1; k >= 0; k--)
        {
            int at = commas[k].Source;
            if (commas[k].Length > 0 && !char.IsWhiteSpace(_s[at - 1]) && MemberFollows(at + 1))
            {
                return k;
            }
        }

        return -1;
    }

    // A property name and its colon (quoted, or a bare name on the same line) after optional whitespace.
    private bool MemberFollows(int p)
    {
        while (p < _end && (char.IsWhiteSpace(_s[p]) || IsUnicodeSpace(_s[p])))
        {
            p++;
        }

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
        // character, a closing one right after one. Single quotes are apostrophes as often as not: no pairing.
        if ((pairing && !OpeningLike(first)) || (!pairing && BoundaryAfter(first)))
        {
            return found;
        }

        bool expectCloser = pairing;
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

            if (!IsCloser(delim, c))
            {
                continue;
            }

            if (pairing && expectCloser)
            {
                if (!ClosingLike(j))
                {
                    break;
                }

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
