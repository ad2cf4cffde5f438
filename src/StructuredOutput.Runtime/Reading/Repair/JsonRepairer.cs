using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StructuredOutput.Reading.Repair;

/// <summary>One complete reading of an answer: strict JSON and the repairs that produced it.</summary>
internal sealed class RepairReading
{
    private readonly CharBuffer _json;

    public RepairReading(CharBuffer json, RepairLog repairs)
    {
        _json = json;
        Repairs = repairs;
    }

    /// <summary>The strict JSON, in a pooled buffer that is valid until the outcome is disposed.</summary>
    public ArraySegment<char> Json => _json.Segment;

    public RepairLog Repairs { get; }

    internal void Release() => _json.Dispose();
}

/// <summary>What the repair stage made of an answer; disposing it returns the readings' pooled buffers.</summary>
internal sealed class RepairOutcome : IDisposable
{
    /// <summary>Repairs made while locating the object (byte-order mark, fence, prose), and a locating error if any.</summary>
    public JsonReadContext Prelude { get; } = new();

    /// <summary>The distinct complete readings; empty when <see cref="Failure"/> is set.</summary>
    public List<RepairReading> Readings { get; } = new();

    /// <summary>Why no reading exists.</summary>
    public ScanFailure? Failure { get; set; }

    /// <summary>The first place where the text could be read in more than one way.</summary>
    public ChoicePoint? Ambiguity { get; set; }

    /// <summary>Whether every reading was tried (false when a budget ran out, so uniqueness is unproven).</summary>
    public bool Complete { get; set; } = true;

    /// <summary>Returns the readings' buffers to the pool.</summary>
    public void Dispose()
    {
        foreach (RepairReading reading in Readings)
        {
            reading.Release();
        }

        Readings.Clear();
    }
}

/// <summary>
/// The lenient stage, run only when the strict read fails: finds the object (as the strict locator does, but without
/// assuming strict strings), then reads it with <see cref="LenientScanner"/> along every reading the text allows.
/// An answer is recovered only when exactly one reading is complete; the caller may narrow several readings down with
/// the target type's reader.
/// </summary>
internal static class JsonRepairer
{
    /// <summary>How many opening braces are tried as the start of the object (prose may hold braces of its own).</summary>
    private const int MaxStarts = 8;

    /// <summary>Beyond this many distinct complete readings the answer is ambiguous whatever the type says.</summary>
    private const int MaxReadings = 4;

    /// <summary>Characters scanned over all readings of one start, bounding the work on a long ambiguous answer.</summary>
    private const long ScanBudget = 32_000_000;

    /// <summary>Repairs <paramref name="text"/>.</summary>
    public static RepairOutcome Repair(string text, int maxDepth)
    {
        var outcome = new RepairOutcome();
        if (!JsonTextLocator.TryTrim(text, outcome.Prelude, out int offset, out int end))
        {
            return outcome;
        }

        bool fenced = FindRegion(text, offset, end, out int regionStart, out int regionEnd, out int afterFence);
        ScanFailure? firstFailure = null;
        int from = regionStart;
        for (int attempt = 0; attempt < MaxStarts; attempt++)
        {
            int start = NextStart(text, from, regionEnd);
            if (start < 0)
            {
                break;
            }

            int array = JsonTextLocator.ArrayOpenBefore(text, regionStart, start);
            bool prose = !fenced && (array >= 0 ? array : start) > regionStart;
            bool escaped = IsEscapedJson(text, start, regionEnd);
            Attempt(outcome, escaped ? Unescape(text, start, EscapedEnd(text, start, regionEnd)) : text, escaped ? 0 : start, escaped ? -1 : regionEnd, maxDepth, fenced || prose, array >= 0 && !escaped);
            ScanFailure? failure = outcome.Failure;
            bool conclusive = failure is null || escaped || failure.LooksLikeJson || failure.Kind != ExtractionErrorKind.InvalidJson;
            if (conclusive)
            {
                if (fenced)
                {
                    outcome.Prelude.AddRepair(JsonTextLocator.FenceRepair);
                }
                else if (prose)
                {
                    outcome.Prelude.AddRepair(JsonTextLocator.ProseBeforeRepair);
                }

                if (array >= 0 && !escaped)
                {
                    outcome.Prelude.AddRepair(JsonTextLocator.ArrayRepair);
                }

                if (escaped)
                {
                    outcome.Prelude.AddRepair("Unescaped JSON that was written as the content of a string (\\\" for every quote).");
                }

                if (failure is null && fenced && JsonTextLocator.SecondObjectMessage(text, afterFence, text.Length) is string second)
                {
                    outcome.Dispose();
                    outcome.Failure = new ScanFailure(ExtractionErrorKind.MultipleValues, "$", second, afterFence, true);
                }

                return outcome;
            }

            // A brace in prose (such as "{name}"): try the next one after the point where this one failed.
            firstFailure ??= failure;
            from = Math.Max(start + 1, failure!.Position);
            outcome.Failure = null;
            outcome.Ambiguity = null;
            outcome.Complete = true;
        }

        outcome.Failure = firstFailure
            ?? new ScanFailure(ExtractionErrorKind.NoJson, "$", JsonTextLocator.DescribeNoObject(text, offset, end), offset, false);
        return outcome;
    }

