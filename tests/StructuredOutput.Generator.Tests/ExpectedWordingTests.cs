using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// One wording per expected value: a missing member (worded by the generated code) and a member of the wrong kind
/// (worded by the runtime's readers) say the same "expected …" for every supported member type.
/// </summary>
public class ExpectedWordingTests
{
    private static readonly (string Type, string Json)[] Members =
    {
        ("string", "text"), ("bool", "flag"), ("char", "letter"),
        ("sbyte", "tiny"), ("byte", "small"), ("short", "shortNumber"), ("ushort", "unsignedShort"), ("int", "count"),
        ("uint", "unsignedCount"), ("long", "big"), ("ulong", "unsignedBig"),
        ("float", "ratio"), ("double", "amount"), ("decimal", "price"),
        ("DateTime", "at"), ("DateTimeOffset", "atOffset"), ("DateOnly", "day"), ("TimeOnly", "time"), ("TimeSpan", "duration"),
        ("Guid", "id"), ("Uri", "link"),
        ("Color", "color"), ("Single", "only"),
        ("Part", "part"), ("List<int>", "list"), ("int[]", "array"), ("HashSet<string>", "set"), ("IReadOnlyList<Part>", "parts"),
        ("Dictionary<string, int>", "map"),
    };

    [Fact]
    public void AMissingMemberAndAMemberOfTheWrongKindAreWordedAlike()
    {
        string properties = string.Join("\n", Members.Select(m =>
            $"    public required {m.Type} {char.ToUpperInvariant(m.Json[0])}{m.Json[1..]} {{ get; init; }}"));
        string source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Text.Json.Serialization;
            using StructuredOutput;

            namespace Wording;

            public enum Color { Red, Green }

            public enum Single { Only }

            public record Part(string Name);

            [LlmExtract]
            public partial class Everything
            {
            {{properties}}
            }
            """;
        var run = Harness.Run(source).AssertCompilesCleanly();
        using var assembly = LoadedAssembly.Load(run.Output);

        var missing = Expectations(assembly.Parse("Wording.Everything", "{}"), "is required but missing; expected (.+)$");
        string nulls = "{" + string.Join(",", Members.Select(m => $"\"{m.Json}\":null")) + "}";
        var wrongKind = Expectations(assembly.Parse("Wording.Everything", nulls), "^expected (.+), found null$");

        foreach (var (type, json) in Members)
        {
            string path = "$." + json;
            Assert.True(missing.ContainsKey(path), $"No missing-member error for {type} {path}.");
            Assert.True(wrongKind.ContainsKey(path), $"No wrong-kind error for {type} {path}.");
            Assert.Equal(wrongKind[path], missing[path]);
        }

        // The wordings are the runtime's, named for each kind of value.
        Assert.Equal(StructuredOutput.Reading.ExpectedValues.DateOnly, missing["$.day"]);
        Assert.Equal("one of \"Red\", \"Green\"", missing["$.color"]);
        Assert.Equal("\"Only\"", missing["$.only"]);
        Assert.Equal("an object", missing["$.map"]);
    }

    private static Dictionary<string, string> Expectations(ParsedAnswer answer, string pattern)
    {
        Assert.False(answer.IsSuccess);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var error in answer.Errors)
        {
            var match = Regex.Match(error.Message, pattern);
            Assert.True(match.Success, $"Unexpected error {error}");
            result[error.Path] = match.Groups[1].Value;
        }

        return result;
    }
}
