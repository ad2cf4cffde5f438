using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StructuredOutput.Parsing.Repair;

/// <summary>Why a scan failed, and where.</summary>
internal sealed class ScanFailure
{
    public ScanFailure(ExtractionErrorKind kind, string path, string message, int position, bool looksLikeJson)
    {
        Kind = kind;
        Path = path;
        Message = message;
        Position = position;
        LooksLikeJson = looksLikeJson;
    }

    public ExtractionErrorKind Kind { get; }

    public string Path { get; }

    public string Message { get; }

    /// <summary>The index in the scanned text where the scan stopped.</summary>
    public int Position { get; }

    /// <summary>Whether the text had read as JSON (a property name and its colon) before it failed.</summary>
    public bool LooksLikeJson { get; }
}

/// <summary>A place where the text can be read in more than one way, for the message when it stays ambiguous.</summary>
internal sealed class ChoicePoint
{
    public ChoicePoint(string path, string description)
    {
        Path = path;
        Description = description;
    }

    public string Path { get; }

    public string Description { get; }
}

/// <summary>
/// Reads one object of an answer leniently and writes it out as strict JSON, recording each repair with its JSON path.
/// One scan follows one reading: where the text is ambiguous it asks the <see cref="ChoiceCursor"/> which way to go,
/// so that <see cref="JsonRepairer"/> can try every reading and keep an answer only when exactly one works. The scan is
/// iterative (an explicit stack bounded by the depth limit) and linear in the text, apart from a bounded look-ahead
/// for the possible ends of a string with unescaped quotes.
/// </summary>
internal sealed class LenientScanner
{
    private const int MaxCandidates = 4;

    private readonly string _s;
    private readonly int _end;
    private readonly int _maxDepth;
    private readonly ChoiceCursor _cursor;
    private readonly bool _quietFenceTail;
    private readonly TextMap _map;
    private readonly StringBuilder _out;
    private readonly StringBuilder _str = new();
    private readonly RepairLog _repairs = new();
    private Frame[] _frames = new Frame[8];
    private int _depth;
    private int _pos;
    private bool _newline;
    private bool _sawColon;
    private int _lookAheadBudget;
    private bool _rootClosedByBrace;

    /// <summary>Prepares a scan of <paramref name="text"/> up to <paramref name="end"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="end">Where the object's region ends (the end of the answer or of its fence).</param>
    /// <param name="maxDepth">The deepest nesting allowed.</param>
    /// <param name="cursor">Decides at choice points.</param>
    /// <param name="quietFenceTail">Whether a fence's closing line after the object needs no repair note.</param>
    /// <param name="map">Line starts of <paramref name="text"/>, for positions in messages.</param>
    public LenientScanner(string text, int end, int maxDepth, ChoiceCursor cursor, bool quietFenceTail, TextMap map)
    {
        _s = text;
        _map = map;
        _end = end;
        _maxDepth = maxDepth;
        _cursor = cursor;
        _quietFenceTail = quietFenceTail;
        _out = new StringBuilder(Math.Min(end, 1 << 16) + 16);
        _lookAheadBudget = 4 * end + 1024;
    }

    private enum FrameKind : byte
    {
        Object,
        Array,
        Tuple,
        Call,
    }

    private enum State : byte
    {
        Member,
        Colon,
        Value,
        Element,
        AfterValue,
        Done,
    }

    /// <summary>The strict JSON written, after a successful <see cref="Scan"/>.</summary>
    public string Output => _out.ToString();

    /// <summary>The repairs made.</summary>
    public RepairLog Repairs => _repairs;

    /// <summary>Why the scan failed.</summary>
    public ScanFailure? Failure { get; private set; }

    /// <summary>The first place where this scan had a choice, if any.</summary>
    public ChoicePoint? FirstChoice { get; private set; }

    /// <summary>Whether the look-ahead for string ends ran out of budget, so that some readings were not tried.</summary>
    public bool LookAheadExhausted { get; private set; }