    // Where the object is looked for: the body of a markdown fence when the answer does not start with the object and a
    // fence holds one, else the whole trimmed answer. Returns whether it is a fence.
    private static bool FindRegion(string text, int offset, int end, out int regionStart, out int regionEnd, out int afterFence)
    {
        if (text[offset] != '{'
            && JsonTextLocator.TryFindFence(text, offset, end, out int bodyStart, out int bodyEnd, out int after)
            && NextStart(text, bodyStart, bodyEnd) >= 0)
        {
            (regionStart, regionEnd, afterFence) = (bodyStart, bodyEnd, after);
            return true;
        }

        (regionStart, regionEnd, afterFence) = (offset, end, end);
        return false;
    }

    // Every reading of the object at 'start'.
    private static void Attempt(RepairOutcome outcome, string source, int start, int end, int maxDepth, bool quietFenceTail, bool inArray)
    {
        if (end < 0)
        {
            end = source.Length;
        }

        long perRun = end - start + 1;
        int maxRuns = (int)Math.Clamp(ScanBudget / perRun, 2, 64);
        var cursor = new ChoiceCursor();
        var map = new TextMap(source);
        ScanFailure? first = null;
        int runs = 0;
        do
        {
            if (runs++ == maxRuns)
            {
                outcome.Complete = false;
                break;
            }

            var output = new CharBuffer(end - start + 64);
            var scanner = new LenientScanner(source, end, maxDepth, cursor, quietFenceTail, inArray, map, output);
            bool ok = scanner.Scan(start);
            outcome.Ambiguity ??= scanner.FirstChoice;
            if (scanner.LookAheadExhausted)
            {
                outcome.Complete = false;
            }

            if (!ok || IsKnown(outcome.Readings, output))
            {
                first ??= scanner.Failure;
                output.Dispose();
                continue;
            }

            outcome.Readings.Add(new RepairReading(output, scanner.Repairs));
            if (outcome.Readings.Count > MaxReadings)
            {
                outcome.Complete = false;
                break;
            }
        }
        while (cursor.Advance());

        if (outcome.Readings.Count == 0)
        {
            outcome.Failure = first;
        }
    }

    private static bool IsKnown(List<RepairReading> readings, CharBuffer json)
    {
        foreach (RepairReading reading in readings)
        {
            if (reading.Json.AsSpan().SequenceEqual(json.AsSpan()))
            {
                return true;
            }
        }

        return false;
    }

    // The next '{' that can open an object: followed by something a property name (or the closing brace) starts with.
    private static int NextStart(string text, int from, int end)
    {
        for (int i = from < end ? text.IndexOf('{', from, end - from) : -1; i >= 0; i = i + 1 < end ? text.IndexOf('{', i + 1, end - i - 1) : -1)
        {
            int j = i + 1;
            while (j < end && (char.IsWhiteSpace(text[j]) || LenientScanner.IsUnicodeSpace(text[j])))
            {
                j++;
            }

            if (j >= end)
            {
                return i;
            }

            char c = text[j];
            if (char.IsLetterOrDigit(c)
                || c is '"' or '\'' or '}' or '“' or '”' or '„' or '‘' or '’' or '\\' or '/' or '#' or ',' or '.' or '…' or '_' or '$'
                || (c == '`' && (j + 1 >= end || text[j + 1] != '`')))
            {
                return i;
            }
        }

        return -1;
    }

    // {\"key\": ...}: a JSON text that was escaped as the content of a string.
    private static bool IsEscapedJson(string text, int start, int end)
    {
        int j = start + 1;
        while (j < end && char.IsWhiteSpace(text[j]))
        {
            j++;
        }

        return j + 1 < end && text[j] == '\\' && text[j + 1] == '"';
    }

    // Where escaped JSON ends: before the closing quote of the string that holds it, when it is one.
    private static int EscapedEnd(string text, int start, int end)
    {
        int before = start - 1;
        while (before >= 0 && char.IsWhiteSpace(text[before]))
        {
            before--;
        }

        int last = end - 1;
        while (last > start && char.IsWhiteSpace(text[last]))
        {
            last--;
        }

        return before >= 0 && text[before] == '"' && text[last] == '"' ? last : end;
    }

    // Undoes one level of JSON string escaping over the region.
    private static string Unescape(string text, int start, int end)
    {
        var sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            if (c != '\\' || i + 1 >= end)
            {
                sb.Append(c);
                continue;
            }

            char n = text[i + 1];
            switch (n)
            {
                case '"':
                case '\\':
                case '/':
                    sb.Append(n);
                    i++;
                    break;
                case 'n':
                    sb.Append('\n');
                    i++;
                    break;
                case 'r':
                    sb.Append('\r');
                    i++;
                    break;
                case 't':
                    sb.Append('\t');
                    i++;
                    break;
                case 'b':
                    sb.Append('\b');
                    i++;
                    break;
                case 'f':
                    sb.Append('\f');
                    i++;
                    break;
                case 'u' when i + 5 < end && int.TryParse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code):
                    sb.Append((char)code);
                    i += 5;
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }
}
