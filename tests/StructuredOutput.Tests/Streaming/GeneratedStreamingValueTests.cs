using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using StructuredOutput.Streaming;

namespace StructuredOutput.Tests.Streaming;

/// <summary>
/// The value at the end of a stream: built from the complete view when the reader read the answer exactly as
/// <c>Parse</c> does (every member present, none unknown, nothing repaired), and then always what <c>Parse</c> gives on
/// the whole text, repairs included; parsed whole in every other case. The view stays readable once the reader has
/// given its buffer back.
/// </summary>
public partial class GeneratedStreamingPropertyTests
{
    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_strict_answer_with_every_member_is_built_from_its_view_as_Parse_reads_it(int seed)
    {
        var random = new Random(500 + seed);
        for (int round = 0; round < 3; round++)
        {
            StreamedDocument document = Documents.Random(random);
            string compact = LlmContract<StreamedDocument>.ToJson(document);
            foreach (string text in new[] { compact, new VariedWriter(random, null).Write(JsonNode.Parse(compact)) })
            {
                for (int split = 0; split < 4; split++)
                {
                    PartialAnswerReader reader = Fed(RandomChunks(text, random));
                    Assert.True(reader.TryBuild(text, out ParseResult<StreamedDocument> built), text);
                    AssertSameResult(LlmContract<StreamedDocument>.Parse(text), built);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FewSeeds))]
    public void Nullable_members_left_out_are_built_as_null_with_Parses_notes_in_its_order(int seed)
    {
        var random = new Random(600 + seed);
        StreamedDocument document = Documents.Random(random);
        JsonObject json = JsonNode.Parse(LlmContract<StreamedDocument>.ToJson(document))!.AsObject();
        json.Remove("comment");
        json.Remove("ratio");
        json["owner"]!.AsObject().Remove("address");
        json["tree"]!.AsObject().Remove("next");
        string text = "```json\n" + json.ToJsonString() + "\n```";

        PartialAnswerReader reader = Fed(RandomChunks(text, random));
        ParseResult<StreamedDocument> parsed = LlmContract<StreamedDocument>.Parse(text);
        Assert.True(reader.TryBuild(text, out ParseResult<StreamedDocument> built));
        AssertSameResult(parsed, built);
        Assert.True(parsed.Repairs.Count >= 5, string.Join("; ", parsed.Repairs)); // the fence and each member taken null
    }

    [Theory]
    [InlineData("Here it is:\n```json\n{0}\n```\nDone.")]
    [InlineData("```json\n{0}\n```")]
    [InlineData("The document: {0}")]
    [InlineData("{0}\nThat is all.")]
    [InlineData("\uFEFF{0}")]
    [InlineData(" \n\t{0} \n ")]
    [InlineData("Voil\u00e0 : {0}\nC\u2019est tout.")]
    [InlineData("{0}\n\u2713 fertig")]
    [InlineData("Here: {0} \u2014 done \ud83c\udf72")]
    public void Prose_and_fences_around_a_built_answer_give_Parses_repairs(string frame)
    {
        var random = new Random(frame.Length);
        string json = LlmContract<StreamedDocument>.ToJson(Documents.Random(random));
        string text = frame.Replace("{0}", json, StringComparison.Ordinal);
        PartialAnswerReader reader = Fed(RandomChunks(text, random));

        ParseResult<StreamedDocument> parsed = LlmContract<StreamedDocument>.Parse(text);
        Assert.True(reader.TryBuild(text, out ParseResult<StreamedDocument> built));
        AssertSameResult(parsed, built);
    }

    public static TheoryData<string> Unbuilt => new()
    {
        "unknown member",
        "required member left out",
        "number as text",
        "a second object after it",
        "trailing comma",
        "not the text that was read",
    };

    [Theory]
    [MemberData(nameof(Unbuilt))]
    public async Task An_answer_the_reader_did_not_read_exactly_as_Parse_is_parsed_whole_with_the_same_result(string change)
    {
        var random = new Random(change.Length * 7);
        StreamedDocument document = Documents.Random(random);
        JsonObject json = JsonNode.Parse(LlmContract<StreamedDocument>.ToJson(document))!.AsObject();
        string? text = null;
        switch (change)
        {
            case "unknown member":
                json["notInTheContract"] = 1;
                break;
            case "required member left out":
                json.Remove("title");
                break;
            case "number as text":
                json["count"] = json["count"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "a second object after it":
                text = json.ToJsonString() + "\n{\"title\":\"another\"}";
                break;
            case "trailing comma":
                string compact = json.ToJsonString();
                text = compact[..^1] + ",}";
                break;
        }

        text ??= json.ToJsonString();
        PartialAnswerReader reader = Fed(RandomChunks(text, random));
        if (change == "not the text that was read")
        {
            Assert.False(reader.TryBuild<StreamedDocument>(text + " ", out _));
            Assert.False(reader.TryBuild<StreamedDocument>(text[..^1], out _));
            Assert.True(reader.TryBuild<StreamedDocument>(text, out _));
            return;
        }

        Assert.False(reader.TryBuild<StreamedDocument>(text, out _));

        // And a streamed extraction of it ends as an unstreamed one.
        var client = new ScriptedStreamClient(RandomChunks(text, random).ToArray());
        ExtractionResult<StreamedDocument>? streamed = null;
        await foreach (ExtractionUpdate<StreamedDocument> update in client.ExtractStreamingAsync<StreamedDocument>("the document", new ExtractOptions { MaxRetries = 0 }))
        {
            streamed = update.Result ?? streamed;
        }

        ExtractionResult<StreamedDocument> whole = await new ScriptedStreamClient(text).TryExtractAsync<StreamedDocument>("the document", new ExtractOptions { MaxRetries = 0 });
        Assert.Equal(whole.IsSuccess, streamed!.IsSuccess);
        Assert.Equal(whole.Errors.Select(e => (e.Path, e.Kind, e.Message)), streamed.Errors.Select(e => (e.Path, e.Kind, e.Message)));
        Assert.Equal(whole.Attempts[0].Repairs, streamed.Attempts[0].Repairs);
        if (whole.IsSuccess)
        {
            Assert.Equal(LlmContract<StreamedDocument>.ToJson(whole.Value!), LlmContract<StreamedDocument>.ToJson(streamed.Value!));
        }
    }

    [Fact]
    public void Members_left_out_take_their_declared_defaults_in_the_view_and_the_built_value()
    {
        PartialShape shape = ShapeOf<StreamedDefaults>()!;
        foreach ((string text, string? note, int? count) in new[] { ("{\"name\":\"a\"}", "none", 5), ("{\"name\":\"a\",\"note\":null,\"count\":null}", (string?)null, (int?)null) })
        {
            var reader = new PartialAnswerReader(shape, null);
            foreach (char c in text)
            {
                reader.Append(c.ToString());
            }

            var view = (StreamedDefaults.Partial)reader.Root!;
            Assert.True(view.IsComplete);
            Assert.True(view.IsMemberComplete(nameof(StreamedDefaults.Note)) && view.IsMemberComplete(nameof(StreamedDefaults.Count)));
            Assert.Equal((note, count), (view.Note, view.Count));

            ParseResult<StreamedDefaults> parsed = LlmContract<StreamedDefaults>.Parse(text);
            Assert.True(reader.TryBuild(text, out ParseResult<StreamedDefaults> built));
            Assert.Equal(parsed.Value, built.Value);
            Assert.Equal(new StreamedDefaults("a", note, count), built.Value);
            Assert.Empty(built.Repairs);
        }
    }

    [Theory]
    [InlineData(6, 16)]
    [InlineData(7, 16)]
    [InlineData(8, 16)]
    [InlineData(6, 15)] // the deepest list exactly at the limit
    [InlineData(6, 14)]
    [InlineData(5, 13)] // the deepest list exactly at the limit
    public void An_answer_at_and_past_the_depth_limit_ends_as_Parse_decides(int treeDepth, int maxDepth)
    {
        // The tree's nodes nest two levels each (a node, its children's list), the deepest list at 3 + 2 x depth.
        var options = new ParseOptions { MaxDepth = maxDepth };
        var random = new Random(treeDepth);
        StreamedDocument document = Documents.Random(random) with { Tree = Chain(treeDepth) };
        string text = LlmContract<StreamedDocument>.ToJson(document);
        var reader = new PartialAnswerReader(Shape, options);
        foreach (string chunk in RandomChunks(text, random))
        {
            reader.Append(chunk);
        }

        ParseResult<StreamedDocument> parsed = LlmContract<StreamedDocument>.Parse(text, options);
        if (reader.TryBuild(text, out ParseResult<StreamedDocument> built))
        {
            AssertSameResult(parsed, built);
        }
        else
        {
            Assert.False(parsed.IsSuccess && reader.IsStrict && reader.IsRootClosed && reader.ErrorCount == 0, "read strictly and whole, yet not built");
        }

        Assert.Equal(3 + (2 * treeDepth) <= maxDepth, parsed.IsSuccess);
        static StreamedNode Chain(int depth) => new("n" + depth, depth == 0 ? new List<StreamedNode>() : new List<StreamedNode> { Chain(depth - 1) }, null);
    }

    [Fact]
    public void The_view_stays_readable_after_the_reader_gives_its_buffer_back()
    {
        StreamedDocument document = Documents.Random(new Random(9)) with { Title = "A title that is cut", Code = "AB-123" };
        string text = LlmContract<StreamedDocument>.ToJson(document);
        int cut = text.IndexOf("is cut", StringComparison.Ordinal);

        // An open string: the title so far.
        var reader = new PartialAnswerReader(Shape, null);
        reader.Append(text.AsSpan(0, cut));
        var view = (StreamedDocument.Partial)reader.Root!;
        reader.Release();
        Assert.Equal("A title that ", view.Title);
        Assert.False(reader.Append(text.AsSpan(cut)));

        // A string that closed invalid stays in the view as its text.
        string broken = text.Replace("\"AB-123\"", "\"AB-12x\"", StringComparison.Ordinal);
        int inCode = broken.IndexOf("AB-12x", StringComparison.Ordinal) + 3;
        reader = new PartialAnswerReader(Shape, null);
        reader.Append(broken.AsSpan(0, inCode));
        reader.Append(broken.AsSpan(inCode));
        view = (StreamedDocument.Partial)reader.Root!;
        Assert.Contains(reader.Errors, e => e.Path == "$.code");
        reader.Release();
        Assert.Equal("AB-12x", view.Code);
        Assert.False(view.IsMemberComplete(nameof(StreamedDocument.Code)));
    }

    [Fact]
    public void A_builder_refuses_a_view_that_is_not_complete()
    {
        string text = LlmContract<StreamedDocument>.ToJson(Documents.Random(new Random(3)));
        var reader = new PartialAnswerReader(Shape, null);
        reader.Append(text.AsSpan(0, text.Length / 2));
        PartialObject view = reader.Root!;

        Assert.Throws<InvalidOperationException>(() => PartialValues.Member<string>(view, Shape.Members.Count - 1));
        Assert.False(reader.TryBuild<StreamedDocument>(text[..(text.Length / 2)], out _));
    }

    [Fact]
    public void Plain_string_members_and_items_read_as_their_readers_do_and_checked_ones_through_them()
    {
        // Strings with no checks of their own are read by JsonReaders.ReadString directly; a string with a pattern goes
        // through its member's reader. Either way the view, the errors and the value are Parse's.
        PartialMember Member(string name) => Shape.Members.Single(m => m.MemberName == name);
        Assert.True(Member(nameof(StreamedDocument.Title)).IsPlainString);
        Assert.True(Member(nameof(StreamedDocument.Comment)).IsPlainString);
        Assert.True(Member(nameof(StreamedDocument.Lines)).Element!.IsPlainString);
        Assert.False(Member(nameof(StreamedDocument.Code)).IsPlainString);

        var random = new Random(17);
        JsonObject json = JsonNode.Parse(LlmContract<StreamedDocument>.ToJson(Documents.Random(random)))!.AsObject();
        json["title"] = "caf\u00e9 \"x\"";
        json["lines"] = new JsonArray("one", "\ud83d\ude00", "three");
        string text = json.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.BasicLatin) });
        PartialAnswerReader reader = Fed(RandomChunks(text, random));
        Assert.True(reader.TryBuild(text, out ParseResult<StreamedDocument> built));
        AssertSameResult(LlmContract<StreamedDocument>.Parse(text), built);

