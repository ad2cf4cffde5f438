using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StructuredOutput.Reading.Repair;

/// <summary>
/// Reads one object of an answer leniently and writes it out as strict JSON, recording each repair with its JSON path.
/// One scan follows one reading: where the text is ambiguous it asks the <see cref="ChoiceCursor"/> which way to go,
/// so that <see cref="JsonRepairer"/> can try every reading and keep an answer only when exactly one works. The scan is
/// iterative (an explicit stack bounded by the depth limit) and linear in the text, apart from a bounded look-ahead
/// for the possible ends of a string with unescaped quotes.
/// </summary>
internal sealed partial class LenientScanner
{
    private const int MaxCandidates = 4;

    private readonly string _s;
    private readonly int _end;
    private readonly int _maxDepth;
    private readonly ChoiceCursor _cursor;
    private readonly bool _quietFenceTail;
    private readonly bool _inArray;
    private readonly TextMap _map;
    private readonly CharBuffer _out;
    private readonly List<(int Source, int Length)> _commas = new(); // the commas of the string being read, and its length there
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
    /// <param name="inArray">Whether the object is the element of a top-level array, whose ']' must follow it.</param>
    /// <param name="map">Line starts of <paramref name="text"/>, for positions in messages.</param>
    /// <param name="output">Receives the strict JSON.</param>
    public LenientScanner(string text, int end, int maxDepth, ChoiceCursor cursor, bool quietFenceTail, bool inArray, TextMap map, CharBuffer output)
    {
        _s = text;
        _map = map;
        _end = end;
        _maxDepth = maxDepth;
        _cursor = cursor;
        _quietFenceTail = quietFenceTail;
        _inArray = inArray;
        _out = output;
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
        if (!NextToken())
        {
            return false;
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

        if (!IsQuoteOpener(c) && !IsKeyChar(c))
        {
            return Fail($"expected a property name or '}}', found {Found()}");
        }

        if (frame.Count > 0)
        {
            _out.Append(',');
        }

        frame.Count++;
        _out.Append('"');
        int keyStart = _out.Length;
        if (IsQuoteOpener(c))
        {
            if (!ScanString(isKey: true))
            {
                return false;
            }
        }
        else
        {
            ScanBareKey();
        }

        frame.KeyStart = keyStart;
        frame.KeyLength = _out.Length - keyStart;
        _out.Append('"');
        afterComma = false;
        state = State.Colon;
        return true;
    }

    // After a property name.
    private bool ColonStep(ref State state)
    {
        if (!SkipTrivia(between: false))
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
        if (!SkipTrivia(between: false))
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
            case '[':
            case '(':
                _pos++;
                afterComma = false;
                state = c == '{' ? State.Member : State.Element;
                return Open(c switch { '{' => FrameKind.Object, '[' => FrameKind.Array, _ => FrameKind.Tuple });
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
        if (!NextToken())
        {
            return false;
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
        if (!NextToken())
        {
            return false;
        }

        switch (Top.Kind)
        {
            case FrameKind.Object:
                return AfterMember(ref state, ref afterComma);
            case FrameKind.Array:
            case FrameKind.Tuple:
                return AfterElement(ref state, ref afterComma, glued: _pos == valueEnd && !afterContainer);
            default: // a call: Name(value)
                if (_s[_pos] == ')')
                {
                    _pos++;
                    return Close(ref state, byBrace: false);
                }

                return Fail($"expected ')' after the one value inside {Top.CallName}(...), found {Found()}");
        }
    }

    // After a member's value: ',' or '}', or a missing comma before the next property name.
    private bool AfterMember(ref State state, ref bool afterComma)
    {
        char c = _s[_pos];
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
    }

    // After an element: ',' or the closer, or a missing comma before the next element ('glued' when nothing, not
    // even a space, separates it from a value that is not a container: then it is part of the same word).
    private bool AfterElement(ref State state, ref bool afterComma, bool glued)
    {
        char c = _s[_pos];
        char closer = Top.Kind == FrameKind.Array ? ']' : ')';
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

        if (c is ':' or '=' or ';' || (glued && c is not ('{' or '[')))
        {
            return Fail($"expected ',' or '{closer}' after {CurrentPath()}, found {Found()}");
        }

        _repairs.Add($"Inserted a missing comma after {CurrentPath()}.");
        afterComma = false;
        state = State.Element;
        return true;
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

    // Whether the character at 'p' can come after a value inside a container of the given kind.
    private bool FitsAfterValue(FrameKind kind, int p)
    {
        if (p >= _end)
        {
            return false;
        }

        char c = _s[p];
        if (c is '}' or ']' or ')')
        {
            return true;
        }

        if (c == ',')
        {
            // After the comma: what the container takes next (a property name, an element, or its closer).
            int q = NextSignificant(p + 1);
            if (q >= _end)
            {
                return false;
            }

            char n = _s[q];
            return n is '}' or ']' or ')' or ',' || kind switch
            {
                FrameKind.Object => IsQuoteOpener(n) || IsKeyChar(n),
                FrameKind.Array or FrameKind.Tuple => n is not (':' or '=' or ';'),
                _ => false,
            };
        }

        return kind switch
        {
            FrameKind.Object => IsQuoteOpener(c) && IsQuotedKeyAt(p),
            FrameKind.Array or FrameKind.Tuple => c is not (':' or '=' or ';'),
            _ => false,
        };
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
            Failure = new ScanFailure(ExtractionErrorKind.TooDeep, "$", JsonTextLocator.TooDeepMessage(_maxDepth), _pos, looksLikeJson: true);
            return false;
        }

        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, Math.Min(_frames.Length * 2, _maxDepth + 1));
        }

        _frames[_depth++] = new Frame { Kind = kind, KeyStart = -1, OutStart = _out.Length };
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
        JsonTextLocator.Tail tail = JsonTextLocator.ClassifyTail(_s, _pos, _end, _inArray);
        switch (tail)
        {
            case JsonTextLocator.Tail.Empty:
                break;
            case JsonTextLocator.Tail.Continuation:
                int next = SkipSpaces(_pos);
                int member = NextSignificant(next + 1);
                if (_rootClosedByBrace && _s[next] == ',' && member < _end && (IsQuoteOpener(_s[member]) || IsKeyChar(_s[member])))
                {
                    // The brace was stray: the members after it belong to the same object.
                    _out.Length--;
                    _depth = 1;
                    _repairs.Add($"Removed a stray '}}' at {_map.Where(_pos - 1)}; the object continues after it.");
                    state = State.AfterValue;
                    return true;
                }

                goto default;
            case JsonTextLocator.Tail.Stray:
                _repairs.Add(JsonTextLocator.StrayAfterRepair);
                break;
            case JsonTextLocator.Tail.FenceClose when _quietFenceTail:
                break;
            case JsonTextLocator.Tail.FenceClose:
            case JsonTextLocator.Tail.Prose:
                _repairs.Add(JsonTextLocator.ProseAfterRepair);
                break;
            default:
                JsonTextLocator.TailError(tail, _s, _pos - 1, _end, out ExtractionErrorKind kind, out string? message);
                Failure = new ScanFailure(kind, "$", message!, _pos, looksLikeJson: true);
                return false;
        }

        state = State.Done;
        return true;
    }

