using System;
using System.Collections.Generic;
using StructuredOutput.Streaming;
using TS = StructuredOutput.Tests.TypeSpace;

namespace StructuredOutput.Tests.Streaming;

/// <summary>
/// The value built from a streamed view, over every scalar type, every collection shape, nullable and defaulted
/// members, a class with init and required members, a struct and a type with rules of its own: whenever it is built it
/// is what <c>Parse</c> gives on the whole text, repairs included, and it is built whenever the answer holds every member
/// and needs no repair.
/// </summary>
public class StreamedValueShapesTests
{
    public static TheoryData<string, string, bool> Answers => new()
    {
        { nameof(TS.Scalars), TS.TypeSpaceTests.ScalarsJson, true },
        { nameof(TS.Collections), TS.TypeSpaceTests.CollectionsJson.Replace("\"set\":[\"a\",\"b\",\"a\"]", "\"set\":[\"a\",\"b\"]", StringComparison.Ordinal), true },
        { nameof(TS.Collections), TS.TypeSpaceTests.CollectionsJson, false }, // a repeated set item is a repair
        { nameof(TS.Optionals), """{"count":1,"day":"2024-01-02","id":"0f8fad5b-d9cb-469f-a165-70867728950e","link":"urn:isbn:0451450523","shade":"Neon","times":["2024-01-02T03:04:05Z"],"initial":"Q"}""", true },
        { nameof(TS.Optionals), """{"count":null,"day":null,"id":null,"link":null,"shade":null,"times":null,"initial":null}""", true },
        { nameof(TS.Optionals), "{}", true }, // members left out: taken as null, with Parse's note for each
        { nameof(TS.Defaults), """{"name":"n","count":null,"shade":"Light","note":"x","unit":"kg","must":2}""", true },
        { nameof(TS.Defaults), """{"name":"n","must":2}""", true }, // members left out take their declared defaults, as Parse gives them
        { nameof(TS.Derived), """{"id":"a1","level":3,"seen":"2024-01-01T00:00:00Z"}""", true },
        { nameof(TS.Measure), """{"value":1.5,"unit":"kg"}""", true },
        { nameof(TS.CheckedInvoice), """{"items":[{"description":"a","amount":1.5},{"description":"b","amount":2}],"total":3.5}""", true },
        { nameof(TS.CheckedInvoice), """{"items":[{"description":"a","amount":1.5}],"total":3.5}""", false }, // its own rule fails
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void A_streamed_answer_ends_as_Parse_gives_it(string type, string json, bool built)
    {
        switch (type)
        {
            case nameof(TS.Scalars): Check<TS.Scalars>(json, built); break;
            case nameof(TS.Collections): Check<TS.Collections>(json, built); break;
            case nameof(TS.Optionals): Check<TS.Optionals>(json, built); break;
            case nameof(TS.Defaults): Check<TS.Defaults>(json, built); break;
            case nameof(TS.Derived): Check<TS.Derived>(json, built); break;
            case nameof(TS.Measure): Check<TS.Measure>(json, built); break;
            case nameof(TS.CheckedInvoice): Check<TS.CheckedInvoice>(json, built); break;
            default: throw new ArgumentException(type);
        }
    }

    private static void Check<T>(string json, bool expectBuilt)
        where T : ILlmExtractable<T>
    {
        PartialShape shape = T.StreamingShape ?? throw new InvalidOperationException(typeof(T).Name + " has no streaming shape.");
        ParseResult<T> parsed = LlmContract<T>.Parse(json);
        var random = new Random(json.Length);
        for (int round = 0; round < 5; round++)
        {
            var reader = new PartialAnswerReader(shape, null);
            foreach (string chunk in Chunks(json, random))
            {
                reader.Append(chunk);
            }

            bool built = reader.TryBuild(json, out ParseResult<T> fromView);
            Assert.True(expectBuilt == built, $"strict {reader.IsStrict} closed {reader.IsRootClosed} errors {string.Join("; ", reader.Errors)} parse repairs {string.Join("; ", parsed.Repairs)} parse errors {string.Join("; ", parsed.Errors)}");
            if (built)
            {
                Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors));
                Assert.Equal(LlmContract<T>.ToJson(parsed.Value!), LlmContract<T>.ToJson(fromView.Value!));
                Assert.Equal(parsed.Repairs, fromView.Repairs);
            }

            reader.Release();
        }
    }

    private static IEnumerable<string> Chunks(string text, Random random)
    {
        for (int at = 0; at < text.Length;)
        {
            int size = Math.Min(text.Length - at, random.Next(1, 24));
            yield return text.Substring(at, size);
            at += size;
        }
    }
}