        // A lone surrogate escape: the same error at the same path as Parse gives, in a member and in an item.
        foreach ((string member, string lone) in new[] { ("title", "\"a\\ud800b\""), ("lines", "[\"ok\",\"\\udc00\"]") })
        {
            string compact = json.ToJsonString();
            int at = compact.IndexOf("\"" + member + "\":", StringComparison.Ordinal) + member.Length + 3;
            int endOfValue = member == "title" ? compact.IndexOf("\",\"", at + 1, StringComparison.Ordinal) + 1 : compact.IndexOf(']', at) + 1;
            string broken = compact[..at] + lone + compact[endOfValue..];
            ParseResult<StreamedDocument> parsed = LlmContract<StreamedDocument>.Parse(broken);
            PartialAnswerReader streamed = Fed(RandomChunks(broken, random));
            ExtractionError expected = Assert.Single(parsed.Errors);
            ExtractionError actual = Assert.Single(streamed.Errors);
            Assert.Equal((expected.Path, expected.Kind, expected.Message), (actual.Path, actual.Kind, actual.Message));
        }
    }

    private static PartialAnswerReader Fed(IEnumerable<string> chunks)
    {
        var reader = new PartialAnswerReader(Shape, null);
        foreach (string chunk in chunks)
        {
            reader.Append(chunk);
        }

        return reader;
    }

    private static void AssertSameResult(ParseResult<StreamedDocument> parsed, ParseResult<StreamedDocument> built)
    {
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors));
        Assert.True(built.IsSuccess);
        Assert.Equal(LlmContract<StreamedDocument>.ToJson(parsed.Value!), LlmContract<StreamedDocument>.ToJson(built.Value!));
        Assert.Equal(parsed.Repairs, built.Repairs);
    }
}

/// <summary>Members with declared defaults, one of them a nullable string whose default is not null.</summary>
[LlmExtract]
public partial record StreamedDefaults(string Name, string? Note = "none", int? Count = 5);
