using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace StructuredOutput.Reading;

/// <summary>
/// Finds the JSON object in a model's answer: strips a byte-order mark, takes the object out of a markdown fence, out
/// of surrounding prose or out of a top-level array that holds only it, and tells a truncated, doubled or over-deep
/// answer apart from a clean one; text after the object that starts like JSON (complete or not) is a second value,
/// never prose. Text only; it knows no types. The repair stage (<see cref="Repair.JsonRepairer"/>) shares its rules for
/// fences, arrays and the text after the object (<see cref="ClassifyTail"/>, <see cref="TailError"/>).
/// </summary>
internal static class JsonTextLocator
{
    internal const string EmptyMessage = "the answer is empty; expected one JSON object";
    internal const string MultipleMessage = "the answer holds more than one JSON object; answer with exactly one";
    internal const string ArrayAfterMessage = "the answer holds a JSON array after the object; answer with exactly one JSON object";
    internal const string UnfinishedAfterMessage = "the answer holds a second, unfinished JSON value after the object, so which one is the answer is a guess; answer with exactly one JSON object";
    internal const string SeveralElementsMessage = "the answer is a JSON array of more than one value; answer with exactly one JSON object, not an array";
    internal const string ArrayMessage = "expected one JSON object, found a JSON array; answer with the object itself, not an array";
    internal const string EmptyArrayMessage = "expected one JSON object, found an empty JSON array";
    internal const string ArrayRepair = "Took the only object out of a top-level JSON array.";
    internal const string BomRepair = "Removed a byte-order mark before the JSON.";
    internal const string FenceRepair = "Took the JSON out of a markdown code fence.";
    internal const string ProseBeforeRepair = "Ignored text before the JSON object.";
    internal const string ProseAfterRepair = "Ignored text after the JSON object.";
    internal const string StrayAfterRepair = "Ignored stray closing brackets or commas after the JSON object.";

    /// <summary>What follows the closing brace of the object, up to the end of its region.</summary>
    internal enum Tail
    {
        /// <summary>Nothing but whitespace.</summary>
        Empty,
        /// <summary>Only closing brackets, parentheses, commas or semicolons (a JSONP call's <c>);</c>, a doubled brace).</summary>
        Stray,
        /// <summary>More JSON members, as when a brace closed the object too early.</summary>
        Continuation,
        /// <summary>Another complete object.</summary>
        AnotherObject,
        /// <summary>A complete JSON array right after the object: a second top-level value.</summary>
        AnotherArray,
        /// <summary>The opening of another object or array that never closes (cut off, or malformed): a second value all the same.</summary>
        UnfinishedValue,
        /// <summary>For an object inside a top-level array: a comma, so the array holds more than the one object.</summary>
        AnotherElement,
        /// <summary>For an object inside a top-level array: the array's closing bracket does not follow.</summary>
        UnclosedArray,
        /// <summary>The closing line of a markdown fence, perhaps with prose after it.</summary>
        FenceClose,
        /// <summary>Prose.</summary>
        Prose,
    }

    /// <summary>Locates the one top-level JSON object in <paramref name="text"/>.</summary>
    /// <param name="text">The answer.</param>
    /// <param name="maxDepth">The deepest nesting allowed.</param>
    /// <param name="context">Receives repairs and errors (at <c>$</c>).</param>
    /// <param name="start">The index of the object's opening brace.</param>
    /// <param name="length">The length of the object's text.</param>
    /// <returns>Whether an object was found; when not, an error has been recorded.</returns>
    public static bool TryLocate(string text, int maxDepth, JsonReadContext context, out int start, out int length)
    {
        start = 0;
        length = 0;
        if (!TryTrim(text, context, out int offset, out int end))
        {
            return false;
        }

        // The common, clean case: the answer is the object itself.
        if (text[offset] == '{')
        {
            return TakeObject(text, offset, end, maxDepth, context, prose: false, out start, out length);
        }

        if (text[offset] == '[' && TryTakeArray(text, offset, end, maxDepth, context, prose: false, out bool found, out start, out length))
        {
            return found;
        }

        if (TryFindFence(text, offset, end, out int fenceStart, out int fenceEnd, out int afterFence))
        {
            int objectStart = FindObjectStart(text, fenceStart, fenceEnd);
            if (objectStart >= 0)
            {
                context.AddRepair(FenceRepair);
                return TakeEnclosed(text, fenceStart, objectStart, fenceEnd, maxDepth, context, out start, out length)
                    && NoObjectAfterFence(text, afterFence, end, context);
            }
        }

        int proseStart = FindObjectStart(text, offset, end);
        if (proseStart >= 0)
        {
            context.AddRepair(ProseBeforeRepair);
            return TakeEnclosed(text, offset, proseStart, end, maxDepth, context, out start, out length);
        }

        context.AddErrorAt("$", ExtractionErrorKind.NoJson, DescribeNoObject(text, offset, end));
        return false;
    }

