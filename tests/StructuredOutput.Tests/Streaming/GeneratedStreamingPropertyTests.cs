using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Streaming;

namespace StructuredOutput.Tests.Streaming;

/// <summary>
/// Streaming over a generated contract end to end: random valid answers, written compact or with varied whitespace
/// and escapes, split at every character and at random sizes, fill the generated <c>T.Partial</c> monotonically with
/// what <c>Parse</c> gives on the whole text; random invalid answers report Parse's first error at exactly the chunk
/// that makes them certainly invalid; and the streamed extraction ends with what the whole-answer extraction returns.
/// </summary>
public partial class GeneratedStreamingPropertyTests
{
    private static readonly JsonSerializerOptions ValueJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 30));

    public static TheoryData<int> FewSeeds => new(Enumerable.Range(1, 4));

    private static PartialShape Shape => ShapeOf<StreamedDocument>() ?? throw new InvalidOperationException("The contract has no streaming shape.");

    private static PartialShape? ShapeOf<T>()
        where T : ILlmExtractable<T> => T.StreamingShape;

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_valid_answer_in_random_chunks_fills_a_monotone_view_that_ends_as_Parse_gives(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 3; round++)
        {
            StreamedDocument document = Documents.Random(random);
            foreach (string text in Texts(document, random))
            {
                JsonObject final = Final(text, document);
                string whole = Snapshot(Read(new[] { text }, final));
                for (int split = 0; split < 8; split++)
                {
                    Assert.Equal(whole, Snapshot(Read(RandomChunks(text, random), final)));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FewSeeds))]
    public void A_valid_answer_split_at_every_character_ends_as_the_whole_text(int seed)
    {
        var random = new Random(100 + seed);
        StreamedDocument document = Documents.Random(random);
        string text = Texts(document, random).Last();
        JsonObject final = Final(text, document);
        string whole = Snapshot(Read(new[] { text }, final));

        for (int i = 1; i < text.Length; i++)
        {
            Assert.Equal(whole, Snapshot(Read(new[] { text[..i], text[i..] }, final)));
        }

        Assert.Equal(whole, Snapshot(Read(text.Select(c => c.ToString()), final)));
    }

    /// <summary>The ways a valid document is made invalid, each with where the text becomes certainly invalid.</summary>
    public enum Damage
    {
        CountOutOfRange,
        UnknownKind,
        UnknownKindInList,
        CountAsText,
        NumberAsText,
        TitleMissing,
        OwnerNameMissing,
        BrokenCode,
        TagWeightOutOfRange,
        OriginRuleBroken,
        TooManyTags,
        FigureUnknownType,
        NodeNameAsNumber,
        OwnerAsText,
        DeepNodeChildrenMissing,
        ScoreAsText,
        BoxWidthAsText,
        TitleNull,
    }

    public static TheoryData<Damage, int> Damages
    {
        get
        {
            var data = new TheoryData<Damage, int>();
            foreach (Damage damage in Enum.GetValues<Damage>())
            {
                for (int seed = 1; seed <= 3; seed++)
                {
                    data.Add(damage, seed);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void An_invalid_answer_reports_Parses_first_error_at_the_chunk_that_makes_it_certain(Damage damage, int seed)
    {
        var random = new Random(seed * 31 + (int)damage);
        for (int round = 0; round < 4; round++)
        {
            (string text, int certain) = Damaged(damage, random);
            ParseResult<StreamedDocument> parsed = LlmContract<StreamedDocument>.Parse(text);
            Assert.False(parsed.IsSuccess, text);
            ExtractionError expected = parsed.Errors[0];

            // One character at a time, then random chunks.
            for (int pass = 0; pass < 6; pass++)
            {
                IEnumerable<string> chunks = pass == 0 ? text.Select(c => c.ToString()) : RandomChunks(text, random);
                var reader = new PartialAnswerReader(Shape, null);
                int read = 0;
                bool reported = false;
                foreach (string chunk in chunks)
                {
                    reader.Append(chunk);
                    read += chunk.Length;
                    if (read < certain)
                    {
                        Assert.True(reader.ErrorCount == 0, $"{damage}: an error after {read} of {certain} characters: {string.Join("; ", reader.Errors)}\n{text}");
                    }
                    else if (!reported)
                    {
                        Assert.True(reader.ErrorCount > 0, $"{damage}: no error after {read} characters, certain at {certain}; Parse: {expected}\n{text}");
                        Assert.Equal((expected.Path, expected.Kind), (reader.Errors[0].Path, reader.Errors[0].Kind));
                        reported = true;
                    }
                }

                Assert.True(reported);
                Assert.True(reader.IsStrict);
            }
        }
    }

    public static TheoryData<Damage> EveryDamage => new(Enum.GetValues<Damage>());

    [Theory]
    [MemberData(nameof(EveryDamage))]
    public async Task Fail_fast_stops_an_invalid_answer_at_the_chunk_that_makes_it_certain_with_Parses_first_error(Damage damage)
    {
        var random = new Random(400 + (int)damage);
        for (int round = 0; round < 6; round++)
        {
            (string text, int certain) = Damaged(damage, random);
            ExtractionError expected = LlmContract<StreamedDocument>.Parse(text).Errors[0];
            string[] chunks = RandomChunks(text, random).ToArray();
            int upTo = 0;
            foreach (string chunk in chunks)
            {
                upTo += chunk.Length;
                if (upTo >= certain)
                {
                    break;
                }
            }

            var client = new ScriptedStreamClient(chunks);
            ExtractionUpdate<StreamedDocument>? last = null;
            await foreach (ExtractionUpdate<StreamedDocument> update in client.ExtractStreamingAsync<StreamedDocument>("the document", new ExtractOptions { FailFast = true, MaxRetries = 0 }))
            {
                last = update;
            }

            ExtractionResult<StreamedDocument> result = last!.Result!;
            Assert.Equal(ExtractionFailureKind.InvalidAnswer, result.FailureKind);
            ExtractionAttempt attempt = Assert.Single(result.Attempts);
            Assert.Equal(text[..upTo], attempt.RawResponse);
            Assert.Equal((expected.Path, expected.Kind), (attempt.Errors[0].Path, attempt.Errors[0].Kind));
        }
    }

    [Theory]
    [MemberData(nameof(FewSeeds))]
    public async Task A_streamed_extraction_ends_with_the_value_TryExtractAsync_returns(int seed)
    {
        var random = new Random(200 + seed);
        for (int round = 0; round < 5; round++)
        {
            StreamedDocument document = Documents.Random(random);
            string text = Texts(document, random).Last();
            var client = new ScriptedStreamClient(RandomChunks(text, random).ToArray());
            ExtractionUpdate<StreamedDocument>? last = null;
            await foreach (ExtractionUpdate<StreamedDocument> update in client.ExtractStreamingAsync<StreamedDocument>("the document"))
            {
                if (update.Partial is not null)
                {
                    Assert.IsType<StreamedDocument.Partial>(update.Partial);
                }

                last = update;
            }

            Assert.Equal(ExtractionUpdateKind.Completed, last!.Kind);
            ExtractionResult<StreamedDocument> streamed = last.Result!;
            ExtractionResult<StreamedDocument> whole = await new ScriptedStreamClient(text).TryExtractAsync<StreamedDocument>("the document");
            Assert.True(whole.IsSuccess, string.Join("; ", whole.Errors));
            Assert.True(streamed.IsSuccess, string.Join("; ", streamed.Errors));
            Assert.Equal(LlmContract<StreamedDocument>.ToJson(whole.Value!), LlmContract<StreamedDocument>.ToJson(streamed.Value!));
            Assert.Equal(LlmContract<StreamedDocument>.ToJson(document), LlmContract<StreamedDocument>.ToJson(streamed.Value!));
            Assert.Equal(text, streamed.Attempts[0].RawResponse);
        }
    }

    [Theory]
    [MemberData(nameof(FewSeeds))]
    public async Task Streamed_items_are_Parses_list_elements_in_order(int seed)
    {
        var random = new Random(300 + seed);
        for (int round = 0; round < 5; round++)
        {
            StreamedDocument document = Documents.Random(random);
            string text = Texts(document, random).Last();
            var client = new ScriptedStreamClient(RandomChunks(text, random).ToArray());
            var items = new List<ExtractionItem<StreamedTag>>();
            await foreach (ExtractionItem<StreamedTag> item in client.ExtractItemsStreamingAsync<StreamedDocument, StreamedTag>("the document", nameof(StreamedDocument.Tags)))
            {
                items.Add(item);
            }

            StreamedDocument parsed = LlmContract<StreamedDocument>.Parse(text).Value!;
            Assert.Equal(parsed.Tags, items.Select(i => i.Value).ToList());
            Assert.Equal(Enumerable.Range(0, parsed.Tags.Count), items.Select(i => i.Index));
            Assert.All(items, i => Assert.Equal(1, i.AttemptNumber));

            // Lists of strings, of integers and of enum values stream their items too.
            Assert.Equal(parsed.Lines, await Items<string>(text, nameof(StreamedDocument.Lines), random));
            Assert.Equal(parsed.Numbers, await Items<int>(text, nameof(StreamedDocument.Numbers), random));
            Assert.Equal(parsed.Kinds, await Items<StreamedKind>(text, nameof(StreamedDocument.Kinds), random));
        }
    }

    private static async Task<List<TItem>> Items<TItem>(string text, string member, Random random)
    {
        var client = new ScriptedStreamClient(RandomChunks(text, random).ToArray());
        var items = new List<TItem>();
        int index = 0;
        await foreach (ExtractionItem<TItem> item in client.ExtractItemsStreamingAsync<StreamedDocument, TItem>("the document", member))
        {
            Assert.Equal(index++, item.Index);
            items.Add(item.Value);
        }

        return items;
    }

    // The whole text's value, checked to be the generated one, as JSON.
    private static JsonObject Final(string text, StreamedDocument document)
    {
        ParseResult<StreamedDocument> parsed = LlmContract<StreamedDocument>.Parse(text);
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors) + "\n" + text);
        string json = LlmContract<StreamedDocument>.ToJson(parsed.Value!);
        Assert.Equal(LlmContract<StreamedDocument>.ToJson(document), json);
        return JsonNode.Parse(json)!.AsObject();
    }

    // The document written compact by the contract, then with varied whitespace and escapes.
    private static IEnumerable<string> Texts(StreamedDocument document, Random random)
    {
        string compact = LlmContract<StreamedDocument>.ToJson(document);
        yield return compact;
        yield return new VariedWriter(random, null).Write(JsonNode.Parse(compact));

        // Optional members left out: a null one, and one equal to its default.
        JsonObject shorter = JsonNode.Parse(compact)!.AsObject();
        foreach (string name in new[] { "origin", "comment", "ratio", "active" })
        {
            if (shorter[name] is null || (name == "active" && shorter[name]!.GetValue<bool>()))
            {
                shorter.Remove(name);
            }
        }

        yield return new VariedWriter(random, null).Write(shorter);

        // Members the contract does not have, in the root and in nested objects, list items and recursive nodes;
        // and numbers written with exponents.
        JsonObject extra = JsonNode.Parse(compact)!.AsObject();
        var objects = new List<JsonObject> { extra, extra["owner"]!.AsObject(), extra["tree"]!.AsObject() };
        objects.AddRange(extra["tags"]!.AsArray().Select(t => t!.AsObject()));
        foreach (JsonObject target in objects)
        {
            if (random.Next(2) == 0)
            {
                var properties = target.ToList();
                target.Clear();
                int at = random.Next(properties.Count + 1);
                for (int i = 0; i <= properties.Count; i++)
                {
                    if (i == at)
                    {
                        target["x-" + Documents.Text(random, 3)] = JsonNode.Parse("""{"title":[1,{"count":"x"},"\"}"],"kinds":null}""");
                    }

                    if (i < properties.Count)
                    {
                        target[properties[i].Key] = properties[i].Value?.DeepClone();
                    }
                }
            }
        }

        if (extra["ratio"] is JsonValue ratio)
        {
            extra["ratio"] = JsonNode.Parse(ratio.GetValue<double>().ToString(random.Next(2) == 0 ? "E10" : "e12", CultureInfo.InvariantCulture));
        }

        yield return new VariedWriter(random, null).Write(extra);
    }

    // Reads the chunks, checking after each that the view is the generated one, holds only what the final value
    // holds, and keeps every member and item it reported complete, unchanged.
    private static StreamedDocument.Partial Read(IEnumerable<string> chunks, JsonObject final)
    {
        var reader = new PartialAnswerReader(Shape, null);
        Dictionary<string, string>? before = null;
        PartialObject? root = null;
        foreach (string chunk in chunks)
        {
            reader.Append(chunk);
            if (reader.Root is null)
            {
                continue;
            }

            root ??= reader.Root;
            Assert.Same(root, reader.Root);
            var view = Assert.IsType<StreamedDocument.Partial>(reader.Root);
            var complete = new Dictionary<string, string>();
            Consistent(view, final, "$", complete);
            if (before is not null)
            {
                foreach (var (path, value) in before)
                {
                    if (complete.TryGetValue(path, out string? now))
                    {
                        Assert.Equal(value, now);
                    }
                    else
                    {
                        // Inside an object or a list now complete as a whole, which equals the final value, as it did.
                        Assert.True(Enclosing(path).Any(complete.ContainsKey), $"{path} was complete and is no longer");
                    }
                }
            }

            before = complete;
            Assert.True(reader.ErrorCount == 0, string.Join("; ", reader.Errors));
        }

        Assert.True(reader.IsStrict);
        Assert.True(reader.IsRootClosed);
        Assert.Empty(reader.Errors);
        var done = Assert.IsType<StreamedDocument.Partial>(reader.Root);
        Assert.True(done.IsComplete);

        // The complete view, read through its typed properties, is the final value, members left out included.
        JsonNode? shown = ToNode(done, typeof(StreamedDocument.Partial));
        Assert.True(JsonNode.DeepEquals(final, shown), $"the final view {shown?.ToJsonString()} is not {final.ToJsonString()}");
        return done;
    }

    // The items as the typed list shows them (a text item as its string).
    private static List<object?> Items(IPartialList list) => ((System.Collections.IEnumerable)list).Cast<object?>().ToList();

    private static IEnumerable<string> Enclosing(string path)
    {
        for (int i = path.Length - 1; i > 0; i--)
        {
            if (path[i] is '.' or '[')
            {
                yield return path[..i];
            }
        }
    }

    // Every complete member and item equals the final value's; a text so far starts the final text; an object or
    // a list being written holds a start of the final one; any other member shows null until complete.
    private static void Consistent(PartialObject view, JsonNode? final, string path, Dictionary<string, string> complete)
    {
        Assert.True(final is JsonObject, $"{path}: a view where the final value has {final?.ToJsonString() ?? "null"}");
        JsonObject finalObject = final!.AsObject();
        foreach (PartialMember member in view.Shape.Members)
        {
            PropertyInfo property = view.GetType().GetProperty(member.MemberName, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)!;
            object? shown = property.GetValue(view);
            JsonNode? expected = finalObject[member.JsonName];
            string at = path + "." + member.JsonName;
            if (view.IsMemberComplete(member.MemberName))
            {
                JsonNode? node = ToNode(shown, property.PropertyType);
                Assert.True(JsonNode.DeepEquals(expected, node), $"{at}: complete as {node?.ToJsonString() ?? "null"}, final {expected?.ToJsonString() ?? "null"}");
                complete[at] = node?.ToJsonString() ?? "null";
                if (shown is PartialObject nested)
                {
                    Assert.True(nested.IsComplete, at);
                }

                continue;
            }

            switch (shown)
            {
                case null:
                    break;
                case string text:
                    Assert.True(expected is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().StartsWith(text, StringComparison.Ordinal), $"{at}: \"{text}\" does not start {expected?.ToJsonString()}");
                    break;
                case PartialObject nested:
                    Assert.False(nested.IsComplete, at);
                    Consistent(nested, expected, at, complete);
                    break;
                case IPartialList list:
                    List(list, expected, at, complete);
                    break;
                default:
                    Assert.Fail($"{at}: {shown} shown before the member is complete");
                    break;
            }
        }
    }

    private static void List(IPartialList list, JsonNode? final, string path, Dictionary<string, string> complete)
    {
        Assert.True(final is JsonArray, $"{path}: a list where the final value has {final?.ToJsonString() ?? "null"}");
        JsonArray array = final!.AsArray();
        Type itemType = list.GetType().GetGenericArguments()[0];
        int completeCount = (int)list.GetType().GetProperty(nameof(PartialList<int>.CompleteCount))!.GetValue(list)!;
        bool isComplete = (bool)list.GetType().GetProperty(nameof(PartialList<int>.IsComplete))!.GetValue(list)!;
        Assert.True(list.Count <= array.Count, $"{path}: {list.Count} items, {array.Count} in the end");
        Assert.True(completeCount <= list.Count);
        Assert.False(isComplete, $"{path}: a complete list in a member not complete");
        for (int i = 0; i < list.Count; i++)
        {
            string at = path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            object? item = Items(list)[i];
            if (i < completeCount)
            {
                JsonNode? node = ToNode(item, itemType);
                Assert.True(JsonNode.DeepEquals(array[i], node), $"{at}: complete as {node?.ToJsonString() ?? "null"}, final {array[i]?.ToJsonString() ?? "null"}");
                complete[at] = node?.ToJsonString() ?? "null";
            }
            else
            {
                Assert.Equal(list.Count - 1, i); // only the last item is being written
                switch (item)
                {
                    case string text:
                        Assert.StartsWith(text, array[i]!.GetValue<string>(), StringComparison.Ordinal);
                        break;
                    case PartialObject nested:
                        Consistent(nested, array[i], at, complete);
                        break;
                    default:
                        Assert.Fail($"{at}: {item} shown before the item is complete");
                        break;
                }
            }
        }
    }

    // A complete value as the contract writes it.
    private static JsonNode? ToNode(object? value, Type declared)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return JsonValue.Create(text);
            case PartialObject view:
                var node = new JsonObject();
                foreach (PartialMember member in view.Shape.Members)
                {
                    PropertyInfo property = view.GetType().GetProperty(member.MemberName, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)!;
                    node[member.JsonName] = ToNode(property.GetValue(view), property.PropertyType);
                }

                return node;
            case IPartialList list:
                Type itemType = list.GetType().GetGenericArguments()[0];
                var array = new JsonArray();
                for (int i = 0; i < list.Count; i++)
                {
                    array.Add(ToNode(Items(list)[i], itemType));
                }

                return array;
            default:
                return JsonSerializer.SerializeToNode(value, Nullable.GetUnderlyingType(declared) ?? declared, ValueJson);
        }
    }

    // Everything the view shows, complete or not, as one string.
    private static string Snapshot(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case string text:
                return JsonSerializer.Serialize(text);
            case PartialObject view:
                var sb = new StringBuilder(view.IsComplete ? "{!" : "{~");
                foreach (PartialMember member in view.Shape.Members)
                {
                    object? shown = view.GetType().GetProperty(member.MemberName, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)!.GetValue(view);
                    sb.Append(member.JsonName).Append(view.IsMemberComplete(member.MemberName) ? "=" : "~").Append(Snapshot(shown)).Append(',');
                }

                return sb.Append('}').ToString();
            case IPartialList list:
                int completeCount = (int)list.GetType().GetProperty(nameof(PartialList<int>.CompleteCount))!.GetValue(list)!;
                bool isComplete = (bool)list.GetType().GetProperty(nameof(PartialList<int>.IsComplete))!.GetValue(list)!;
                return "[" + completeCount.ToString(CultureInfo.InvariantCulture) + (isComplete ? "!" : "~") + string.Join(",", Enumerable.Range(0, list.Count).Select(i => Snapshot(Items(list)[i]))) + "]";
            default:
                return JsonSerializer.Serialize(value, value.GetType().BaseType is { IsAbstract: true } b && b != typeof(object) && b != typeof(ValueType) ? b : value.GetType(), ValueJson);
        }
    }

    // A random document with one damage, and the length of text that makes it certainly invalid: up to the end of
    // the damaged value (a number's only once what follows it arrives), or to the closing brace of the object a
    // member is missing from.
    private static (string Text, int Certain) Damaged(Damage damage, Random random)
    {
        StreamedDocument document = Documents.Random(random);
        JsonObject root = JsonNode.Parse(LlmContract<StreamedDocument>.ToJson(document))!.AsObject();
        JsonNode marked = Break(root, damage, random, out bool endsAtDelimiter);
        var writer = new VariedWriter(random, marked, ReferenceEquals(marked, NullTitle) ? "title" : null);
        string text = writer.Write(root);
        Assert.True(writer.MarkedEnd > 0);
        return (text, writer.MarkedEnd + (endsAtDelimiter ? 1 : 0));
    }

    // Damages one value of a valid document, returning the node whose end makes the text certainly invalid.
    private static JsonNode Break(JsonObject root, Damage damage, Random random, out bool endsAtDelimiter)
    {
        endsAtDelimiter = false;
        switch (damage)
        {
            case Damage.CountOutOfRange:
                endsAtDelimiter = true;
                return Set(root, "count", JsonValue.Create(random.Next(2) == 0 ? 101 + random.Next(900) : -random.Next(50)));
            case Damage.UnknownKind:
                return Set(root, "kind", JsonValue.Create("Delta"));
            case Damage.UnknownKindInList:
            {
                JsonArray kinds = root["kinds"]!.AsArray();
                var bad = JsonValue.Create("Delta");
                kinds.Insert(random.Next(kinds.Count + 1), bad);
                return bad;
            }

            case Damage.CountAsText:
                return Set(root, "count", JsonValue.Create("many"));
            case Damage.NumberAsText:
            {
                JsonArray numbers = root["numbers"]!.AsArray();
                var bad = JsonValue.Create("seven");
                numbers.Insert(random.Next(numbers.Count + 1), bad);
                return bad;
            }

            case Damage.TitleMissing:
                root.Remove("title");
                return root;
            case Damage.OwnerNameMissing:
            {
                JsonObject owner = root["owner"]!.AsObject();
                owner.Remove("name");
                return owner;
            }

            case Damage.BrokenCode:
                return Set(root, "code", JsonValue.Create("ab-12" + Documents.Text(random, 3)));
            case Damage.TagWeightOutOfRange:
            {
                JsonArray tags = root["tags"]!.AsArray();
                JsonObject tag = tags[random.Next(tags.Count)]!.AsObject();
                endsAtDelimiter = true;
                return Set(tag, "weight", JsonValue.Create(100 + random.Next(1000)));
            }

            case Damage.OriginRuleBroken:
            {
                var origin = new JsonObject { ["x"] = 13, ["y"] = random.Next(-5, 5) };
                root["origin"] = origin;
                return origin;
            }

            case Damage.TooManyTags:
            {
                JsonArray tags = root["tags"]!.AsArray();
                while (tags.Count < 6)
                {
                    tags.Add(new JsonObject { ["label"] = "more", ["weight"] = 1 });
                }

                return tags;
            }

            case Damage.FigureUnknownType:
                return Set(root, "figure", new JsonObject { ["$type"] = "triangle", ["side"] = 3 });
            case Damage.OwnerAsText:
                return Set(root, "owner", JsonValue.Create("Ana"));
            case Damage.DeepNodeChildrenMissing:
            {
                JsonObject node = root["tree"]!.AsObject();
                while (node["children"]!.AsArray().Count > 0)
                {
                    node = node["children"]!.AsArray()[random.Next(node["children"]!.AsArray().Count)]!.AsObject();
                }

                node.Remove("children");
                return node;
            }

            // A dictionary and a union are values the reader reads whole: an entry or a field in them is judged
            // when the whole value closes, not as soon as it ends.
            case Damage.ScoreAsText:
            {
                // A dictionary's value is judged as it closes, not when the whole dictionary does.
                JsonObject scores = root["scores"]!.AsObject();
                var bad = JsonValue.Create("high");
                scores["zz"] = bad;
                return bad;
            }

            case Damage.BoxWidthAsText:
                return Set(root, "figure", new JsonObject { ["$type"] = "box", ["width"] = "wide", ["height"] = 2 });

            case Damage.TitleNull:
                // A literal ends with its last letter.
                root["title"] = null;
                return NullTitle;

            default:
            {
                var node = new JsonObject { ["name"] = 42, ["children"] = new JsonArray(), ["next"] = null };
                root["tree"]!.AsObject()["children"]!.AsArray().Add(node);
                endsAtDelimiter = true;
                return node["name"]!;
            }
        }
    }

    // Marks the root's null "title" (a null has no node of its own).
    private static readonly JsonObject NullTitle = new();

    private static JsonNode Set(JsonObject target, string name, JsonNode value)
    {
        target[name] = value;
        return value;
    }

    private static IEnumerable<string> RandomChunks(string text, Random random)
    {
        int at = 0;
        int scale = random.Next(3) switch { 0 => 3, 1 => 12, _ => 60 };
        while (at < text.Length)
        {
            int size = Math.Min(text.Length - at, random.Next(1, scale + 1));
            yield return text.Substring(at, size);
            at += size;
        }
    }

    /// <summary>Random valid documents, with text that needs escapes and text outside ASCII, surrogate pairs too.</summary>
    private static class Documents
    {
        private static readonly string[] Pieces =
        {
            "a", "b", "Z", "0", " ", "-", "\"", "\\", "/", "\n", "\t", "\r", "\u0001", "\u001f", "é", "ß", "中", "😀", "𝄞", "\u2028", "<", "&", "'",
        };

        public static StreamedDocument Random(Random random) => new(
            Text(random, 12),
            Code(random),
            random.Next(1, 101),
            Kind(random),
            new StreamedOwner(Text(random, 8), random.Next(2) == 0 ? null : new StreamedAddress(Text(random, 6), Text(random, 6))),
            random.Next(3) == 0 ? null : new StreamedPoint(NotThirteen(random), random.Next(-5000, 5000)),
            Enumerable.Range(0, random.Next(1, 6)).Select(_ => new StreamedTag(Text(random, 5), random.Next(0, 100))).ToList(),
            Enumerable.Range(0, random.Next(0, 5)).Select(_ => Text(random, 10)).ToList(),
            Enumerable.Range(0, random.Next(0, 7)).Select(_ => random.Next(2) == 0 ? random.Next(-9, 10) : random.Next(int.MinValue, int.MaxValue)).ToArray(),
            Enumerable.Range(0, random.Next(0, 4)).Select(_ => Kind(random)).ToList(),
            Enumerable.Range(0, random.Next(0, 4)).ToDictionary(i => Text(random, 4) + i.ToString(CultureInfo.InvariantCulture), _ => random.Next(-100, 100)),
            random.Next(2) == 0 ? new StreamedCircle(random.Next(0, 10_000) / 100.0) : new StreamedBox(random.Next(0, 50), random.Next(0, 50)),
            Node(random, 3),
            random.Next(2) == 0 ? null : Text(random, 20),
            random.Next(2) == 0 ? null : random.Next(-1000, 1000) / 8.0,
            random.Next(2) == 0);

        public static string Text(Random random, int max)
        {
            var sb = new StringBuilder();
            for (int n = random.Next(0, max + 1); n > 0; n--)
            {
                sb.Append(Pieces[random.Next(Pieces.Length)]);
            }

            return sb.ToString();
        }

        private static string Code(Random random) =>
            string.Concat((char)('A' + random.Next(26)), (char)('A' + random.Next(26)), "-", random.Next(0, 1000).ToString("D3", CultureInfo.InvariantCulture));

        private static StreamedKind Kind(Random random) => (StreamedKind)random.Next(3);

        private static int NotThirteen(Random random)
        {
            int x = random.Next(-1000, 1001);
            return x == 13 ? 14 : x;
        }

        private static StreamedNode Node(Random random, int depth) => new(
            Text(random, 4),
            depth == 0 ? new List<StreamedNode>() : Enumerable.Range(0, random.Next(0, 3)).Select(_ => Node(random, depth - 1)).ToList(),
            depth == 0 || random.Next(3) != 0 ? null : Node(random, depth - 1));
    }

    /// <summary>
    /// Writes JSON with random whitespace (none, indented, scattered) and strings escaped in varied ways (raw text
    /// outside ASCII, \u escapes, short escapes); records where one node's text ends.
    /// </summary>
    private sealed class VariedWriter(Random random, JsonNode? marked, string? markedNullMember = null)
    {
        private readonly StringBuilder _sb = new();
        private int _style;

        /// <summary>The index just past the marked node's text.</summary>
        public int MarkedEnd { get; private set; } = -1;

        public string Write(JsonNode? node)
        {
            _style = random.Next(3);
            Space();
            Value(node, 0);
            Space();
            return _sb.ToString();
        }

        private void Value(JsonNode? node, int depth)
        {
            switch (node)
            {
                case JsonObject obj:
                    _sb.Append('{');
                    int i = 0;
                    foreach (var (name, value) in obj)
                    {
                        if (i++ > 0)
                        {
                            Space();
                            _sb.Append(',');
                        }

                        Line(depth + 1);
                        String(name);
                        Space();
                        _sb.Append(':');
                        Space(always: _style == 1);
                        Value(value, depth + 1);
                        if (value is null && depth == 0 && name == markedNullMember)
                        {
                            MarkedEnd = _sb.Length;
                        }
                    }

                    if (obj.Count > 0)
                    {
                        Line(depth);
                    }

                    _sb.Append('}');
                    break;
                case JsonArray array:
                    _sb.Append('[');
                    for (int j = 0; j < array.Count; j++)
                    {
                        if (j > 0)
                        {
                            Space();
                            _sb.Append(',');
                        }

                        Line(depth + 1);
                        Value(array[j], depth + 1);
                    }

                    if (array.Count > 0)
                    {
                        Line(depth);
                    }

                    _sb.Append(']');
                    break;
                case null:
                    _sb.Append("null");
                    break;
                default:
                    if (node.GetValueKind() == JsonValueKind.String)
                    {
                        String(node.GetValue<string>());
                    }
                    else
                    {
                        _sb.Append(node.ToJsonString());
                    }

                    break;
            }

            if (node is not null && ReferenceEquals(node, marked))
            {
                MarkedEnd = _sb.Length;
            }
        }

        private void String(string text)
        {
            _sb.Append('"');
            bool escapePair = false;
            foreach (char c in text)
            {
                if (char.IsSurrogate(c))
                {
                    // A pair is written raw or as two escapes, its halves alike.
                    escapePair = char.IsHighSurrogate(c) ? random.Next(3) == 0 : escapePair;
                    _sb.Append(escapePair ? "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString());
                    continue;
                }

                switch (c)
                {
                    case '"':
                        _sb.Append(random.Next(2) == 0 ? "\\\"" : "\\u0022");
                        break;
                    case '\\':
                        _sb.Append(random.Next(2) == 0 ? "\\\\" : "\\u005C");
                        break;
                    case '\n':
                        _sb.Append(random.Next(2) == 0 ? "\\n" : "\\u000a");
                        break;
                    case '/':
                        _sb.Append(random.Next(2) == 0 ? "/" : "\\/");
                        break;
                    case < ' ':
                        _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        break;
                    case > '~':
                        if (random.Next(3) == 0)
                        {
                            _sb.Append("\\u").Append(((int)c).ToString(random.Next(2) == 0 ? "X4" : "x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            _sb.Append(c);
                        }

                        break;
                    default:
                        _sb.Append(c);
                        break;
                }
            }

            _sb.Append('"');
        }

        private void Line(int depth)
        {
            if (_style == 1)
            {
                _sb.Append(random.Next(4) == 0 ? "\r\n" : "\n").Append(random.Next(2) == 0 ? new string(' ', 2 * depth) : new string('\t', depth));
            }
            else
            {
                Space();
            }
        }

        private void Space(bool always = false)
        {
            if (_style == 2 || always)
            {
                _sb.Append(" \t\n\r"[random.Next(4)], random.Next(always ? 1 : 0, 3));
            }
        }
    }

    /// <summary>Streams one answer in the given pieces for every request, then stops; answers a whole request with them joined.</summary>
    private sealed class ScriptedStreamClient(params string[] pieces) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Concat(pieces))) { FinishReason = ChatFinishReason.Stop });

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (string piece in pieces)
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, piece);
            }

            yield return new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = ChatFinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
