using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// The one table of what strict mode does not enforce (<see cref="StrictMode.Gaps"/>) drives both LLMX012 and the
/// strict schema: for every row, a member that has the constraint is reported, its keywords are in the plain schema,
/// and the strict schema leaves them out and states the rule in the description instead.
/// </summary>
public class StrictModeTableTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.ComponentModel.DataAnnotations;
        using StructuredOutput;

        namespace Strict;

        """;

    // A member with each gap: its declaration, the JSON path of the value the gap is on, and the note stated instead.
    private static readonly Dictionary<StrictGap, (string Member, string[] Path, string Note)[]> Samples = new()
    {
        [StrictGap.StringLength] = new[]
        {
            ("[MaxLength(10)] public string Value { get; set; } = \"\";", new[] { "value" }, "At most 10 characters."),
            ("[StringLength(8, MinimumLength = 2)] public string Value { get; set; } = \"\";", new[] { "value" }, "2 to 8 characters."),
            ("[Required, RegularExpression(\"[a-z]*\")] public string Value { get; set; } = \"\";", new[] { "value" }, "At least 1 character."),
        },
        [StrictGap.OneCharacter] = new[]
        {
            ("public char Value { get; set; }", new[] { "value" }, "Exactly one character."),
            ("public List<char> Value { get; set; } = new();", new[] { "value", "items" }, "Exactly one character."),
        },
        [StrictGap.UriFormat] = new[]
        {
            ("public Uri Value { get; set; } = default!;", new[] { "value" }, "An absolute URI."),
            ("public Uri[] Value { get; set; } = [];", new[] { "value", "items" }, "An absolute URI."),
        },
        [StrictGap.UniqueItems] = new[]
        {
            ("public HashSet<string> Value { get; set; } = new();", new[] { "value" }, "Items must be unique."),
            ("public List<ISet<int>> Value { get; set; } = new();", new[] { "value", "items" }, "Items must be unique."),
        },
        [StrictGap.DeniedValues] = new[]
        {
            ("[DeniedValues(\"none\", \"n/a\")] public string Value { get; set; } = \"\";", new[] { "value" }, "Must not be \"none\" or \"n/a\"."),
            ("[DeniedValues(0, 13)] public int Value { get; set; }", new[] { "value" }, "Must not be 0 or 13."),
        },
    };

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (gap, samples) in Samples)
        {
            for (int i = 0; i < samples.Length; i++)
            {
                data.Add(gap.ToString(), i);
            }
        }

        return data;
    }

    [Fact]
    public void TheTableHasOneRowPerGapAndEveryRowIsTested()
    {
        var gaps = Enum.GetValues<StrictGap>();
        Assert.Equal(gaps, StrictMode.Gaps.Select(g => g.Gap));
        Assert.All(gaps, gap => Assert.Same(StrictMode.Gaps.Single(g => g.Gap == gap), StrictMode.Info(gap)));
        Assert.Equal(gaps.OrderBy(g => g), Samples.Keys.OrderBy(g => g));
        Assert.All(StrictMode.Gaps, row => Assert.NotEmpty(row.Keywords));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryUnenforcedKeywordIsReportedAndMovedIntoTheDescription(string gapName, int sample)
    {
        var gap = Enum.Parse<StrictGap>(gapName);
        var (member, path, note) = Samples[gap][sample];
        var row = StrictMode.Info(gap);
        string source = Usings + $$"""
            [LlmExtract(Mode = ExtractionMode.StrictJsonSchema)]
            public partial class Order
            {
                /// <summary>The value.</summary>
                public string Id { get; set; } = "";

                /// <summary>The value under test.</summary>
                {{member}}
            }
            """;
        var run = Harness.Run(source, DocumentationMode.Parse);

        var reported = run.AnalyzerDiagnostics.Where(d => d.Id == "LLMX012").ToList();
        var diagnostic = Assert.Single(reported);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains($"does not enforce {row.Constraint} on 'Order.Value'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var assembly = LoadedAssembly.Load(run.Output);
        using var plain = JsonDocument.Parse(assembly.JsonSchema("Strict.Order"));
        using var strict = JsonDocument.Parse(assembly.StrictJsonSchema("Strict.Order")!);
        var plainValue = At(plain.RootElement, path);
        var strictValue = At(strict.RootElement, path);
        Assert.True(row.Keywords.Any(k => plainValue.TryGetProperty(k, out _)), $"The plain schema has none of {string.Join(", ", row.Keywords)}: {plainValue}");
        foreach (string keyword in row.Keywords)
        {
            Assert.False(strictValue.TryGetProperty(keyword, out _), $"The strict schema keeps '{keyword}': {strictValue}");
        }

        string description = strictValue.TryGetProperty("description", out var d) ? d.GetString()! : string.Empty;
        Assert.Contains(note, description, StringComparison.Ordinal);
        string plainDescription = plainValue.TryGetProperty("description", out var pd) ? pd.GetString()! : string.Empty;
        Assert.DoesNotContain(note, plainDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void AStrictTypeWithoutGapsKeepsEveryKeywordAndReportsNothing()
    {
        var run = Harness.Run(Usings + """
            [LlmExtract(Mode = ExtractionMode.StrictJsonSchema)]
            public partial record Order(
                [Range(1, 5)] int Stars,
                [RegularExpression("[A-Z]{3}")] string Code,
                [Required] string Name,
                [MinLength(1)] List<string> Tags,
                [AllowedValues("a", "b")] string Letter);
            """);

        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "LLMX012");
        using var assembly = LoadedAssembly.Load(run.Output);
        using var strict = JsonDocument.Parse(assembly.StrictJsonSchema("Strict.Order")!);
        var properties = strict.RootElement.GetProperty("properties");
        Assert.Equal(5, properties.GetProperty("stars").GetProperty("maximum").GetInt32());
        Assert.Equal("^(?:[A-Z]{3})$", properties.GetProperty("code").GetProperty("pattern").GetString());
        Assert.Equal("\\S", properties.GetProperty("name").GetProperty("pattern").GetString());
        Assert.Equal(1, properties.GetProperty("tags").GetProperty("minItems").GetInt32());
        Assert.Equal(2, properties.GetProperty("letter").GetProperty("enum").GetArrayLength());
    }

    private static JsonElement At(JsonElement schema, string[] path)
    {
        var value = schema.GetProperty("properties").GetProperty(path[0]);
        foreach (string step in path.Skip(1))
        {
            value = value.GetProperty(step);
        }

        return value;
    }
}
