using System;
using System.Buffers;
using System.ComponentModel;
using System.Text;
using System.Text.Json;

namespace StructuredOutput.Parsing;

/// <summary>
/// Runs a generated root reader over a model's answer: locates the JSON, reads it once with
/// <see cref="Utf8JsonReader"/>, and turns every problem into an <see cref="ExtractionError"/>. Not meant to be called
/// from user code; use <see cref="LlmContract{T}.Parse(string)"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonAnswerParser
{
    /// <summary>The deepest nesting of arrays and objects read before the answer is rejected.</summary>
    public const int MaxDepth = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses <paramref name="text"/> with the generated root reader <paramref name="readRoot"/>.</summary>
    /// <typeparam name="T">The extraction type.</typeparam>
    /// <param name="text">The model's answer.</param>
    /// <param name="readRoot">The generated reader of the root object.</param>
    /// <returns>The value, or every error found.</returns>
    public static ParseResult<T> Parse<T>(string? text, JsonValueReader<T> readRoot)
    {
        ArgumentNullException.ThrowIfNull(readRoot);
        var context = new JsonReadContext();
        if (text is null)
        {
            context.AddErrorAt("$", ExtractionErrorKind.NoJson, "the answer is empty; expected one JSON object");
            return ParseResult<T>.Failure(context.Errors, context.Repairs);
        }

        if (!JsonTextLocator.TryLocate(text, context, out int start, out int length))
        {
            return ParseResult<T>.Failure(context.Errors, context.Repairs);
        }

        ReadOnlySpan<char> json = text.AsSpan(start, length);
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
                context.AddErrorAt("$", ExtractionErrorKind.InvalidString, $"the answer holds an unpaired UTF-16 surrogate at character {start + e.Index}");
                return ParseResult<T>.Failure(context.Errors, context.Repairs);
            }

            rented = ArrayPool<byte>.Shared.Rent(byteCount);
            int written = StrictUtf8.GetBytes(json, rented);
            var reader = new Utf8JsonReader(rented.AsSpan(0, written), new JsonReaderOptions { MaxDepth = MaxDepth });
            T value;
            try
            {
                reader.Read();
                readRoot(ref reader, context, out value);
            }
            catch (JsonException e)
            {
                context.AddErrorAt("$", ExtractionErrorKind.InvalidJson, "is not valid JSON: " + DescribeSyntaxError(e));
                return ParseResult<T>.Failure(context.Errors, context.Repairs);
            }
            catch (InvalidOperationException) when (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String
                && reader.ValueIsEscaped && HasLoneSurrogateEscape(reader.ValueSpan))
            {
                // Utf8JsonReader validates escapes lazily: comparing or decoding a property name or an enum string
                // with an unpaired \uD800-\uDFFF escape throws. Report it where the reader stands.
                string what = reader.TokenType == JsonTokenType.PropertyName ? "a property name" : "a string";
                string raw = JsonReadContext.Excerpt(Encoding.UTF8.GetString(reader.ValueSpan), quote: false);
                context.AddError(ExtractionErrorKind.InvalidString, $"expected {what} in valid Unicode, found \"{raw}\" (a lone surrogate escape)");
                return ParseResult<T>.Failure(context.Errors, context.Repairs);
            }

            return context.ErrorCount == 0
                ? ParseResult<T>.Success(value, context.Repairs)
                : ParseResult<T>.Failure(context.Errors, context.Repairs);
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
