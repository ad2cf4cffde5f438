using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Batching;

namespace StructuredOutput.IntegrationTests.Batching;

/// <summary>
/// The Batch API run's spool: every item written once, read back in order and by place, with its text or its messages
/// as Microsoft.Extensions.AI serializes them; the file gone once the spool is disposed.
/// </summary>
public sealed class BatchSpoolTests
{
    [Fact]
    public async Task Items_come_back_in_order_and_by_place_with_their_text_and_every_content_part()
    {
        byte[] png = TestMedia.Png(8, 8, seed: 5);
        var items = new[]
        {
            new BatchItem("a", "plain text, with a line feed\nand é, 漢字 and 🍝"),
            new BatchItem("é-2", ExtractionInput.FromMessage(new ChatMessage(ChatRole.User, new List<AIContent>
            {
                new TextContent("Scanned."),
                new DataContent(png, "image/png") { Name = "receipt.png" },
                new UriContent(new Uri("https://example.com/menu.pdf"), "application/pdf"),
            }))),
            new BatchItem("c", ExtractionInput.FromMessages(new[]
            {
                new ChatMessage(ChatRole.System, "Context first."),
                new ChatMessage(ChatRole.User, "good 3"),
            })),
        };
        var places = new Dictionary<string, SpoolEntry>();

        string path;
        await using (BatchSpool spool = await BatchSpool.WriteAsync(Stream(items), (id, entry) => places[id] = entry, CancellationToken.None))
        {
            Assert.Equal(3, spool.Count);
            var read = new List<(BatchItem Item, SpoolEntry Entry)>();
            await foreach (var each in spool.ReadAllAsync(CancellationToken.None))
            {
                read.Add(each);
            }

            Assert.Equal(items.Select(i => i.Id), read.Select(r => r.Item.Id));
            Assert.Equal(items.Select(i => places[i.Id]), read.Select(r => r.Entry)); // the same places, written and read

            // By place, in any order.
            BatchItem image = await spool.ReadAsync(places["é-2"], CancellationToken.None);
            BatchItem text = await spool.ReadAsync(places["a"], CancellationToken.None);
            BatchItem conversation = await spool.ReadAsync(places["c"], CancellationToken.None);

            // What each input makes of a request, as the original item makes it.
            Assert.Equal("plain text, with a line feed\nand é, 漢字 and 🍝", Wire.DelimitedInput(Request(text)[1].Text, out _));

            ChatMessage message = Request(image)[1];
            Assert.Equal(ChatRole.User, message.Role);
            Assert.Equal("Scanned.", Wire.DelimitedInput(Assert.IsType<TextContent>(message.Contents[0]).Text, out _));
            var data = Assert.IsType<DataContent>(message.Contents[1]);
            Assert.Equal(png, data.Data.ToArray());
            Assert.Equal("image/png", data.MediaType);
            Assert.Equal("receipt.png", data.Name);
            var uri = Assert.IsType<UriContent>(message.Contents[2]);
            Assert.Equal(new Uri("https://example.com/menu.pdf"), uri.Uri);
            Assert.Equal("application/pdf", uri.MediaType);

            IReadOnlyList<ChatMessage> original = Request(items[2]);
            IReadOnlyList<ChatMessage> again = Request(conversation);
            Assert.Equal(original.Select(m => m.Role), again.Select(m => m.Role));
            Assert.Equal(original.Count, again.Count);
            Assert.Contains(again, m => m.Text == "Context first.");
            Assert.Equal("good 3", Wire.DelimitedInput(again.Last().Text, out _));

            path = spool.FilePath;
            Assert.True(File.Exists(path));
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_repeated_id_leaves_no_spool_file_behind()
    {
        string unique = "repeat-" + Guid.NewGuid().ToString("N")[..8];
        var items = new[] { new BatchItem(unique, "x"), new BatchItem("other", "y"), new BatchItem(unique, "z") };
        string folder = Path.GetTempPath();
        string[] before = Directory.GetFiles(folder, "structuredoutput-spool-*.jsonl");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => BatchSpool.WriteAsync(Stream(items), null, CancellationToken.None));

        Assert.Contains($"'{unique}' is repeated", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(folder, "structuredoutput-spool-*.jsonl").Except(before), p => Holds(p, unique));
    }

    // Whether the file holds the text; false for a file another test's run deleted meanwhile.
    private static bool Holds(string path, string text)
    {
        try
        {
            return File.ReadAllText(path).Contains(text, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    // The messages of the item's first request.
    private static IReadOnlyList<ChatMessage> Request(BatchItem item) => new ExtractionConversation<BatchPoint>(item.Input).Messages;

    private static async IAsyncEnumerable<BatchItem> Stream(IEnumerable<BatchItem> items)
    {
        foreach (BatchItem item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
