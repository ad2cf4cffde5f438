using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StructuredOutput.Batching;

namespace StructuredOutput.IntegrationTests.Batching;

/// <summary>
/// The Batch API engine's reading of output and error files: lines taken from the read buffer without a copy, whatever
/// the reads' sizes, and each line's custom id, response, error and body found in one pass.
/// </summary>
public sealed class BatchOutputReadingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public async Task Every_line_comes_whole_whatever_the_reads_and_the_line_lengths(int readSize)
    {
        string longLine = "{\"x\":\"" + new string('a', 150_000) + "\"}"; // longer than the 64 KB read buffer
        string[] lines = { "{\"a\":1}", longLine, "{\"b\":2}", "{\"c\":\"é\"}", longLine + " ", "{\"d\":4}" };
        string text = lines[0] + "\r\n" + lines[1] + "\n\n   \n" + lines[2] + "\r\n" + lines[3] + "\n" + lines[4] + "\n" + lines[5]; // the last without a line feed

        var read = new List<string>();
        await foreach (ReadOnlyMemory<byte> line in JsonLines.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(text), readSize), CancellationToken.None))
        {
            read.Add(Encoding.UTF8.GetString(line.Span)); // copied before the reader moves on, as the engine does
        }

        Assert.Equal(lines, read);
    }

    [Fact]
    public void A_good_line_gives_its_id_and_the_completion_read_by_the_SDK()
    {
        string body = FakeOpenAIServer.CompletionJson(new CompletionResponse("{\"x\":1,\"y\":2}", "stop", 20, 5), "m", "chatcmpl-1", 1_764_000_000);
        string line = "{\"id\":\"batch_req_1\",\"custom_id\":\"item-\\u00e9\",\"response\":{\"status_code\":200,\"request_id\":\"r\",\"body\":" + body + "},\"error\":null}";

        BatchOutputLine read = BatchOutputLine.Read(Encoding.UTF8.GetBytes(line));

        Assert.Equal("item-é", read.CustomId);
        Assert.Null(read.Error);
        Assert.Equal("{\"x\":1,\"y\":2}", read.Response!.Text);
        Assert.Equal(20, read.Response.Usage!.InputTokenCount);
    }

    [Theory]
    [InlineData("{\"custom_id\":\"a\",\"response\":null,\"error\":{\"code\":\"batch_expired\",\"message\":\"This request could not be executed before the completion window expired.\"}}", "a", "batch_expired: This request could not be executed", "{\"code\":\"batch_expired\"")]
    [InlineData("{\"custom_id\":\"b\",\"response\":{\"status_code\":500,\"body\":{\"error\":{\"message\":\"The server had an error.\",\"type\":\"server_error\",\"code\":null}}},\"error\":null}", "b", "HTTP 500: The server had an error.", "{\"error\":{\"message\":\"The server had an error.\"")]
    [InlineData("{\"custom_id\":\"b2\",\"response\":{\"status_code\":503,\"body\":{\"error\":{\"code\":\"overloaded\",\"message\":\"Busy.\"}}}}", "b2", "HTTP 503: overloaded: Busy.", "{\"error\":{\"code\":\"overloaded\",\"message\":\"Busy.\"}}")]
    [InlineData("{\"custom_id\":\"c\",\"response\":{\"status_code\":200,\"body\":{\"choices\":\"none\"}}}", "c", "the SDK could not read the chat completion", "{\"choices\":\"none\"}")]
    [InlineData("{\"custom_id\":\"d\",\"response\":{\"status_code\":200}}", "d", "HTTP 200: no error given", null)]
    [InlineData("{\"custom_id\":\"e\"}", "e", "the line has neither a response nor an error", "{\"custom_id\":\"e\"}")]
    [InlineData("{\"custom_id\":\"f\",\"response\":{\"status_code\":200,\"body\":{}}", null, "the line is not JSON", null)]
    [InlineData("{\"custom_id\":\"g\"} {\"custom_id\":\"h\"}", null, "the line is not JSON", null)]
    [InlineData("[1,2]", null, "the line has neither a response nor an error", "[1,2]")]
    public void A_line_without_a_readable_completion_names_why_and_keeps_the_body(string line, string? id, string error, string? bodyStart)
    {
        BatchOutputLine read = BatchOutputLine.Read(Encoding.UTF8.GetBytes(line));

        Assert.Null(read.Response);
        Assert.Equal(id, read.CustomId);
        Assert.StartsWith(error, read.Error, StringComparison.Ordinal);
        if (bodyStart is null)
        {
            Assert.Null(read.Body);
        }
        else
        {
            Assert.StartsWith(bodyStart, read.Body, StringComparison.Ordinal);
        }
    }

    /// <summary>A stream that gives at most a set number of bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream : MemoryStream
    {
        private readonly int _most;

        public TrickleStream(byte[] bytes, int most)
            : base(bytes) => _most = most;

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, _most));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, _most)], cancellationToken);
    }
}
