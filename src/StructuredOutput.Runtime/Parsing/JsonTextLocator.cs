using System;

namespace StructuredOutput.Parsing;

/// <summary>
/// Finds the JSON object in a model's answer: strips a byte-order mark, takes the object out of a markdown fence or
/// out of surrounding prose, and tells a truncated or doubled answer apart from a clean one. Text only; it knows no
/// types.
/// </summary>
internal static class JsonTextLocator
{
    /// <summary>Locates the one top-level JSON object in <paramref name="text"/>.</summary>
    /// <param name="text">The answer.</param>
    /// <param name="context">Receives repairs and errors (at <c>$</c>).</param>
    /// <param name="start">The index of the object's opening brace.</param>
    /// <param name="length">The length of the object's text.</param>
    /// <returns>Whether an object was found; when not, an error has been recorded.</returns>
    public static bool TryLocate(string text, JsonReadContext context, out int start, out int length)
    {
        start = 0;
        length = 0;
        int from = 0;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            context.AddRepair("Removed a byte-order mark before the JSON.");
            from = 1;
        }

        ReadOnlySpan<char> all = text.AsSpan(from);
        ReadOnlySpan<char> trimmed = all.Trim();
        if (trimmed.IsEmpty)
        {
            context.AddErrorAt("$", ExtractionErrorKind.NoJson, "the answer is empty; expected one JSON object");
            return false;
        }

        int offset = from + (all.Length - all.TrimStart().Length);
        int end = offset + trimmed.Length;

        // The common, clean case: the answer is the object itself.
        if (text[offset] == '{')
        {
            return TakeObject(text, offset, end, context, prose: false, out start, out length);
        }

        if (TryFindFence(text, offset, end, out int fenceStart, out int fenceEnd))
        {
            int objectStart = FindObjectStart(text, fenceStart, fenceEnd);
            if (objectStart >= 0)
            {
                context.AddRepair("Took the JSON out of a markdown code fence.");
                return TakeObject(text, objectStart, fenceEnd, context, prose: true, out start, out length);
            }
        }

        int proseStart = FindObjectStart(text, offset, end);
        if (proseStart >= 0)
        {
            context.AddRepair("Ignored text before the JSON object.");
            return TakeObject(text, proseStart, end, context, prose: true, out start, out length);
        }

        string found = JsonReadContext.Excerpt(text.Substring(offset, end - offset), quote: true);
        string what = text[offset] == '[' ? "a JSON array" : found;
        context.AddErrorAt("$", ExtractionErrorKind.NoJson, $"expected one JSON object, found {what}");
        return false;
    }

    private static bool TakeObject(string text, int objectStart, int end, JsonReadContext context, bool prose, out int start, out int length)
    {
        start = objectStart;
        length = 0;
        int close = FindClose(text, objectStart, end, out int unclosed, out bool inString);
        if (close < 0)
        {
            string detail = inString
                ? "inside a string"
                : unclosed == 1 ? "with 1 bracket left open" : $"with {unclosed} brackets left open";
            context.AddErrorAt("$", ExtractionErrorKind.Truncated, $"the answer ends before the JSON is complete ({detail})");
            return false;
        }

        length = close - objectStart + 1;
        int rest = close + 1;
        ReadOnlySpan<char> after = text.AsSpan(rest, end - rest).Trim();
        if (after.IsEmpty)
        {
            return true;
        }

        int next = FindObjectStart(text, rest, end);
        if (next >= 0 && FindClose(text, next, end, out _, out _) >= 0)
        {
            context.AddErrorAt("$", ExtractionErrorKind.MultipleValues, "the answer holds more than one JSON object; answer with exactly one");
            return false;
        }

        if (!prose || !IsFenceTail(after))
        {
            context.AddRepair("Ignored text after the JSON object.");
        }

        return true;
    }

    // A markdown fence (``` or ~~~, with an optional info string such as json) and the end of its body.
    private static bool TryFindFence(string text, int from, int end, out int bodyStart, out int bodyEnd)
    {
        bodyStart = bodyEnd = -1;
        for (int i = from; i + 2 < end; i++)
        {
            char c = text[i];
            if ((c == '`' || c == '~') && text[i + 1] == c && text[i + 2] == c && (i == from || text[i - 1] == '\n'))
            {
                int lineEnd = text.IndexOf('\n', i, end - i);
                if (lineEnd < 0)
                {
                    return false;
                }

                bodyStart = lineEnd + 1;
                string marker = new(c, 3);
                int close = text.IndexOf("\n" + marker, lineEnd, end - lineEnd, StringComparison.Ordinal);
                bodyEnd = close < 0 ? end : close + 1;
                return true;
            }
        }

        return false;
    }

    private static bool IsFenceTail(ReadOnlySpan<char> after) => after.StartsWith("```") || after.StartsWith("~~~");

    // The first '{' that plausibly opens a JSON object: followed by a quoted key or a closing brace.
    private static int FindObjectStart(string text, int from, int end)
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

    // The index of the brace that closes the object opened at 'open', honouring strings; -1 when the text ends first.
    private static int FindClose(string text, int open, int end, out int unclosed, out bool inString)
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
                    depth++;
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