    /// <summary>Scans the object that opens at <paramref name="start"/>.</summary>
    /// <returns>Whether the object was read (with its tail); otherwise <see cref="Failure"/> says why.</returns>
    public bool Scan(int start)
    {
        _pos = start + 1;
        if (!Open(FrameKind.Object))
        {
            return false;
        }

        State state = State.Member;
        bool afterComma = false;
        while (state != State.Done)
        {
            switch (state)
            {
                case State.Member:
                    if (!MemberStep(ref state, ref afterComma))
                    {
                        return false;
                    }

                    break;
                case State.Colon:
                    if (!ColonStep(ref state))
                    {
                        return false;
                    }

                    break;
                case State.Value:
                    if (!ValueStep(ref state, ref afterComma))
                    {
                        return false;
                    }

                    break;
                case State.Element:
                    if (!ElementStep(ref state, ref afterComma))
                    {
                        return false;
                    }

                    break;
                case State.AfterValue:
                    if (!AfterValueStep(ref state, ref afterComma))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    // Expecting a property name or '}' (after '{' or a comma).
    private bool MemberStep(ref State state, ref bool afterComma)
    {
        if (!SkipTrivia())
        {
            return false;
        }

        if (_pos >= _end)
        {
            return Truncated(inString: false);
        }

        ref Frame frame = ref Top;
        char c = _s[_pos];
        switch (c)
        {
            case '}':
                if (afterComma)
                {
                    _repairs.Add($"Removed a trailing comma at {ContainerPath()}.");
                }

                _pos++;
                return Close(ref state, byBrace: true);
            case ']':
            case ')':
                return Mismatch(ref state, afterComma);
            case ',':
                _repairs.Add($"Removed an extra comma at {ContainerPath()}.");
                _pos++;
                return true;
        }

        if (TrySkipEllipsis(inObject: true))
        {
            return true;
        }

        string key;
        if (IsQuoteOpener(c))
        {
            if (!ScanString(isKey: true, out key))
            {
                return false;
            }
        }
        else if (IsKeyChar(c))
        {
            ScanBareKey(out key);
        }
        else
        {
            return Fail($"expected a property name or '}}', found {Found()}");
        }

        if (frame.Count > 0)
        {
            _out.Append(',');
        }

        frame.Count++;
        frame.Key = key;
        _out.Append('"').Append(key).Append('"');
        afterComma = false;
        state = State.Colon;
        return true;
    }

    // After a property name.
    private bool ColonStep(ref State state)
    {
        if (!SkipTrivia())
        {
            return false;
        }

        if (_pos >= _end)
        {
            return Truncated(inString: false);
        }

        char c = _s[_pos];
        if (c == ':')
        {
            _pos++;
            _sawColon = true;
        }
        else if (!_newline && StartsValueAfterMissingColon(_pos))
        {
            _repairs.Add($"Inserted a missing colon after the property name {CurrentPath()}.");
        }
        else
        {
            return Fail($"expected ':' after the property name {CurrentPath()}, found {Found()}");
        }

        _out.Append(':');
        state = State.Value;
        return true;
    }

    // Expecting a value: after a colon, as an array element, or as the argument of a call.
    private bool ValueStep(ref State state, ref bool afterComma)
    {
        if (!SkipTrivia())
        {
            return false;
        }

        if (_pos >= _end)
        {
            return Truncated(inString: false);
        }

        char c = _s[_pos];
        switch (c)
        {
            case '{':
                _pos++;
                if (!Open(FrameKind.Object))
                {
                    return false;
                }

                state = State.Member;
                afterComma = false;
                return true;
            case '[':
                _pos++;
                if (!Open(FrameKind.Array))
                {
                    return false;
                }

                state = State.Element;
                afterComma = false;
                return true;
            case '(':
                _pos++;
                if (!Open(FrameKind.Tuple))
                {
                    return false;
                }

                state = State.Element;
                afterComma = false;
                return true;
            case '}':
            case ']':
            case ')':
            case ',':
                return Top.Kind == FrameKind.Call
                    ? Fail($"expected one value inside {Top.CallName}(...), found {Found()}")
                    : Fail($"the property {CurrentPath()} has no value");
        }

        if (IsEllipsisAt(_pos, out _))
        {
            return Fail($"the property {CurrentPath()} has a placeholder ('...') instead of a value");
        }

        if (IsQuoteOpener(c))
        {
            if (!ScanStringValue())
            {
                return false;
            }

            state = State.AfterValue;
            return true;
        }

        if (!ScanBareValue(out bool call))
        {
            return false;
        }

        state = call ? State.Value : State.AfterValue;
        return true;
    }

    // Expecting an element or the closer of an array or tuple.
    private bool ElementStep(ref State state, ref bool afterComma)
    {
        if (!SkipTrivia())
        {
            return false;
        }

        if (_pos >= _end)
        {
            return Truncated(inString: false);
        }

        ref Frame frame = ref Top;
        char c = _s[_pos];
        char closer = frame.Kind == FrameKind.Array ? ']' : ')';
        if (c == closer)
        {
            if (afterComma)
            {
                if (frame.Kind == FrameKind.Array)
                {
                    _repairs.Add($"Removed a trailing comma at {ContainerPath()}.");
                }
                else
                {
                    frame.TrailingComma = true;
                }
            }

            _pos++;
            return Close(ref state, byBrace: false);
        }

        if (c is '}' or ']' or ')')
        {
            return Mismatch(ref state, afterComma);
        }

        if (c == ',')
        {
            return Fail($"the array {ContainerPath()} has an empty element");
        }

        if (TrySkipEllipsis(inObject: false))
        {
            afterComma = false;
            return true;
        }

        if (frame.Count > 0)
        {
            _out.Append(',');
        }

        frame.Count++;
        state = State.Value;
        return true;
    }

    // After a value: a comma, the container's closer, or a repairable omission.
    private bool AfterValueStep(ref State state, ref bool afterComma)
    {
        int valueEnd = _pos;
        bool afterContainer = _out.Length > 0 && _out[_out.Length - 1] is '}' or ']';
        if (!SkipTrivia())
        {
            return false;
        }

        if (_pos >= _end)
        {
            return Truncated(inString: false);
        }

        ref Frame frame = ref Top;
        char c = _s[_pos];
        switch (frame.Kind)
        {
            case FrameKind.Object:
                if (c == ',')
                {
                    _pos++;
                    afterComma = true;
                    state = State.Member;
                    return true;
                }

                if (c == '}')
                {
                    _pos++;
                    return Close(ref state, byBrace: true);
                }

                if (c is ']' or ')')
                {
                    return Mismatch(ref state, afterComma: false);
                }

                if ((IsQuoteOpener(c) && IsQuotedKeyAt(_pos)) || (_newline && IsBareKeyAt(_pos)))
                {
                    _repairs.Add($"Inserted a missing comma after {CurrentPath()}.");
                    afterComma = false;
                    state = State.Member;
                    return true;
                }

                return Fail($"expected ',' or '}}' after {CurrentPath()}, found {Found()}");

            case FrameKind.Array:
            case FrameKind.Tuple:
                char closer = frame.Kind == FrameKind.Array ? ']' : ')';
                if (c == ',')
                {
                    _pos++;
                    afterComma = true;
                    state = State.Element;
                    return true;
                }

                if (c == closer)
                {
                    _pos++;
                    return Close(ref state, byBrace: false);
                }

                if (c is '}' or ']' or ')')
                {
                    return Mismatch(ref state, afterComma: false);
                }

                if (c is ':' or '=' or ';' || (_pos == valueEnd && !afterContainer && c is not ('{' or '[')))
                {
                    return Fail($"expected ',' or '{closer}' after {CurrentPath()}, found {Found()}");
                }

                _repairs.Add($"Inserted a missing comma after {CurrentPath()}.");
                afterComma = false;
                state = State.Element;
                return true;

            default: // a call: Name(value)
                if (c == ')')
                {
                    _pos++;
                    return Close(ref state, byBrace: false);
                }

                return Fail($"expected ')' after the one value inside {frame.CallName}(...), found {Found()}");
        }
    }

    // A closing bracket of the wrong kind: either it stands for the right one, or the right one is missing before it.
    private bool Mismatch(ref State state, bool afterComma)
    {
        char found = _s[_pos];
        ref Frame frame = ref Top;
        if (found == ')')
        {
            return Fail($"found {Found()}, which closes nothing in {ContainerPath()}");
        }

        if (frame.Kind is FrameKind.Tuple or FrameKind.Call)
        {
            return Fail($"expected ')' to close {ContainerPath()}, found {Found()}");
        }

        char right = frame.Kind == FrameKind.Object ? '}' : ']';

        // Either reading must let the text go on: what follows has to fit the container that is open afterwards.
        int after = NextSignificant(_pos + 1);
        bool replace = _depth < 2 || FitsAfterValue(_frames[_depth - 2].Kind, after);
        bool insert = _depth >= 2 && CloserOf(_frames[_depth - 2].Kind) == found
            && (_depth < 3 || FitsAfterValue(_frames[_depth - 3].Kind, after));
        int choice = replace && insert ? Choose(2, _pos, isKey: false, found, right) : insert ? 1 : 0;
        if (afterComma)
        {
            _repairs.Add($"Removed a trailing comma at {ContainerPath()}.");
        }

        if (choice == 0)
        {
            _repairs.Add($"Replaced '{found}' with '{right}' to close {ContainerPath()}.");
            _pos++;
            return Close(ref state, byBrace: false);
        }

        _repairs.Add($"Inserted a missing '{right}' to close {ContainerPath()}.");
        return Close(ref state, byBrace: false);
    }

    // The next character that is not whitespace or inside a comment, without recording anything.
    private int NextSignificant(int p)
    {
        while (p < _end)
        {
            char c = _s[p];
            if (char.IsWhiteSpace(c) || IsUnicodeSpace(c))
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

    // Whether the character at 'p' can come after a value inside a container of the given kind.
    private bool FitsAfterValue(FrameKind kind, int p)
    {
        if (p >= _end)
        {
            return false;
        }

        char c = _s[p];
        if (c is ',' or '}' or ']' or ')')
        {
            return true;
        }

        return kind switch
        {
            FrameKind.Object => IsQuoteOpener(c) && IsQuotedKeyAt(p),
            FrameKind.Array or FrameKind.Tuple => c is not (':' or '=' or ';'),
            _ => false,
        };
    }

    // Whether a string could end at the quote 'i' whose follower is not a delimiter: only if a repair can go on from
    // there (a missing colon after a key; a missing comma before a quoted key or before an array element).
    private bool CloseHerePlausible(int i, bool isKey)
    {
        int j = i + 1;
        while (j < _end && (_s[j] == ' ' || _s[j] == '\t' || IsUnicodeSpace(_s[j])))
        {
            j++;
        }

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

    private static char CloserOf(FrameKind kind) => kind switch
    {
        FrameKind.Object => '}',
        FrameKind.Array => ']',
        _ => ')',
    };

    private bool Open(FrameKind kind)
    {
        if (_depth >= _maxDepth)
        {
            Failure = new ScanFailure(ExtractionErrorKind.TooDeep, ContainerPath(), JsonTextLocator.TooDeepMessage(_maxDepth), _pos, _sawColon);
            return false;
        }

        string segment = _depth == 0 ? string.Empty : MemberSegment(ref Top);
        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, Math.Min(_frames.Length * 2, _maxDepth + 1));
        }

        _frames[_depth++] = new Frame { Kind = kind, Segment = segment, OutStart = _out.Length };
        switch (kind)
        {
            case FrameKind.Object:
                _out.Append('{');
                break;
            case FrameKind.Array:
            case FrameKind.Tuple:
                _out.Append('[');
                break;
        }

        return true;
    }

    private bool Close(ref State state, bool byBrace)
    {
        ref Frame frame = ref Top;
        switch (frame.Kind)
        {
            case FrameKind.Object:
                _out.Append('}');
                break;
            case FrameKind.Array:
                _out.Append(']');
                break;
            case FrameKind.Tuple:
                if (frame.Count == 1 && !frame.TrailingComma)
                {
                    _repairs.Add($"Took the value in parentheses at {ContainerPath()} as the value itself.");
                    _out.Remove(frame.OutStart, 1);
                }
                else
                {
                    _repairs.Add($"Read the tuple at {ContainerPath()} as an array.");
                    _out.Append(']');
                }

                break;
            default:
                _repairs.Add($"Took the value inside {frame.CallName}(...) at {ContainerPath()}.");
                break;
        }

        _depth--;
        if (_depth > 0)
        {
            state = State.AfterValue;
            return true;
        }

        _rootClosedByBrace = byBrace;
        return FinishRoot(ref state);
    }

    // The root object is closed: decide what the rest of the region is.
    private bool FinishRoot(ref State state)
    {
        switch (JsonTextLocator.ClassifyTail(_s, _pos, _end))
        {
            case JsonTextLocator.Tail.Empty:
                break;
            case JsonTextLocator.Tail.Continuation:
                int next = _pos;
                while (next < _end && (char.IsWhiteSpace(_s[next]) || IsUnicodeSpace(_s[next])))
                {
                    next++;
                }

                if (_rootClosedByBrace && _s[next] == ',' && MemberFollows(next + 1))
                {
                    // The brace was stray: the members after it belong to the same object.
                    _out.Length--;
                    _depth = 1;
                    _repairs.Add($"Removed a stray '}}' at {_map.Where(_pos - 1)}; the object continues after it.");
                    state = State.AfterValue;
                    return true;
                }

                Failure = new ScanFailure(
                    ExtractionErrorKind.InvalidJson, "$", JsonTextLocator.ContinuationMessage(_s, _pos - 1, _pos, _end), _pos, looksLikeJson: true);
                return false;
            case JsonTextLocator.Tail.AnotherObject:
                Failure = new ScanFailure(ExtractionErrorKind.MultipleValues, "$", JsonTextLocator.MultipleMessage, _pos, looksLikeJson: true);
                return false;
            case JsonTextLocator.Tail.AnotherArray:
                Failure = new ScanFailure(ExtractionErrorKind.MultipleValues, "$", JsonTextLocator.ArrayAfterMessage, _pos, looksLikeJson: true);
                return false;
            case JsonTextLocator.Tail.Stray:
                _repairs.Add(JsonTextLocator.StrayAfterRepair);
                break;
            case JsonTextLocator.Tail.FenceClose when _quietFenceTail:
                break;
            default:
                _repairs.Add(JsonTextLocator.ProseAfterRepair);
                break;
        }

        state = State.Done;
        return true;
    }

    // ---- strings -------------------------------------------------------------------------------------------------

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

        _str.Clear();
        for (int i = open + 3; i < close; i++)
        {
            char c = _s[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < close && char.IsLowSurrogate(_s[i + 1]))
                {
                    _str.Append(c).Append(_s[i + 1]);
                    i++;
                    continue;
                }

                _pos = i;
                return LoneSurrogate();
            }

            AppendEscaped(_str, c);
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

        _str.Clear();
        for (int i = open + 1; i < k; i++)
        {
            AppendEscaped(_str, _s[i]);
        }

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
        int j = i + 1;
        while (j < _end && (_s[j] == ' ' || _s[j] == '\t' || IsUnicodeSpace(_s[j])))
        {
            j++;
        }

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

    // ---- bare words ----------------------------------------------------------------------------------------------

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

        _str.Clear();
        for (int i = start; i < x; i++)
        {
            AppendEscaped(_str, _s[i]);
        }

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

        _str.Clear();
        for (int i = start; i < end; i++)
        {
            char c = _s[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(_s[i + 1]))
                {
                    _str.Append(c).Append(_s[i + 1]);
                    i++;
                    continue;
                }

                _pos = i;
                return LoneSurrogate();
            }

            AppendEscaped(_str, c);
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
        SkipTrivia();
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

    // ---- whitespace and comments ---------------------------------------------------------------------------------

    // Skips whitespace and comments, noting whether a line break was crossed. False when a block comment is unclosed.
    private bool SkipTrivia()
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
                _repairs.Add($"Removed a comment at {CommentPath()}.");
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
                _repairs.Add($"Removed a comment at {CommentPath()}.");
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
                ? $"Read the special space {code} at {CommentPath()} as a space."
                : $"Read {oddSpaces.ToString(CultureInfo.InvariantCulture)} special spaces (such as {code}) at {CommentPath()} as spaces.");
        }

        return true;
    }

    private static bool IsUnicodeSpace(char c) =>
        c is '\u00A0' or '\u1680' or '\u180E' or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' or '\uFEFF'
        || (c >= '\u2000' && c <= '\u200B');

    // ---- output, paths and failures ------------------------------------------------------------------------------

    private static void AppendEscaped(StringBuilder sb, char c)
    {
        switch (c)
        {
            case '"':
                sb.Append("\\\"");
                break;
            case '\\':
                sb.Append("\\\\");
                break;
            case '\n':
                sb.Append("\\n");
                break;
            case '\r':
                sb.Append("\\r");
                break;
            case '\t':
                sb.Append("\\t");
                break;
            case '\b':
                sb.Append("\\b");
                break;
            case '\f':
                sb.Append("\\f");
                break;
            default:
                if (c < ' ')
                {
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append(c);
                }

                break;
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private ref Frame Top => ref _frames[_depth - 1];

    // A choice point; its description is built only for the first one of a scan.
    private int Choose(int count, int position, bool isKey, char found = '\0', char right = '\0')
    {
        if (FirstChoice is null)
        {
            string description = found == '\0'
                ? $"the quote at {_map.Where(position)} may end the string at {CurrentPath(isKey)} or belong to it"
                : $"the '{found}' at {_map.Where(position)} may stand for a '{right}' or follow a missing one";
            FirstChoice = new ChoicePoint(CurrentPath(isKey), description);
        }

        return _cursor.Choose(count);
    }

    // The path of the innermost container.
    private string ContainerPath()
    {
        var sb = new StringBuilder("$");
        for (int i = 1; i < _depth; i++)
        {
            sb.Append(_frames[i].Segment);
        }

        return sb.ToString();
    }

    // The path of the value being read: the container's path and the current member or element.
    private string CurrentPath() => _depth == 0 ? "$" : ContainerPath() + MemberSegment(ref Top);

    private string CurrentPath(bool isKey) => isKey ? ContainerPath() : CurrentPath();

    // Where a comment or space sits: at the current member once one has started, else at the container.
    private string CommentPath() => CurrentPath();

    private static string MemberSegment(ref Frame frame) => frame.Kind switch
    {
        FrameKind.Object => frame.Key is null ? string.Empty : Segment(frame.Key),
        FrameKind.Call => string.Empty,
        _ => frame.Count == 0 ? string.Empty : "[" + (frame.Count - 1).ToString(CultureInfo.InvariantCulture) + "]",
    };

    // A path segment for a property name (given JSON-escaped), in the style of JsonReadContext's paths.
    private static string Segment(string escapedName)
    {
        bool plain = escapedName.Length > 0 && (char.IsAsciiLetter(escapedName[0]) || escapedName[0] is '_' or '$');
        foreach (char c in escapedName)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '$'))
            {
                plain = false;
                break;
            }
        }

        return plain ? "." + escapedName : "['" + escapedName.Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }

