using System;
using System.Buffers;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StructuredOutput.Reading.Repair;

namespace StructuredOutput.Reading;

/// <summary>
/// Runs a generated root reader over a model's answer: locates the JSON, reads it once with
/// <see cref="Utf8JsonReader"/>, and turns every problem into an <see cref="ExtractionError"/>. Only when that strict
/// read meets malformed JSON does the repair stage run; it recovers answers whose meaning is unambiguous and lists
/// each fix in <see cref="ParseResult{T}.Repairs"/>. Called by generated code, not a user API; use
/// <see cref="LlmContract{T}.Parse(string)"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonAnswerParser
{
    /// <summary>The default deepest nesting of arrays and objects read before the answer is rejected.</summary>
    public const int MaxDepth = ParseOptions.DefaultMaxDepth;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private enum ReadStatus
    {
        Read,
        SyntaxError,
        BadText,
    }

    /// <summary>Parses <paramref name="text"/> with the generated root reader <paramref name="readRoot"/> and the default options.</summary>
    /// <typeparam name="T">The extraction type.</typeparam>
    /// <param name="text">The model's answer.</param>
    /// <param name="readRoot">The generated reader of the root object.</param>
    /// <returns>The value, or every error found.</returns>
    public static ParseResult<T> Parse<T>(string? text, JsonValueReader<T> readRoot) => Parse(text, readRoot, null);

    /// <summary>Parses <paramref name="text"/> with the generated root reader <paramref name="readRoot"/>.</summary>
    /// <typeparam name="T">The extraction type.</typeparam>
    /// <param name="text">The model's answer.</param>
    /// <param name="readRoot">The generated reader of the root object.</param>
    /// <param name="options">Limits and leniency; <see langword="null"/> for <see cref="ParseOptions.Default"/>.</param>
    /// <returns>The value, or every error found.</returns>
    public static ParseResult<T> Parse<T>(string? text, JsonValueReader<T> readRoot, ParseOptions? options)
    {
        ArgumentNullException.ThrowIfNull(readRoot);
        options ??= ParseOptions.Default;
        var context = new JsonReadContext();
        if (text is null)
        {
            context.AddErrorAt("$", ExtractionErrorKind.NoJson, JsonTextLocator.EmptyMessage);
            return Fail<T>(context);
        }

        if (text.Length > options.MaxAnswerLength)
        {
            context.AddErrorAt("$", ExtractionErrorKind.TooLarge, TooLargeMessage(text.Length, options.MaxAnswerLength));
            return Fail<T>(context);
        }

        // The fast path: strict JSON, read once.
        if (JsonTextLocator.TryLocate(text, options.MaxDepth, context, out int start, out int length))
        {
            switch (Read(text.AsSpan(start, length), start, readRoot, context, options.MaxDepth, out T value, out JsonException? syntax))
            {
                case ReadStatus.Read:
                    return context.ErrorCount == 0 ? ParseResult<T>.Success(value, context.Repairs) : Fail<T>(context);
                case ReadStatus.BadText:
                    return Fail<T>(context);
                default:
                    if (!options.AllowRepairs)
                    {
                        context.AddErrorAt("$", ExtractionErrorKind.InvalidJson, "is not valid JSON: " + DescribeSyntaxError(syntax!));
                        return Fail<T>(context);
                    }

                    break;
            }
        }
        else if (!options.AllowRepairs || context.Errors[0].Kind == ExtractionErrorKind.NoJson)
        {
            // (A depth error goes on to the repair stage, which counts brackets inside single-quoted strings right.)
            return Fail<T>(context);
        }

        return ParseRepaired(text, readRoot, options.MaxDepth);
    }

    // The repair stage: every reading of the answer; exactly one must work (for the type, when several are JSON).
    private static ParseResult<T> ParseRepaired<T>(string text, JsonValueReader<T> readRoot, int maxDepth)
    {
        using RepairOutcome outcome = JsonRepairer.Repair(text, maxDepth);
        if (outcome.Prelude.ErrorCount > 0)
        {
            return Fail<T>(outcome.Prelude);
        }

        if (outcome.Failure is ScanFailure failure)
        {
            JsonReadContext failed = Begin(outcome, null);
            failed.AddErrorAt(failure.Path, failure.Kind, failure.Message);
            return Fail<T>(failed);
        }

        if (outcome.Readings.Count == 1 && outcome.Complete)
        {
            return ReadReading(outcome, outcome.Readings[0], readRoot, maxDepth);
        }

        // Several readings are valid JSON: keep those that the type accepts.
        ParseResult<T>? fitting = null;
        int fits = 0;
        foreach (RepairReading reading in outcome.Readings)
        {
            ParseResult<T> result = ReadReading(outcome, reading, readRoot, maxDepth);
            if (result.IsSuccess)
            {
                fits++;
                fitting = result;
            }
        }

        if (fits == 1 && outcome.Complete)
        {
            var repairs = new List<string>(fitting!.Repairs)
            {
                $"Took the only reading that fits the expected type: {outcome.Ambiguity?.Description ?? "the text is ambiguous"}.",
            };
            return ParseResult<T>.Success(fitting.Value!, repairs);
        }

        return Fail<T>(Ambiguous(outcome, fits));
    }

    // The error for an answer that the repair stage can read in several ways, 'fits' of which the type accepts.
    private static JsonReadContext Ambiguous(RepairOutcome outcome, int fits)
    {
        JsonReadContext context = Begin(outcome, null);
        string count = outcome.Complete ? outcome.Readings.Count.ToString(CultureInfo.InvariantCulture) : "too many";
        string which = fits > 1 ? $"{fits.ToString(CultureInfo.InvariantCulture)} of them fit the expected type" : fits == 0 ? "none of them fits the expected type" : "not all of them could be tried";
        context.AddErrorAt(
            outcome.Ambiguity?.Path ?? "$",
            ExtractionErrorKind.InvalidJson,
            $"is ambiguous: {outcome.Ambiguity?.Description ?? "the text can be read in more than one way"}; {count} readings are valid JSON and {which}. "
            + "Escape quotes inside strings as \\\" and close every bracket in order");
        return context;
    }

    private static ParseResult<T> ReadReading<T>(RepairOutcome outcome, RepairReading reading, JsonValueReader<T> readRoot, int maxDepth)
    {
        JsonReadContext context = Begin(outcome, reading);
        switch (Read(reading.Json.AsSpan(), 0, readRoot, context, maxDepth, out T value, out JsonException? syntax))
        {
            case ReadStatus.Read:
                return context.ErrorCount == 0 ? ParseResult<T>.Success(value, context.Repairs) : Fail<T>(context);
            case ReadStatus.SyntaxError:
                // Not expected: the scanner writes strict JSON. Reported rather than thrown.
                context.AddErrorAt("$", ExtractionErrorKind.InvalidJson, "is not valid JSON after repair: " + DescribeSyntaxError(syntax!));
                return Fail<T>(context);
            default:
                return Fail<T>(context);
        }
    }

    private static JsonReadContext Begin(RepairOutcome outcome, RepairReading? reading)
    {
        var context = new JsonReadContext();
        foreach (string repair in outcome.Prelude.Repairs)
        {
            context.AddRepair(repair);
        }

        reading?.Repairs.CopyTo(context);
        return context;
    }

    // Encodes the JSON text to UTF-8 and runs the root reader over it.
    private static ReadStatus Read<T>(
        ReadOnlySpan<char> json, int offset, JsonValueReader<T> readRoot, JsonReadContext context, int maxDepth, out T value, out JsonException? syntax)
    {
        value = default!;
        syntax = null;
        byte[]? rented = null;
        try
        {
            int byteCount;
            try
            {
                byteCount = StrictUtf8.GetByteCount(json);
            }
            catch (EncoderFallbackException e)
            {
                context.AddErrorAt("$", ExtractionErrorKind.InvalidString, $"the answer holds an unpaired UTF-16 surrogate at character {offset + e.Index}");
                return ReadStatus.BadText;
            }

            rented = ArrayPool<byte>.Shared.Rent(byteCount);
            int written = StrictUtf8.GetBytes(json, rented);
            var reader = new Utf8JsonReader(rented.AsSpan(0, written), new JsonReaderOptions { MaxDepth = maxDepth });
            try
            {
                reader.Read();
                readRoot(ref reader, context, out value);
            }
            catch (JsonException e)
            {
                syntax = e;
                return ReadStatus.SyntaxError;
            }
            catch (InvalidOperationException) when (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String
                && reader.ValueIsEscaped && HasLoneSurrogateEscape(reader.ValueSpan))
            {
                // Utf8JsonReader validates escapes lazily: comparing or decoding a property name or an enum string
                // with an unpaired \uD800-\uDFFF escape throws. Report it where the reader stands.
                string what = reader.TokenType == JsonTokenType.PropertyName ? "a property name" : "a string";
                string raw = JsonReadContext.Excerpt(Encoding.UTF8.GetString(reader.ValueSpan), quote: false);
                context.AddError(ExtractionErrorKind.InvalidString, $"expected {what} in valid Unicode, found \"{raw}\" (a lone surrogate escape)");
                return ReadStatus.BadText;
            }

            return ReadStatus.Read;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Whether the raw (still escaped) text of a string holds a \u escape of a surrogate that is not part of a pair.
    private static bool HasLoneSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\' || i + 1 >= raw.Length)
            {
                continue;
            }

            if (raw[i + 1] != (byte)'u')
            {
                i++; // a two-character escape such as \\ or \"
                continue;
            }

            int unit = ReadHex4(raw, i + 2);
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                bool paired = i + 7 < raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u'
                    && ReadHex4(raw, i + 8) is >= 0xDC00 and <= 0xDFFF;
                if (!paired)
                {
                    return true;
                }

                i += 11; // the pair of escapes
            }
            else if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return true;
            }
            else
            {
                i += 5;
            }
        }

        return false;
    }

    // The code unit of the four hex digits at 'at', or -1.
    private static int ReadHex4(ReadOnlySpan<byte> raw, int at)
    {
        if (at + 4 > raw.Length)
        {
            return -1;
        }

        int value = 0;
        for (int i = at; i < at + 4; i++)
        {
            int digit = raw[i] switch
            {
                >= (byte)'0' and <= (byte)'9' => raw[i] - '0',
                >= (byte)'a' and <= (byte)'f' => raw[i] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => raw[i] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return -1;
            }

            value = (value * 16) + digit;
        }

        return value;
    }

    private static string TooLargeMessage(int length, int maxLength) => string.Format(
        CultureInfo.InvariantCulture,
        "the answer is {0:N0} characters long, more than the {1:N0} that are read; answer with the JSON object only",
        length,
        maxLength);

    private static ParseResult<T> Fail<T>(JsonReadContext context) => ParseResult<T>.Failure(context.Errors, context.Repairs);

    private static string DescribeSyntaxError(JsonException e)
    {
        // The reader's message ends with its own "LineNumber: n | BytePositionInLine: m." suffix; say it plainly.
        string message = e.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message.Substring(0, cut);
        }

        return e.LineNumber is long line && e.BytePositionInLine is long column
            ? $"{message.TrimEnd('.')} (line {line + 1}, byte {column + 1})"
            : message;
    }
}
