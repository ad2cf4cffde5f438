using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CsCheck;
using Xunit.Abstractions;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>
/// The repair stage never changes a value: a valid answer, mangled in ways that each have exactly one meaning (a comma
/// written as a line break, a trailing comma, single quotes, an unquoted property name, a comment, a special space, a
/// Python literal), parses to the same value as the original, with the repairs listed.
/// </summary>
public sealed class RepairFuzzTests
{
    private static readonly Dictionary<string, IRepairTarget> Targets = new IRepairTarget[]
    {
        new RepairTarget<AllScalars>(FuzzGen.AllScalars, FuzzJsonContext.Default.AllScalars),
        new RepairTarget<Nullables>(FuzzGen.Nullables, FuzzJsonContext.Default.Nullables),
        new RepairTarget<Profile>(FuzzGen.Profile, FuzzJsonContext.Default.Profile),
        new RepairTarget<TreeNode>(FuzzGen.TreeNode, FuzzJsonContext.Default.TreeNode),
        new RepairTarget<Order>(FuzzGen.Order, FuzzJsonContext.Default.Order),
        new RepairTarget<Outline>(FuzzGen.Outline, FuzzJsonContext.Default.Outline),
    }.ToDictionary(t => t.Name);

    private readonly ITestOutputHelper _output;

    public RepairFuzzTests(ITestOutputHelper output) => _output = output;

    private interface IRepairTarget
    {
        string Name { get; }

        void Check(long iterations, string? seed, Action<string> writeLine);
    }

    public static TheoryData<string> TypeNames => new(Targets.Keys);

    private static long Iterations => FuzzSettings.Iterations(ParserFuzzTests.DefaultIterations);

    private static string? Seed => FuzzSettings.Seed;

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Mangled_valid_answers_repair_to_the_original_value(string type) =>
        Targets[type].Check(Iterations, Seed, _output.WriteLine);

    [Fact]
    public void The_mangler_makes_invalid_JSON_and_is_deterministic()
    {
        const string answer = """{"name":"a","tags":["x","y"],"n":null,"ok":true}""";
        var random = new uint[] { 3, 1, 4, 1, 5, 9, 2, 6 };
        Assert.Equal(Mangle(answer, random), Mangle(answer, random));
        for (uint i = 0; i < 200; i++)
        {
            string mangled = Mangle(answer, new[] { i, i * 7919, i * 104729, i * 31 });
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(mangled));
        }
    }

    /// <summary>
    /// Applies one to three manglings at distinct places of a compact JSON text written by System.Text.Json (ASCII
    /// only: it escapes quotes, apostrophes and non-ASCII characters inside strings).
    /// </summary>
    public static string Mangle(string json, uint[] random)
    {
        int r = 0;
        uint Next() => random[r++ % random.Length];

        List<(int At, int Remove, string Insert)> edits = Candidates(json);
        var chosen = new List<(int At, int Remove, string Insert)>();
        var anchors = new HashSet<int>();
        int count = 1 + (int)(Next() % 3);
        for (int tries = 0; tries < 12 && chosen.Count < count && edits.Count > 0; tries++)
        {
            var edit = edits[(int)(Next() % (uint)edits.Count)];
            if (anchors.Add(edit.At))
            {
                chosen.Add(edit);
            }
        }

        var text = new StringBuilder(json);
        foreach (var (at, remove, insert) in chosen.OrderByDescending(e => e.At))
        {
            text.Remove(at, remove).Insert(at, insert);
        }

        return text.ToString();
    }

    // Every mangling the text allows, each anchored at the one character or token it changes.
    private static List<(int At, int Remove, string Insert)> Candidates(string json)
    {
        var edits = new List<(int At, int Remove, string Insert)>();
        var openers = new Stack<int>();
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            switch (c)
            {
                case '"':
                    int end = i + 1;
                    while (json[end] != '"')
                    {
                        end += json[end] == '\\' ? 2 : 1;
                    }

                    bool key = json[end + 1] == ':';
                    string content = json.Substring(i + 1, end - i - 1);
                    edits.Add((i, end - i + 1, "'" + content + "'"));
                    if (key && content.Length > 0 && (char.IsAsciiLetter(content[0]) || content[0] == '_') && content.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
                    {
                        edits.Add((i, end - i + 1, content));
                    }

                    i = end;
                    break;
                case '{':
                case '[':
                    openers.Push(i);
                    break;
                case '}':
                case ']':
                    if (openers.Pop() != i - 1)
                    {
                        edits.Add((i, 0, ","));
                    }

                    break;
                case ',':
                    edits.Add((i, 1, "\n"));
                    edits.Add((i, 1, ", /* more */ "));
                    break;
                case ':':
                    edits.Add((i, 1, ":\u00A0"));
                    break;
                case 't' when string.CompareOrdinal(json, i, "true", 0, 4) == 0:
                    edits.Add((i, 4, "True"));
                    i += 3;
                    break;
                case 'f' when string.CompareOrdinal(json, i, "false", 0, 5) == 0:
                    edits.Add((i, 5, "False"));
                    i += 4;
                    break;
                case 'n' when string.CompareOrdinal(json, i, "null", 0, 4) == 0:
                    edits.Add((i, 4, "None"));
                    i += 3;
                    break;
            }
        }

        return edits;
    }

    private sealed class RepairTarget<T> : IRepairTarget where T : ILlmExtractable<T>
    {
        private readonly Gen<T> _values;
        private readonly JsonTypeInfo<T> _json;

        public RepairTarget(Gen<T> values, JsonTypeInfo<T> json)
        {
            _values = values;
            _json = json;
        }

        public string Name => typeof(T).Name;

        public void Check(long iterations, string? seed, Action<string> writeLine) =>
            Gen.Select(_values, Gen.UInt.Array[4, 12], (value, random) => (Json: JsonSerializer.Serialize(value, _json), Random: random))
                .Sample(
                    sample =>
                    {
                        string mangled = Mangle(sample.Json, sample.Random);
                        ParseResult<T> result = LlmContract<T>.Parse(mangled);
                        Assert.True(result.IsSuccess, $"{mangled} was rejected: {string.Join("; ", result.Errors)}");
                        Assert.NotEmpty(result.Repairs);
                        Assert.Equal(sample.Json, JsonSerializer.Serialize(result.Value!, _json));
                    },
                    writeLine,
                    seed,
                    iterations,
                    print: sample => JsonSerializer.Serialize(Mangle(sample.Json, sample.Random)));
    }
}