    private static string Plural(int n, string noun) =>
        n == 1 ? "1 " + noun : n.ToString(CultureInfo.InvariantCulture) + " " + noun + "s";

    private string Found()
    {
        if (_pos >= _end)
        {
            return "the end of the answer";
        }

        int stop = _pos;
        while (stop < _end && stop - _pos < 20 && _s[stop] != '\n')
        {
            stop++;
        }

        return JsonReadContext.Excerpt(_s.Substring(_pos, stop - _pos), quote: true) + " at " + _map.Where(_pos);
    }

    private bool Fail(string message) => Fail(ExtractionErrorKind.InvalidJson, "is not valid JSON: " + message, isKey: false);

    private bool Fail(ExtractionErrorKind kind, string message, bool isKey)
    {
        Failure = new ScanFailure(kind, _depth == 0 ? "$" : CurrentPath(isKey), message, _pos, _sawColon);
        return false;
    }

    private bool LoneSurrogate(bool isKey = false) =>
        Fail(ExtractionErrorKind.InvalidString, $"holds an unpaired UTF-16 surrogate at {_map.Where(_pos)}", isKey);

    private bool Truncated(bool inString)
    {
        Failure = new ScanFailure(
            ExtractionErrorKind.Truncated, "$", JsonTextLocator.TruncatedMessage(inString, _depth), _pos, _sawColon);
        return false;
    }

    private struct Frame
    {
        public FrameKind Kind;
        public int Count;
        public string? Key;
        public string Segment;
        public int OutStart;
        public bool TrailingComma;
        public string? CallName;
    }
}
