using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using StructuredOutput.Streaming;

namespace StructuredOutput.Tests.Streaming;

/// <summary>
/// The incremental reader over random valid answers split at every character and at random sizes: views only grow, a
/// complete member or item is the final Parse value's, the final view is the whole text's; invalid answers report
/// their first error at the first chunk that makes them certainly invalid; and no byte is read again per chunk.
/// </summary>
public class PartialAnswerReaderTests
{
    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 24));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_valid_answer_split_anywhere_fills_a_monotone_view_that_ends_as_Parse_gives(int seed)
    {
        var random = new Random(seed);
        Dish dish = DishAnswers.Random(random);
        string text = DishAnswers.Json(dish, random);
        ParseResult<Dish> parsed = Dish.Parse(text);
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors));
        string expected = DishAnswers.Describe(parsed.Value!);
        Assert.Equal(DishAnswers.Describe(dish), expected);

        string whole = DishAnswers.Describe(Read(new[] { text }, parsed.Value!));
        Assert.Equal(expected, whole);

        // Two chunks, split at every character (a surrogate pair split too).
        for (int i = 1; i < text.Length; i++)
        {
            Assert.Equal(whole, DishAnswers.Describe(Read(new[] { text[..i], text[i..] }, parsed.Value!)));
        }

        // One character at a time, checking the view after each.
        Assert.Equal(whole, DishAnswers.Describe(Read(text.Select(c => c.ToString()), parsed.Value!)));

        // Random sizes.
        for (int round = 0; round < 8; round++)
        {
            Assert.Equal(whole, DishAnswers.Describe(Read(RandomChunks(text, random), parsed.Value!)));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_damaged_answer_never_throws_and_what_completes_is_what_Parse_gives_when_it_succeeds(int seed)
    {
        var random = new Random(1000 + seed);
        const string Noise = "{}[]\",:\\ntu0 9e-é😀'";
        for (int round = 0; round < 40; round++)
        {
            var text = new StringBuilder(DishAnswers.Json(DishAnswers.Random(random), random));
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                int at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0:
                        text.Remove(at, 1);
                        break;
                    case 1:
                        text.Insert(at, Noise[random.Next(Noise.Length)]);
                        break;
                    default:
                        text.Length = Math.Max(1, at); // cut
                        break;
                }
            }

            string damaged = text.ToString();
            var reader = new PartialAnswerReader(DishContract.DishShape, null);
            foreach (string chunk in RandomChunks(damaged, random))
            {
                reader.Append(chunk);
            }

            // When the text stayed strict JSON, Parse reads what the reader read. (Once it is not, a repair at the end may
            // read earlier text differently, a stray bracket dropped or a quote taken as part of a string: the result
            // of the attempt, not its view, is then what counts.)
            ParseResult<Dish> parsed = Dish.Parse(damaged);
            if (parsed.IsSuccess && reader.Root is Dish.Partial view && (reader.IsStrict || parsed.Repairs.Count == 0))
            {
                Consistent(view, parsed.Value!);
            }
        }
    }

    [Fact]
    public void The_view_grows_as_the_text_arrives()
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        Assert.False(reader.Append("Sure, here it is: ```json\n"));
        Assert.Null(reader.Root);

        Assert.True(reader.Append("{\"name\":\"Tomato so"));
        var view = Assert.IsType<Dish.Partial>(reader.Root);
        Assert.Equal("Tomato so", view.Name);
        Assert.False(view.IsMemberComplete(nameof(Dish.Name)));

        Assert.True(reader.Append("up\\n\\u00e9"));
        Assert.Equal("Tomato soup\né", view.Name);
        Assert.False(reader.Append("\\u00")); // an escape is never split
        Assert.Equal("Tomato soup\né", view.Name);
        Assert.True(reader.Append("e8\",\"servings\":4"));
        Assert.Equal("Tomato soup\néè", view.Name);
        Assert.True(view.IsMemberComplete(nameof(Dish.Name)));
        Assert.Null(view.Servings); // 4 may go on as 45
        Assert.True(reader.Append(",\"steps\":[\"Chop"));
        Assert.Equal(4, view.Servings);
        Assert.Equal(new[] { "Chop" }, view.Steps!.ToArray());
        Assert.Equal(0, view.Steps!.CompleteCount);
        Assert.True(reader.Append("\",\"Sim"));
        Assert.Equal(new[] { "Chop", "Sim" }, view.Steps.ToArray());
        Assert.Equal(1, view.Steps.CompleteCount);
        Assert.True(reader.Append("mer\"],\"chef\":{\"name\":\"Ana\""));
        Assert.True(view.Steps.IsComplete);
        Assert.True(view.IsMemberComplete(nameof(Dish.Steps)));
        Assert.Equal("Ana", view.Chef!.Name);
        Assert.False(view.Chef.IsComplete);
        Assert.True(reader.Append("}"));
        Assert.True(view.Chef.IsComplete);
        Assert.Null(view.Chef.Stars);
        Assert.Empty(reader.Errors);
        Assert.True(reader.IsStrict);
    }

    [Fact]
    public void A_surrogate_pair_split_between_chunks_is_joined()
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        string clef = "𝄞";
        reader.Append("{\"name\":\"a" + clef[0]);
        var view = (Dish.Partial)reader.Root!;
        Assert.Equal("a", view.Name);
        reader.Append(clef[1] + "b\"");
        Assert.Equal("a" + clef + "b", view.Name);
        Assert.True(reader.IsStrict);

        // The same pair as two escapes, split between them.
        reader = new PartialAnswerReader(DishContract.DishShape, null);
        reader.Append("{\"name\":\"a\\ud834");
        view = (Dish.Partial)reader.Root!;
        Assert.Equal("a", view.Name);
        reader.Append("\\udd1e");
        Assert.Equal("a" + clef, view.Name);
    }

    /// <summary>Invalid answers, with "|" where the text becomes certainly invalid: no error before it, one as soon as it arrives.</summary>
    public static TheoryData<string, string, string> InvalidAnswers => new()
    {
        { "{\"name\":\"A\",\"servings\":500,|\"chef\":{\"name\":\"B\"}}", "$.servings", "ConstraintViolated" },
        { "{\"servings\":\"many\"|}", "$.servings", "WrongKind" },
        { "{\"level\":\"Easy\",\"servings\":\"many\"|}", "$.servings", "WrongKind" },
        { "{\"chef\":{\"name\":\"A\",\"stars\":3},\"scores\":[1,\"x\"|]}", "$.scores[1]", "WrongKind" },
        { "{\"name\":\"A\",\"level\":\"Medium\"|}", "$.level", "UnknownEnumValue" },
        { "{\"chef\":{\"stars\":3}|,\"name\":\"A\"}", "$.chef.name", "MissingProperty" },
        { "{\"name\":\"A\"}|", "$.servings", "MissingProperty" },
        { "{\"scores\":[1,2,11,|3]}", "$.scores[2]", "ConstraintViolated" },
        { "{\"scores\":[1,2,11]|}", "$.scores[2]", "ConstraintViolated" },
        { "{\"ingredients\":[{\"name\":\"salt\",\"quantity\":\"x\"|}]}", "$.ingredients[0].quantity", "WrongKind" },
        { "{\"ingredients\":[{\"name\":\"salt\"},{\"unit\":\"g\"}|]}", "$.ingredients[1].name", "MissingProperty" },
        { "{\"name\":\"A\",\"name\":\"B\"|}", "$.name", "DuplicateProperty" },
        { "{\"name\":\"A\",\"name\":{|}}", "$.name", "DuplicateProperty" },
        { "{\"steps\":[\"a\",7]|}", "$.steps[1]", "WrongKind" },
        { "{\"chef\":null|}", "$.chef", "NullNotAllowed" },
        { "{\"name\":null|}", "$.name", "NullNotAllowed" },
        { "{\"tags\":{\"a\":1}|}", "$.tags[0]", "WrongKind" },
    };

    [Theory]
    [MemberData(nameof(InvalidAnswers))]
    public void An_invalid_answer_reports_its_first_error_at_the_first_chunk_that_makes_it_certain(string marked, string path, string kind)
    {
        int at = marked.IndexOf('|', StringComparison.Ordinal);
        string text = marked.Remove(at, 1);
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        for (int i = 0; i < text.Length; i++)
        {
            reader.Append(text.AsSpan(i, 1));
            if (i + 1 < at || kind.Length == 0)
            {
                Assert.True(reader.ErrorCount == 0, $"an error after {i + 1} characters: {string.Join("; ", reader.Errors)}");
            }
            else if (i + 1 == at)
            {
                Assert.True(reader.ErrorCount > 0, $"no error after {i + 1} characters");
                Assert.Equal(path, reader.Errors[0].Path);
                Assert.Equal(kind, reader.Errors[0].Kind.ToString());
            }
        }

        Assert.True(reader.IsStrict);

        // Parse finds the same error, worded the same.
        if (kind.Length > 0)
        {
            ParseResult<Dish> parsed = Dish.Parse(text);
            Assert.Contains(parsed.Errors, e => e.Path == reader.Errors[0].Path && e.Message == reader.Errors[0].Message);
        }
    }

    [Fact]
    public void Text_that_is_not_strict_JSON_stops_the_view_and_judges_nothing()
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        reader.Append("{\"name\":\"A\",\"servings\":4,");
        var view = (Dish.Partial)reader.Root!;
        reader.Append("'steps':['x'], \"scores\":[99]}");
        Assert.False(reader.IsStrict);
        Assert.Equal("A", view.Name);
        Assert.Equal(4, view.Servings);
        Assert.Null(view.Steps);
        Assert.Empty(reader.Errors);
        Assert.False(reader.Append("more"));

        // An escape JSON does not have ends the reading where it stands, before it shows.
        reader = new PartialAnswerReader(DishContract.DishShape, null);
        reader.Append("{\"name\":\"a\\u00e9b");
        Assert.True(reader.IsStrict);
        reader.Append("\\,c");
        Assert.False(reader.IsStrict);
        Assert.Equal("aéb", ((Dish.Partial)reader.Root!).Name);
        reader = new PartialAnswerReader(DishContract.DishShape, null);
        reader.Append("{\"name\":\"a\\u00");
        Assert.True(reader.IsStrict);
        reader.Append("zz\"}");
        Assert.False(reader.IsStrict);
        Assert.Equal("a", ((Dish.Partial)reader.Root!).Name);
    }

    [Fact]
    public void A_lone_surrogate_or_an_answer_over_the_length_limit_stops_the_reader()
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        reader.Append("{\"name\":\"a\uDD1E");
        Assert.False(reader.IsStrict);

        reader = new PartialAnswerReader(DishContract.DishShape, new ParseOptions { MaxAnswerLength = 20 });
        reader.Append("{\"name\":\"0123456789");
        Assert.True(reader.IsStrict);
        reader.Append("0123456789");
        Assert.False(reader.IsStrict);
    }

    [Fact]
    public void Unknown_members_are_skipped_and_what_follows_the_root_is_not_read()
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        reader.Append("{\"extra\":{\"steps\":[1,{\"x\":[\"y\"]}]},\"name\":\"A\",\"more\":[1,2]}");
        reader.Append("\n``` and a second {\"name\":\"B\"}");
        var view = (Dish.Partial)reader.Root!;
        Assert.Equal("A", view.Name);
        Assert.True(view.IsMemberComplete(nameof(Dish.Name)));
        Assert.Null(view.Steps);
        Assert.True(reader.IsRootClosed);
        Assert.False(view.IsComplete); // required members are missing
        Assert.All(reader.Errors, e => Assert.Equal(ExtractionErrorKind.MissingProperty, e.Kind));
    }

    [Fact]
    public void An_invalid_item_stops_its_list_there()
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        reader.Append("{\"scores\":[1,2,11,3,4],\"steps\":[\"a\",\"b\"],\"ingredients\":[{\"name\":\"x\"},{\"name\":\"y\",\"quantity\":\"?\"},{\"name\":\"z\"}]}");
        var view = (Dish.Partial)reader.Root!;
        Assert.Equal(new[] { 1, 2 }, view.Scores!.ToArray());
        Assert.Equal(2, view.Scores!.CompleteCount);
        Assert.False(view.Scores.IsComplete);
        Assert.False(view.IsMemberComplete(nameof(Dish.Scores)));
        Assert.True(view.IsMemberComplete(nameof(Dish.Steps)));
        Assert.Equal(2, view.Ingredients!.Count); // the invalid item stays, incomplete; the next is not shown
        Assert.Equal(1, view.Ingredients.CompleteCount);
        Assert.Equal("y", view.Ingredients[1].Name);
        Assert.False(view.Ingredients[1].IsComplete);
        Assert.Equal(new[] { "$.scores[2]", "$.ingredients[1].quantity" }, reader.Errors.Select(e => e.Path).Take(2).ToArray());
    }

    [Fact]
    public void Watched_items_are_read_whole_with_the_elements_reader_as_they_close()
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        reader.WatchItems(4);
        var items = new List<(int Index, object? Value)>();
        reader.Append("{\"ingredients\":[{\"name\":\"salt\",\"quantity\":2,\"unit\":\"g\"}");
        Assert.Equal(1, reader.TakeClosedItems(items));
        reader.Append(",{\"name\":\"pep");
        Assert.Equal(0, reader.TakeClosedItems(items));
        reader.Append("per\",\"quantity\":null,\"unit\":null},{\"unit\":\"kg\"},{\"name\":\"z\"}]}");
        Assert.Equal(1, reader.TakeClosedItems(items));
        Assert.Equal(new object?[] { new Ingredient("salt", 2, "g"), new Ingredient("pepper", null, null) }, items.Select(i => i.Value).ToArray());
        Assert.Equal(new[] { 0, 1 }, items.Select(i => i.Index).ToArray());
    }

    [Fact]
    public void No_byte_is_read_again_per_chunk_however_small_the_chunks()
    {
        var random = new Random(7);
        var dish = new Dish(
            new string('n', 20_000),
            7,
            DishLevel.Hard,
            new Chef("c", 1),
            Enumerable.Range(0, 300).Select(i => new Ingredient("ingredient " + i + " 😀", i, "g")).ToList(),
            Enumerable.Range(0, 300).Select(i => "step \"" + i + "\" é").ToList(),
            Enumerable.Range(0, 1000).Select(i => i % 11).ToList(),
            new string('\n', 5_000) + new string('é', 5_000),
            null);
        string text = DishAnswers.Json(dish, random) + new string(' ', 3000);
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        foreach (char c in text)
        {
            reader.Append(new ReadOnlySpan<char>(in c));
        }

        Assert.True(reader.IsRootClosed);
        Assert.True(((Dish.Partial)reader.Root!).IsComplete);
        long bytes = reader.BytesReceived;
        Assert.True(reader.BytesScanned <= 4 * bytes, $"{reader.BytesScanned.ToString(CultureInfo.InvariantCulture)} bytes scanned for {bytes.ToString(CultureInfo.InvariantCulture)} received");

        // Whole, the text is scanned about three times: the JSON reader, the member readers, the decoder of strings.
        var once = new PartialAnswerReader(DishContract.DishShape, null);
        once.Append(text);
        Assert.True(reader.BytesScanned <= 2 * once.BytesScanned, $"{reader.BytesScanned} chunked against {once.BytesScanned} whole");
    }

    [Fact]
    public void Escaped_names_match_and_a_value_member_written_as_an_object_is_read_when_it_closes()
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        reader.Append("{\"n\\u0061me\":\"A\",\"level\":{\"x\":[\"Easy\"");
        var view = (Dish.Partial)reader.Root!;
        Assert.Equal("A", view.Name);
        Assert.True(view.IsMemberComplete(nameof(Dish.Name)));
        Assert.Empty(reader.Errors);
        reader.Append("]}");
        ExtractionError error = Assert.Single(reader.Errors);
        Assert.Equal("$.level", error.Path);
        Assert.Equal(ExtractionErrorKind.WrongKind, error.Kind);
        Assert.False(view.IsMemberComplete(nameof(Dish.Level)));
    }

    [Fact]
    public void A_list_with_rules_of_its_own_is_read_whole_when_it_closes()
    {
        PartialValueReader readCapped = (ref System.Text.Json.Utf8JsonReader r, Reading.JsonReadContext c, out object? v) =>
        {
            bool ok = Reading.JsonReaders.ReadList(ref r, c, Reading.JsonReaders.ReadInt32, out List<int> list)
                && Validation.JsonValidators.CheckCount(c, list, null, 2);
            v = list;
            return ok;
        };
        PartialValueReader readInt = ReadInt;
        var shape = new PartialShape("Capped", new[]
        {
            PartialMember.List("Values", "values", true, Reading.ExpectedValues.Array, readCapped, PartialElement.Value<int>(readInt), readWhenClosed: true),
        });

        var reader = new PartialAnswerReader(shape, null);
        reader.Append("{\"values\":[1,2,3");
        PartialObject view = reader.Root!; // no view factory: a view of the shape's members
        Assert.Empty(reader.Errors);
        reader.Append("]");
        Assert.Equal("$.values", Assert.Single(reader.Errors).Path);
        Assert.False(view.IsMemberComplete("Values"));

        reader = new PartialAnswerReader(shape, null);
        reader.Append("{\"values\":[1,2]}");
        Assert.Empty(reader.Errors);
        Assert.True(reader.Root!.IsMemberComplete("Values"));
        Assert.True(reader.Root.IsComplete);
    }

    [Fact]
    public void A_value_reader_that_moves_off_its_scalar_stops_the_reader_instead_of_misreading_what_follows()
    {
        // Value readers look at a scalar without moving the JSON reader; one that moves it anyway (here, one token on)
        // would make the incremental reader lose its place, so the reading stops there and Parse decides at the end.
        PartialValueReader readAndMove = (ref System.Text.Json.Utf8JsonReader r, Reading.JsonReadContext c, out object? v) =>
        {
            bool ok = Reading.JsonReaders.ReadInt32(ref r, c, out int i);
            r.Read();
            v = i;
            return ok;
        };
        PartialValueReader readInt = ReadInt;
        var shape = new PartialShape("Pair", new[]
        {
            PartialMember.Value("First", "first", true, Reading.ExpectedValues.Integer, readAndMove),
            PartialMember.Value("Second", "second", true, Reading.ExpectedValues.Integer, readInt),
        });

        var reader = new PartialAnswerReader(shape, null);
        reader.Append("{\"first\":1,\"second\":2}");
        Assert.False(reader.IsStrict);
        Assert.False(reader.Root!.IsMemberComplete("Second"));
        Assert.False(reader.IsRootClosed);
        Assert.Empty(reader.Errors);

        // The same shape with a reader that stays put reads both.
        shape = new PartialShape("Pair", new[]
        {
            PartialMember.Value("First", "first", true, Reading.ExpectedValues.Integer, readInt),
            PartialMember.Value("Second", "second", true, Reading.ExpectedValues.Integer, readInt),
        });
        reader = new PartialAnswerReader(shape, null);
        reader.Append("{\"first\":1,\"second\":2}");
        Assert.True(reader.IsStrict);
        Assert.True(reader.Root!.IsComplete);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_stops_the_reader()
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, new ParseOptions { MaxDepth = 3 });
        reader.Append("{\"extra\":[[");
        Assert.True(reader.IsStrict);
        reader.Append("[1]]]}");
        Assert.False(reader.IsStrict);
        Assert.Empty(reader.Errors);
    }

    // A plain integer's value reader, as generated code would pass it.
    private static bool ReadInt(ref System.Text.Json.Utf8JsonReader reader, Reading.JsonReadContext context, out object? value)
    {
        bool ok = Reading.JsonReaders.ReadInt32(ref reader, context, out int i);
        value = i;
        return ok;
    }

    // Reads the chunks, checking after each that the view only holds what the final value holds.
    private static Dish.Partial Read(IEnumerable<string> chunks, Dish final)
    {
        var reader = new PartialAnswerReader(DishContract.DishShape, null);
        Dish.ChefPartial? chef = null;
        object? ingredients = null;
        foreach (string chunk in chunks)
        {
            reader.Append(chunk);
            if (reader.Root is not Dish.Partial view)
            {
                continue;
            }

            Consistent(view, final);
            chef = Same(chef, view.Chef);
            ingredients = Same(ingredients, view.Ingredients);
        }

        Assert.True(reader.IsStrict);
        Assert.Empty(reader.Errors);
        return Assert.IsType<Dish.Partial>(reader.Root);
    }

    private static TView? Same<TView>(TView? before, TView? now)
        where TView : class
    {
        if (before is not null)
        {
            Assert.Same(before, now);
        }

        return now;
    }

    // Every complete member and item is the final value's; every text so far is a start of the final text.
    private static void Consistent(Dish.Partial view, Dish final)
    {
        Text(view, nameof(Dish.Name), view.Name, final.Name);
        Value(view, nameof(Dish.Servings), view.Servings, final.Servings);
        Value(view, nameof(Dish.Level), view.Level, final.Level);
        if (view.Chef is { } chef)
        {
            Text(chef, nameof(Chef.Name), chef.Name, final.Chef.Name);
            Value(chef, nameof(Chef.Stars), chef.Stars, final.Chef.Stars);
            Assert.True(!view.IsMemberComplete(nameof(Dish.Chef)) || chef.IsComplete);
        }

        if (view.Ingredients is { } items)
        {
            Assert.True(items.Count <= final.Ingredients.Count);
            for (int i = 0; i < items.Count; i++)
            {
                Text(items[i], nameof(Ingredient.Name), items[i].Name, final.Ingredients[i].Name);
                Value(items[i], nameof(Ingredient.Quantity), items[i].Quantity, final.Ingredients[i].Quantity);
                Text(items[i], nameof(Ingredient.Unit), items[i].Unit, final.Ingredients[i].Unit);
                Assert.Equal(i < items.CompleteCount, items[i].IsComplete);
            }
        }

        Strings(view, nameof(Dish.Steps), view.Steps, final.Steps);
        Strings(view, nameof(Dish.Tags), view.Tags, final.Tags);
        if (view.Scores is { } scores)
        {
            Assert.Equal(scores.CompleteCount, scores.Count);
            Assert.Equal(final.Scores.Take(scores.Count), scores);
        }

        Text(view, nameof(Dish.Note), view.Note, final.Note);
    }

    private static void Strings(PartialObject view, string member, PartialList<string?>? shown, List<string>? final)
    {
        if (shown is null)
        {
            Assert.False(view.IsMemberComplete(member) && final is not null);
            return;
        }

        Assert.NotNull(final);
        Assert.True(shown.Count <= final!.Count);
        for (int i = 0; i < shown.Count; i++)
        {
            if (i < shown.CompleteCount)
            {
                Assert.Equal(final[i], shown[i]);
            }
            else
            {
                Assert.StartsWith(shown[i]!, final[i], StringComparison.Ordinal);
            }
        }

        Assert.Equal(view.IsMemberComplete(member), shown.IsComplete);
        if (shown.IsComplete)
        {
            Assert.Equal(final.Count, shown.CompleteCount);
        }
    }

    private static void Text(PartialObject view, string member, string? shown, string? final)
    {
        if (view.IsMemberComplete(member))
        {
            Assert.Equal(final, shown);
        }
        else if (shown is not null)
        {
            Assert.NotNull(final);
            Assert.StartsWith(shown, final!, StringComparison.Ordinal);
        }
    }

    private static void Value<TValue>(PartialObject view, string member, TValue? shown, TValue? final)
        where TValue : struct
    {
        if (view.IsMemberComplete(member))
        {
            Assert.Equal(final, shown);
        }
        else
        {
            Assert.Null(shown);
        }
    }

    private static IEnumerable<string> RandomChunks(string text, Random random)
    {
        int at = 0;
        while (at < text.Length)
        {
            int size = Math.Min(text.Length - at, random.Next(1, random.Next(2) == 0 ? 4 : 40));
            yield return text.Substring(at, size);
            at += size;
        }
    }
}
