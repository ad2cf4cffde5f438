using System;
using StructuredOutput.Streaming;
using TS = StructuredOutput.Tests.TypeSpace;

namespace StructuredOutput.Tests.Streaming;

/// <summary>
/// A dictionary's values and a set's items are judged as each closes, not when the whole value does: an invalid one is
/// reported (with Parse's path, kind and wording) before the dictionary or the set ends, so fail-fast stops there.
/// </summary>
public class StreamedEntriesTests
{
    [Theory]
    [InlineData("\"map\":{\"x\":1,\"y\":2}", "\"map\":{\"x\":\"one\",\"y\":2}", "\"one\"")]
    [InlineData("\"map\":{\"x\":1,\"y\":2}", "\"map\":{\"x\":1,\"x\":2,\"y\":3}", "\"x\":2")]
    [InlineData("\"points\":{\"origin\":{\"x\":0,\"y\":0}", "\"points\":{\"origin\":{\"x\":\"a\",\"y\":0}", "\"y\":0}")]
    [InlineData("\"shades\":[\"Light\",\"Neon\"]", "\"shades\":[\"Light\",\"Nope\",\"Neon\"]", "\"Nope\"")]
    [InlineData("\"set\":[\"a\",\"b\",\"a\"]", "\"set\":[\"a\",7,\"b\"]", "7")]
    [InlineData("\"calendar\":{\"holidays\":[\"2024-12-25\"]", "\"calendar\":{\"holidays\":[\"25/12/2024\"]", "\"25/12/2024\"]")]
    public void An_invalid_entry_is_reported_as_it_closes_with_Parses_first_error(string good, string bad, string entry)
    {
        Assert.Contains(good, TS.TypeSpaceTests.CollectionsJson, StringComparison.Ordinal);
        string json = TS.TypeSpaceTests.CollectionsJson.Replace(good, bad, StringComparison.Ordinal);
        ParseResult<TS.Collections> parsed = LlmContract<TS.Collections>.Parse(json);
        Assert.False(parsed.IsSuccess);

        // The entry ends where its text ends; the reader must know by the character that ends it (a number by the next).
        int entryEnd = json.IndexOf(entry, json.IndexOf(bad, StringComparison.Ordinal), StringComparison.Ordinal) + entry.Length;
        int certain = char.IsDigit(json[entryEnd - 1]) ? entryEnd + 1 : entryEnd;
        int containerEnd = json.IndexOf(bad, StringComparison.Ordinal) + bad.Length;

        var reader = new PartialAnswerReader(ShapeOf<TS.Collections>(), null);
        int reported = -1;
        for (int i = 0; i < json.Length && reported < 0; i++)
        {
            reader.Append(json.AsSpan(i, 1));
            if (reader.ErrorCount > 0)
            {
                reported = i + 1;
            }
        }

        Assert.True(reported > 0 && reported <= certain, $"reported after {reported} characters, certain at {certain}");
        Assert.True(reported < containerEnd || bad.EndsWith(entry, StringComparison.Ordinal), "reported only when the whole value closed");
        ExtractionError first = reader.Errors[0];
        Assert.Equal((parsed.Errors[0].Path, parsed.Errors[0].Kind, parsed.Errors[0].Message), (first.Path, first.Kind, first.Message));
    }

    [Fact]
    public void Valid_entries_leave_the_whole_value_to_be_read_and_shown_once_complete()
    {
        string json = TS.TypeSpaceTests.CollectionsJson;
        var reader = new PartialAnswerReader(ShapeOf<TS.Collections>(), null);
        reader.Append(json);
        Assert.Equal(0, reader.ErrorCount);
        var view = (TS.Collections.Partial)reader.Root!;
        Assert.Equal(new[] { "origin", "far" }, view.Points!.Keys);
        Assert.Equal(2, view.Set!.Count); // the repeated item dropped, as Parse drops it
        Assert.True(view.IsComplete);
    }

    private static PartialShape ShapeOf<T>()
        where T : ILlmExtractable<T> => T.StreamingShape ?? throw new InvalidOperationException(typeof(T).Name + " has no streaming shape.");
}
