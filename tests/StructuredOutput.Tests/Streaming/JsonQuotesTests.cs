using System;
using System.Text;
using StructuredOutput.Streaming;

namespace StructuredOutput.Tests.Streaming;

/// <summary>
/// The quote count that tells the incremental reader whether a chunk ends inside a string: against a byte-by-byte count,
/// for every length around the sixteen-byte blocks and every place of the quotes and backslashes.
/// </summary>
public class JsonQuotesTests
{
    [Fact]
    public void Counts_the_quotes_and_finds_the_last_as_a_byte_by_byte_scan_does_for_any_text()
    {
        var random = new Random(20261130);
        byte[] alphabet = Encoding.ASCII.GetBytes("\"\"\\ab :,{}[]\u007f");
        int backslashes = 0;
        int withQuotes = 0;
        for (int round = 0; round < 20_000; round++)
        {
            int length = random.Next(0, 70);
            var text = new byte[length];
            for (int i = 0; i < length; i++)
            {
                // Mostly letters, so that long texts without a backslash occur too.
                text[i] = random.Next(6) == 0 ? alphabet[random.Next(alphabet.Length)] : (byte)('a' + random.Next(26));
            }

            bool expected = Reference(text, out int expectedCount, out int expectedFirst, out int expectedLast);
            bool actual = JsonQuotes.TryCount(text, out int count, out int first, out int last);
            string shown = Encoding.ASCII.GetString(text);
            Assert.True(expected == actual, $"backslash found: {actual}, expected {expected} in <{shown}>");
            if (expected)
            {
                Assert.True(expectedCount == count, $"count {count}, expected {expectedCount} in <{shown}>");
                Assert.True(expectedFirst == first, $"first {first}, expected {expectedFirst} in <{shown}>");
                Assert.True(expectedLast == last, $"last {last}, expected {expectedLast} in <{shown}>");
                withQuotes += count > 0 ? 1 : 0;
            }
            else
            {
                backslashes++;
            }
        }

        Assert.InRange(backslashes, 1_000, 19_000); // both outcomes were exercised
        Assert.InRange(withQuotes, 1_000, 20_000);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void A_quote_or_a_backslash_in_the_last_byte_is_seen(int length)
    {
        byte[] text = new byte[length];
        text.AsSpan().Fill((byte)'a');
        text[^1] = (byte)'"';
        Assert.True(JsonQuotes.TryCount(text, out int count, out int first, out int last));
        Assert.Equal((1, length - 1, length - 1), (count, first, last));

        text[^1] = (byte)'\\';
        Assert.False(JsonQuotes.TryCount(text, out _, out _, out _));

        text[^1] = (byte)'a';
        text[0] = (byte)'"';
        Assert.True(JsonQuotes.TryCount(text, out count, out first, out last));
        Assert.Equal((1, 0, 0), (count, first, last));
    }

    private static bool Reference(byte[] text, out int count, out int first, out int last)
    {
        count = 0;
        first = -1;
        last = -1;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\\')
            {
                return false;
            }

            if (text[i] == (byte)'"')
            {
                first = count == 0 ? i : first;
                count++;
                last = i;
            }
        }

        return true;
    }
}