    // Copies raw text to the output as JSON string content (escaped); false, with a failure, at a lone surrogate.
    private bool CopyRaw(int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            char c = _s[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < to && char.IsLowSurrogate(_s[i + 1]))
                {
                    _out.Append(c, _s[i + 1]);
                    i++;
                    continue;
                }

                _pos = i;
                return LoneSurrogate();
            }

            AppendEscaped(c);
        }

        return true;
    }

    // Writes one character of string content to the output, escaped as JSON requires.
    private void AppendEscaped(char c)
    {
        switch (c)
        {
            case '"':
            case '\\':
                _out.Append('\\', c);
                break;
            case '\n':
                _out.Append('\\', 'n');
                break;
            case '\r':
                _out.Append('\\', 'r');
                break;
            case '\t':
                _out.Append('\\', 't');
                break;
            case '\b':
                _out.Append('\\', 'b');
                break;
            case '\f':
                _out.Append('\\', 'f');
                break;
            default:
                if (c < ' ')
                {
                    _out.Append('\\', 'u');
                    _out.Append('0', '0');
                    _out.Append(HexDigit(c >> 4), HexDigit(c & 0xF));
                }
                else
                {
                    _out.Append(c);
                }

                break;
        }
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);

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
            sb.Append(MemberSegment(ref _frames[i - 1])); // the member of the parent that this container is
        }

        return sb.ToString();
    }

    // The path of the value being read: the container's path and the current member or element.
    private string CurrentPath() => _depth == 0 ? "$" : ContainerPath() + MemberSegment(ref Top);

    private string CurrentPath(bool isKey) => isKey ? ContainerPath() : CurrentPath();

    // Where a comment or space sits: between members ("after $.a", or "in $" before the first), or inside one ("at $.a").
    private string Place(bool between)
    {
        if (_depth == 0)
        {
            return "after the object";
        }

        string member = MemberSegment(ref Top);
        return member.Length == 0 ? "in " + ContainerPath() : (between ? "after " : "at ") + ContainerPath() + member;
    }

    private string MemberSegment(ref Frame frame) => frame.Kind switch
    {
        FrameKind.Object => frame.KeyStart < 0 ? string.Empty : Segment(_out.ToString(frame.KeyStart, frame.KeyLength)),
        FrameKind.Call => string.Empty,
        _ => frame.Count == 0 ? string.Empty : JsonPath.Index(frame.Count - 1),
    };

    // A path segment for a property name (given JSON-escaped).
    private static string Segment(string escapedName) => JsonPath.PropertyFromEscaped(escapedName);

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

    // Skips trivia to the next token. False when the scan stops there: a failure in the trivia, or the answer ends.
    private bool NextToken() => SkipTrivia(between: true) && (_pos < _end || Truncated(inString: false));

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
        public int KeyStart; // the current property name in the output (JSON-escaped), or -1 before the first
        public int KeyLength;
        public int OutStart;
        public bool TrailingComma;
        public string? CallName;
    }
}