    /// <summary>Skips a byte-order mark (recording it) and surrounding whitespace; records an error when nothing is left.</summary>
    internal static bool TryTrim(string text, JsonReadContext context, out int offset, out int end)
    {
        int from = 0;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            context.AddRepair(BomRepair);
            from = 1;
        }

        ReadOnlySpan<char> all = text.AsSpan(from);
        ReadOnlySpan<char> trimmed = all.Trim();
        offset = from + (all.Length - all.TrimStart().Length);
        end = offset + trimmed.Length;
        if (trimmed.IsEmpty)
        {
            context.AddErrorAt("$", ExtractionErrorKind.NoJson, EmptyMessage);
            return false;
        }

        return true;
    }

    /// <summary>The error message for an answer that holds no object.</summary>
    internal static string DescribeNoObject(string text, int offset, int end)
    {
        string found = JsonReadContext.Excerpt(text.Substring(offset, end - offset), quote: true);
        string what = text[offset] == '[' ? "a JSON array" : found;
        return $"expected one JSON object, found {what}";
    }

    /// <summary>The message for an object that is deeper than allowed.</summary>
    internal static string TooDeepMessage(int maxDepth) =>
        $"the JSON nests arrays and objects more than {maxDepth.ToString(CultureInfo.InvariantCulture)} levels deep";

    /// <summary>The message for an answer that stops before its JSON is complete.</summary>
    internal static string TruncatedMessage(bool inString, int unclosed) =>
        "the answer ends before the JSON is complete ("
        + (inString ? "inside a string" : unclosed == 1 ? "with 1 bracket left open" : $"with {unclosed.ToString(CultureInfo.InvariantCulture)} brackets left open")
        + ")";

    /// <summary>The message for an object followed by more members.</summary>
    internal static string ContinuationMessage(string text, int close, int tailStart, int end)
    {
        int from = tailStart;
        while (from < end && char.IsWhiteSpace(text[from]))
        {
            from++;
        }

        string excerpt = JsonReadContext.Excerpt(text.Substring(from, Math.Min(end - from, 40)), quote: true);
        return $"is not valid JSON: the object closes at {Where(text, close)}, but more JSON follows ({excerpt}); a closing brace may be misplaced";
    }

    /// <summary>"line L, column C" of a character, for error messages.</summary>
    internal static string Where(string text, int index)
    {
        int line = 1;
        int lineStart = 0;
        int stop = Math.Min(index, text.Length);
        for (int i = 0; i < stop; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return $"line {line.ToString(CultureInfo.InvariantCulture)}, column {(index - lineStart + 1).ToString(CultureInfo.InvariantCulture)}";
    }

    // The object found at 'objectStart' inside a fence or after prose, or the array of one object that holds it.
    private static bool TakeEnclosed(string text, int regionStart, int objectStart, int end, int maxDepth, JsonReadContext context, out int start, out int length)
    {
        int array = ArrayOpenBefore(text, regionStart, objectStart);
        return array >= 0 && TryTakeArray(text, array, end, maxDepth, context, prose: true, out bool found, out start, out length)
            ? found
            : TakeObject(text, objectStart, end, maxDepth, context, prose: true, out start, out length);
    }

    private static bool TakeObject(string text, int objectStart, int end, int maxDepth, JsonReadContext context, bool prose, out int start, out int length) =>
        TakeElement(text, objectStart, end, maxDepth, context, prose, inArray: false, out start, out length);

    // The object at 'objectStart', and the verdict on the text after it (after the array's ']' when it is an array's element).
    private static bool TakeElement(
        string text, int objectStart, int end, int maxDepth, JsonReadContext context, bool prose, bool inArray, out int start, out int length)
    {
        start = objectStart;
        length = 0;
        int close = FindClose(text, objectStart, end, maxDepth, out int unclosed, out bool inString);
        if (close == TooDeep)
        {
            context.AddErrorAt("$", ExtractionErrorKind.TooDeep, TooDeepMessage(maxDepth));
            return false;
        }

        if (close < 0)
        {
            context.AddErrorAt("$", ExtractionErrorKind.Truncated, TruncatedMessage(inString, unclosed + (inArray ? 1 : 0)));
            return false;
        }

        length = close - objectStart + 1;
        Tail tail = ClassifyTail(text, close + 1, end, inArray);
        if (TailError(tail, text, close, end, out ExtractionErrorKind kind, out string? message))
        {
            context.AddErrorAt("$", kind, message);
            return false;
        }

        if (inArray)
        {
            context.AddRepair(ArrayRepair);
        }

        if (tail == Tail.Stray)
        {
            context.AddRepair(StrayAfterRepair);
        }
        else if (tail == Tail.Prose || (tail == Tail.FenceClose && !prose))
        {
            context.AddRepair(ProseAfterRepair);
        }

        return true;
    }

    /// <summary>
    /// Whether the text after an object (classified as <paramref name="tail"/>) makes the answer unusable, and why: more
    /// members, a second value (complete or not), or an array that holds more than the one object.
    /// </summary>
    /// <param name="tail">The classification of the text after the object.</param>
    /// <param name="text">The answer.</param>
    /// <param name="close">The index of the object's closing brace.</param>
    /// <param name="end">The end of the object's region.</param>
    /// <param name="kind">The kind of error.</param>
    /// <param name="message">The error message, saying what to do.</param>
    internal static bool TailError(Tail tail, string text, int close, int end, out ExtractionErrorKind kind, [NotNullWhen(true)] out string? message)
    {
        (kind, message) = tail switch
        {
            Tail.Continuation => (ExtractionErrorKind.InvalidJson, ContinuationMessage(text, close, close + 1, end)),
            Tail.AnotherObject => (ExtractionErrorKind.MultipleValues, MultipleMessage),
            Tail.AnotherArray => (ExtractionErrorKind.MultipleValues, ArrayAfterMessage),
            Tail.UnfinishedValue => (ExtractionErrorKind.MultipleValues, UnfinishedAfterMessage),
            Tail.AnotherElement => (ExtractionErrorKind.MultipleValues, SeveralElementsMessage),
            Tail.UnclosedArray when IsBlank(text, close + 1, end) => (ExtractionErrorKind.Truncated, TruncatedMessage(inString: false, unclosed: 1)),
            Tail.UnclosedArray => (ExtractionErrorKind.InvalidJson, "is not valid JSON: the top-level array holds an object that is not followed by ']' or ','; answer with exactly one JSON object, not an array"),
            _ => (default(ExtractionErrorKind), (string?)null),
        };
        return message is not null;
    }

    /// <summary>
    /// Reads a top-level array that opens at <paramref name="open"/>. Returns false when the brackets do not look like
    /// JSON (such as a "[Note]" in prose), so the caller goes on as if there were no array; otherwise true, with
    /// <paramref name="found"/> telling whether the array is one object, which is then taken out of it.
    /// </summary>
    private static bool TryTakeArray(
        string text, int open, int end, int maxDepth, JsonReadContext context, bool prose, out bool found, out int start, out int length)
    {
        found = false;
        start = length = 0;
        int first = SkipSpace(text, open + 1, end);
        if (first < end && text[first] == '{' && LooksLikeObject(text, first, end))
        {
            found = TakeElement(text, first, end, maxDepth, context, prose, inArray: true, out start, out length);
            return true;
        }

        // Not an array of one object: an error when the whole region is a JSON array (empty, of scalars, nested).
        int close = FindClose(text, open, end, maxDepth, out _, out _);
        if (close < 0 || !IsBlank(text, close + 1, end) || !StartsLikeValue(text, first, end))
        {
            return false;
        }

        context.AddErrorAt("$", ExtractionErrorKind.NoJson, text[first] == ']' ? EmptyArrayMessage : ArrayMessage);
        return true;
    }

    /// <summary>
    /// The outermost '[' of the brackets that open right before the object at <paramref name="objectStart"/> (only
    /// white space between), or -1: the object is then an array's element.
    /// </summary>
    internal static int ArrayOpenBefore(string text, int regionStart, int objectStart)
    {
        int outer = -1;
        for (int k = objectStart - 1; k >= regionStart; k--)
        {
            if (text[k] == '[')
            {
                outer = k;
            }
            else if (!IsSpace(text[k]))
            {
                break;
            }
        }

        return outer;
    }

    /// <summary>A fenced object must be the only one: another object after the fence, even an unfinished one, is an error.</summary>
    internal static bool NoObjectAfterFence(string text, int afterFence, int end, JsonReadContext context)
    {
        if (SecondObjectMessage(text, afterFence, end) is not string message)
        {
            return true;
        }

        context.AddErrorAt("$", ExtractionErrorKind.MultipleValues, message);
        return false;
    }

    /// <summary>
    /// The error message when an object starts somewhere in the range (complete or cut off), or null: the first brace
    /// that opens something JSON-like (a quoted name, an empty object, or a bare name and its colon), not a template
    /// such as {name} in prose.
    /// </summary>
    internal static string? SecondObjectMessage(string text, int from, int end) => SecondObject(text, from, end) switch
    {
        Tail.AnotherObject => MultipleMessage,
        Tail.UnfinishedValue => UnfinishedAfterMessage,
        _ => null,
    };

    // Another object somewhere in the range: complete (AnotherObject), cut off (UnfinishedValue), or none.
    private static Tail? SecondObject(string text, int from, int end)
    {
        int open = FindObjectOpening(text, from, end);
        return open < 0 ? null : FindClose(text, open, end, int.MaxValue, out _, out _) >= 0 ? Tail.AnotherObject : Tail.UnfinishedValue;
    }

    // The first '{' in the range that opens something JSON-like, or -1.
    private static int FindObjectOpening(string text, int from, int end)
    {
        for (int i = from < end ? text.IndexOf('{', from, end - from) : -1; i >= 0; i = i + 1 < end ? text.IndexOf('{', i + 1, end - i - 1) : -1)
        {
            if (LooksLikeObject(text, i, end) || IsBlank(text, i + 1, end))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool LooksLikeObject(string text, int open, int end)
    {
        int j = open + 1;
        while (j < end && char.IsWhiteSpace(text[j]))
        {
            j++;
        }

        if (j >= end)
        {
            return false;
        }

        if (text[j] is '"' or '\'' or '}')
        {
            return true;
        }

        int k = j;
        while (k < end && (char.IsLetterOrDigit(text[k]) || text[k] is '_' or '$'))
        {
            k++;
        }

        while (k < end && (text[k] == ' ' || text[k] == '\t'))
        {
            k++;
        }

        return k > j && k < end && text[k] == ':';
    }

    /// <summary>Classifies the text after an object's closing brace.</summary>
    /// <param name="text">The answer.</param>
    /// <param name="from">The index after the closing brace.</param>
    /// <param name="end">The end of the object's region.</param>
    /// <param name="inArray">Whether the object is the element of a top-level array, whose ']' must come first.</param>
    internal static Tail ClassifyTail(string text, int from, int end, bool inArray = false)
    {
        int i = SkipSpace(text, from, end);
        if (inArray)
        {
            // The array's ']' first; then the text after the array is classified as after an object.
            if (i >= end || (text[i] != ']' && text[i] != ','))
            {
                return Tail.UnclosedArray;
            }

            if (text[i] == ',')
            {
                return Tail.AnotherElement;
            }

            i = SkipSpace(text, i + 1, end);
        }

        if (i >= end)
        {
            return Tail.Empty;
        }

        if (GoesOn(text, i, end) is Tail more)
        {
            return more;
        }

        if (IsStrayOnly(text, i, end))
        {
            return Tail.Stray;
        }

        if (SecondValue(text, i, end) is Tail second)
        {
            return second;
        }

        ReadOnlySpan<char> rest = text.AsSpan(i, end - i);
        return rest.StartsWith("```") || rest.StartsWith("~~~") ? Tail.FenceClose : Tail.Prose;
    }

    // Past any stray closing brackets: members, a colon or a string mean the JSON goes on (or a comma then another value).
    private static Tail? GoesOn(string text, int i, int end)
    {
        int j = i;
        while (j < end && (IsSpace(text[j]) || text[j] is '}' or ']' or ')'))
        {
            j++;
        }

        if (j >= end)
        {
            return null;
        }

        char c = text[j];
        if (c is '"' or '\'')
        {
            // A quote right after the object: a string closed too early, or another member.
            return Tail.Continuation;
        }

        if (c != ',' && c != ':')
        {
            return null;
        }

        int k = j + 1;
        while (k < end && (IsSpace(text[k]) || IsStray(text[k])))
        {
            k++;
        }

        if (k >= end)
        {
            return c == ',' ? Tail.Stray : Tail.Continuation;
        }

        return c == ',' && text[k] is '{' or '[' ? SecondValue(text, k, end) ?? Tail.Continuation : Tail.Continuation;
    }

    // Another value in the tail starting at 'i': an array right there, or a JSON-like object anywhere; complete or not.
    private static Tail? SecondValue(string text, int i, int end)
    {
        // (Brackets around words, such as "[Note: ...]", are prose.)
        if (text[i] == '[' && StartsLikeValue(text, SkipSpace(text, i + 1, end), end))
        {
            return FindClose(text, i, end, int.MaxValue, out _, out _) >= 0 ? Tail.AnotherArray : Tail.UnfinishedValue;
        }

        return SecondObject(text, i, end);
    }

    // Whether a JSON value (or an array's end) starts at 'i': a bracket, a string, a number or a literal; or the text ends there.
    private static bool StartsLikeValue(string text, int i, int end)
    {
        if (i >= end)
        {
            return true;
        }

        char c = text[i];
        if (c is '{' or '[' or ']' or '"' or '-' || char.IsAsciiDigit(c))
        {
            return true;
        }

        ReadOnlySpan<char> rest = text.AsSpan(i, end - i);
        foreach (string literal in new[] { "true", "false", "null" })
        {
            if (rest.StartsWith(literal, StringComparison.Ordinal)
                && (rest.Length == literal.Length || !char.IsLetterOrDigit(rest[literal.Length])))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsStrayOnly(string text, int from, int end)
    {
        for (int k = from; k < end; k++)
        {
            if (!IsSpace(text[k]) && !IsStray(text[k]))
            {
                return false;
            }
        }

        return true;
    }

    private static int SkipSpace(string text, int from, int end)
    {
        while (from < end && IsSpace(text[from]))
        {
            from++;
        }

        return from;
    }

    private static bool IsBlank(string text, int from, int end) => SkipSpace(text, from, end) >= end;

    private static bool IsStray(char c) => c is '}' or ']' or ')' or ',' or ';';

    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is '\u200B' or '\uFEFF' or '\u180E';

    /// <summary>
    /// A markdown fence (``` or ~~~ at the start of a line, perhaps indented, with an optional info string such as
    /// json): the start and end of its body and where the text after its closing line begins.
    /// </summary>
    internal static bool TryFindFence(string text, int from, int end, out int bodyStart, out int bodyEnd, out int afterFence)
    {
        bodyStart = bodyEnd = afterFence = -1;
        for (int i = from; i + 2 < end; i++)
        {
            char c = text[i];
            if ((c != '`' && c != '~') || text[i + 1] != c || text[i + 2] != c || !AtLineStart(text, from, i))
            {
                continue;
            }

            int lineEnd = text.IndexOf('\n', i, end - i);
            if (lineEnd < 0)
            {
                return false;
            }

            bodyStart = lineEnd + 1;
            bodyEnd = end;
            afterFence = end;
            for (int line = bodyStart; line < end;)
            {
                int next = text.IndexOf('\n', line, end - line);
                int stop = next < 0 ? end : next;
                int k = line;
                while (k < stop && (text[k] == ' ' || text[k] == '\t'))
                {
                    k++;
                }

                if (k + 2 < end && text[k] == c && text[k + 1] == c && text[k + 2] == c)
                {
                    bodyEnd = line;
                    afterFence = next < 0 ? end : next + 1;
                    break;
                }

                line = stop + 1;
            }

            return true;
        }

        return false;
    }

    private static bool AtLineStart(string text, int from, int i)
    {
        for (int k = i - 1; k >= from; k--)
        {
            char c = text[k];
            if (c == '\n')
            {
                return true;
            }

            if (c != ' ' && c != '\t')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first '{' that plausibly opens a JSON object: followed by a quoted key or a closing brace.</summary>
    internal static int FindObjectStart(string text, int from, int end)
    {
        int first = -1;
        for (int i = text.IndexOf('{', from, end - from); i >= 0 && i < end; i = i + 1 < end ? text.IndexOf('{', i + 1, end - i - 1) : -1)
        {
            if (first < 0)
            {
                first = i;
            }

            int j = i + 1;
            while (j < end && char.IsWhiteSpace(text[j]))
            {
                j++;
            }

            if (j < end && (text[j] == '"' || text[j] == '}'))
            {
                return i;
            }
        }

        return first;
    }

    /// <summary><see cref="FindClose"/>'s result when the nesting exceeds the allowed depth.</summary>
    internal const int TooDeep = -2;

    /// <summary>
    /// The index of the brace that closes the object opened at <paramref name="open"/>, honouring strings; -1 when the
    /// text ends first; <see cref="TooDeep"/> when the nesting exceeds <paramref name="maxDepth"/>.
    /// </summary>
    internal static int FindClose(string text, int open, int end, int maxDepth, out int unclosed, out bool inString)
    {
        int depth = 0;
        inString = false;
        for (int i = open; i < end; i++)
        {
            char c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{':
                case '[':
                    if (++depth > maxDepth)
                    {
                        unclosed = depth;
                        return TooDeep;
                    }

                    break;
                case '}':
                case ']':
                    depth--;
                    if (depth == 0)
                    {
                        unclosed = 0;
                        return i;
                    }

                    break;
            }
        }

        unclosed = depth;
        return -1;
    }
}
