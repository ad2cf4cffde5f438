using System;
using System.Text;
using StructuredOutput.Streaming;

namespace StructuredOutput.Tests.Streaming;

/// <summary>
/// The encoding of ASCII chunks that the incremental reader tries first: the bytes UTF-8 gives for every length around
/// the eight-character blocks, and a refusal for any character beyond ASCII wherever it stands.
/// </summary>
public class AsciiTextTests
{
    [Fact]
    public void Writes_the_bytes_utf8_gives_for_any_ascii_text()
    {
        var random = new Random(20261130);
        for (int length = 0; length <= 70; length++)
        {
            for (int round = 0; round < 20; round++)
            {
                var chars = new char[length];
                for (int i = 0; i < length; i++)
                {
                    chars[i] = (char)random.Next(0, 0x80);
                }

                var bytes = new byte[length + 8];
                bytes.AsSpan().Fill(0xEE);
                Assert.True(AsciiText.TryNarrow(chars, bytes), $"length {length}");
                Assert.Equal(Encoding.UTF8.GetBytes(chars), bytes.AsSpan(0, length).ToArray());
                Assert.All(bytes.AsSpan(length).ToArray(), b => Assert.Equal(0xEE, b)); // nothing written past the text
            }
        }
    }

    [Theory]
    [InlineData('\u0080')]
    [InlineData('\u00e9')]
    [InlineData('\u20ac')]
    [InlineData('\ud83d')]
    [InlineData('\uff80')]
    public void Refuses_a_text_with_any_character_beyond_ascii_wherever_it_stands(char beyond)
    {
        for (int length = 1; length <= 40; length++)
        {
            for (int at = 0; at < length; at++)
            {
                var chars = new string('a', length).ToCharArray();
                chars[at] = beyond;
                Assert.False(AsciiText.TryNarrow(chars, new byte[length * 3]), $"length {length}, at {at}");
            }
        }
    }

    [Fact]
    public void Refuses_a_destination_shorter_than_the_text()
    {
        Assert.False(AsciiText.TryNarrow("abcdefghij", new byte[9]));
        Assert.True(AsciiText.TryNarrow("abcdefghij", new byte[10]));
    }
}
