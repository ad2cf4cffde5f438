using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// Each diagnostic: its id, severity Error, the exact span it points at (marked <c>[|…|]</c> in the source), the words
/// of its message, and that nothing is generated for the type it is about.
/// </summary>
public class DiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using StructuredOutput;

        namespace Diag;

        """;

    [Fact]
    public void LLMX001_RootTypeIsNotPartial()
    {
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public record [|Recipe|](string Name);
            """, "LLMX001", "Recipe");

        AssertMessage(diagnostic, "'Recipe' must be declared partial", "add the 'partial' modifier");
    }

    [Fact]
    public void LLMX001_ContainingTypeIsNotPartial()
    {
        var diagnostic = SingleDiagnostic("""
            public class [|Outer|]
            {
                [LlmExtract]
                public partial record Inner(string Name);
            }
            """, "LLMX001", "Outer.Inner");

        AssertMessage(diagnostic, "'Outer' must be declared partial", "(it contains 'Inner')");
    }

    [Fact]
    public void LLMX001_EveryContainingTypeThatIsNotPartialIsReported()
    {
        var run = RunMarked("""
            public class [|Outer|]
            {
                public partial class Middle
                {
                    public class [|Inner|]
                    {
                        [LlmExtract]
                        public partial record Leaf(string Name);
                    }
                }
            }
            """, out var markup);

        var diagnostics = run.ContractDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(2, diagnostics.Count);
        AssertAt(diagnostics[0], "LLMX001", markup, 0);
        AssertAt(diagnostics[1], "LLMX001", markup, 1);
        AssertMessage(diagnostics[0], "'Outer'", "(it contains 'Leaf')");
        AssertMessage(diagnostics[1], "'Inner'", "(it contains 'Leaf')");
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("Dictionary<int, string>", "Dictionary<int, string>", "JSON object keys are strings")]
    [InlineData("SortedDictionary<string, int>", "SortedDictionary<string, int>", "use Dictionary<string, T> or IReadOnlyDictionary<string, T>")]
    [InlineData("object", "object", "use a concrete record or class")]
    [InlineData("Half", "Half", "use float")]
    [InlineData("Int128", "Int128", "use long, or string for numbers beyond 64 bits")]
    [InlineData("int[,]", "int[,]", "one-dimensional array")]
    [InlineData("List<object>", "List<object>", "its elements are 'object', which is not supported: use a concrete record or class")]
    [InlineData("Half[]", "Half[]", "its elements are 'Half', which is not supported: use float")]
    [InlineData("List<List<Int128>>", "List<List<Int128>>", "its elements are 'Int128', which is not supported: use long")]
    [InlineData("Queue<string>", "Queue<string>", "use T[], List<T>, IList<T>, IReadOnlyList<T>, ICollection<T>, IEnumerable<T>, ImmutableArray<T> or HashSet<T>")]
    [InlineData("System.Text.Json.JsonElement?", "JsonElement?", "use a record or class that describes the value")]
    [InlineData("nint", "nint", "use long")]
    [InlineData("List<Half?>", "List<Half?>", "its elements are 'Half?', which is not supported: use float")]
    [InlineData("(int Count, string Unit)", "(int Count, string Unit)", "use a record with named members instead of a tuple")]
    [InlineData("List<(int, string)>", "List<(int, string)>", "its elements are '(int, string)', which is not supported: use a record with named members instead of a tuple")]
    public void LLMX002_UnsupportedMemberType(string type, string displayed, string advice)
    {
        var diagnostic = SingleDiagnostic($$"""
            [LlmExtract]
            public partial class Order
            {
                public string Name { get; set; } = "";
                public {{type}} [|Counts|] { get; set; } = default!;
            }
            """, "LLMX002", "Order");

        AssertMessage(diagnostic, "Member 'Counts' of 'Order'", $"has type '{displayed}'", advice);
    }

    [Fact]
    public void LLMX002_OnAPositionalParameterOfANestedType()
    {
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public partial record Order(string Id, List<Line> Lines);

            public record Line(string Sku, Half [|Weight|]);
            """, "LLMX002", "Order");

        AssertMessage(diagnostic, "Member 'Weight' of 'Line'", "'Half'", "use float");
    }

    [Fact]
    public void LLMX002_EnumWithoutMembers()
    {
        var diagnostic = SingleDiagnostic("""
            public enum Empty { }

            [LlmExtract]
            public partial record Order(Empty [|Kind|]);
            """, "LLMX002", "Order");

        AssertMessage(diagnostic, "Member 'Kind' of 'Order'", "'Empty'", "no members");
    }

    [Fact]
    public void LLMX003_GenericRootType()
    {
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public partial record [|Page|]<T>(List<T> Items);
            """, "LLMX003", "Page");

        AssertMessage(diagnostic, "'Page<T>' is generic", "non-generic");
    }

    [Fact]
    public void LLMX003_RootNestedInAGenericType()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Outer<T>
            {
                [LlmExtract]
                public partial record [|Inner|](string Name);
            }
            """, "LLMX003", "Inner");

        AssertMessage(diagnostic, "'Outer<T>' is generic");
    }

    [Fact]
    public void LLMX004_AbstractMemberType()
    {
        var diagnostic = SingleDiagnostic("""
            public abstract record Shape(string Name);

            [LlmExtract]
            public partial record Drawing(List<Shape> [|Shapes|]);
            """, "LLMX004", "Drawing");

        AssertMessage(diagnostic, "'Shape' cannot be constructed from JSON", "abstract");
    }

    [Fact]
    public void LLMX004_SeveralConstructorsWithoutJsonConstructor()
    {
        var diagnostic = SingleDiagnostic("""
            public class Money
            {
                public Money(decimal amount, string currency) { Amount = amount; Currency = currency; }
                public Money(string text) : this(0m, text) { }
                public decimal Amount { get; }
                public string Currency { get; }
            }

            [LlmExtract]
            public partial record Price(Money [|Value|]);
            """, "LLMX004", "Price");

        AssertMessage(diagnostic, "'Money' cannot be constructed from JSON", "several constructors", "[JsonConstructor]");
    }

    [Fact]
    public void LLMX004_JsonConstructorChoosesAmongSeveral()
    {
        // The fix the message suggests must work.
        var run = Harness.Run(Usings + """
            public class Money
            {
                [JsonConstructor]
                public Money(decimal amount, string currency) { Amount = amount; Currency = currency; }
                public Money(string text) : this(0m, text) { }
                public decimal Amount { get; }
                public string Currency { get; }
            }

            [LlmExtract]
            public partial record Price(Money Value);
            """).AssertCompilesCleanly();
        Assert.Contains("new global::Diag.Money(mAmount, mCurrency)", run.Sources.Values.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void LLMX004_ConstructorParameterMatchesNoProperty()
    {
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public partial class Person
            {
                public Person(string name, int [|age|]) { Name = name; }
                public string Name { get; }
            }
            """, "LLMX004", "Person");

        AssertMessage(diagnostic, "'Person' cannot be constructed from JSON", "constructor parameter 'age' matches no public property");
    }

    [Fact]
    public void LLMX004_ConstructorParameterWhoseTypeDoesNotMatchItsProperty()
    {
        // Without the type check the generated 'new Person(mCount)' would pass an int to a string (CS1503).
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public partial class Person
            {
                public Person(string [|count|]) { Count = count.Length; }
                public int Count { get; init; }
            }
            """, "LLMX004", "Person");

        AssertMessage(diagnostic, "constructor parameter 'count' matches no public property");
    }

    [Fact]
    public void LLMX004_RequiredMemberThatIsNotRead()
    {
        // Without the diagnostic the generated object initializer would miss the member (CS9035).
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public partial class Person
            {
                public string Name { get; set; } = "";
                public required string [|Code|];
            }
            """, "LLMX004", "Person");

        AssertMessage(diagnostic, "'Person' cannot be constructed from JSON", "required member 'Code' is not read from JSON");
    }

    [Fact]
    public void LLMX004_RequiredMemberThatIsIgnored()
    {
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public partial class Person
            {
                public string Name { get; set; } = "";
                [JsonIgnore]
                public required string [|Secret|] { get; set; }
            }
            """, "LLMX004", "Person");

        AssertMessage(diagnostic, "required member 'Secret'");
    }

    [Fact]
    public void LLMX005_PointsAtTheSecondMemberOfAPositionalRecord()
    {
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public partial record Person([property: JsonPropertyName("name")] string FullName, string [|Name|]);
            """, "LLMX005", "Person");

        AssertMessage(diagnostic, "Members 'FullName' and 'Name' of 'Person'", "\"name\"", "[JsonPropertyName]");
    }

    [Fact]
    public void LLMX005_PointsAtTheRenamedMemberThatClashesWithAnEarlierOne()
    {
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public partial record Person(string Title, string Name, [property: JsonPropertyName("title")] string [|Heading|]);
            """, "LLMX005", "Person");

        AssertMessage(diagnostic, "Members 'Title' and 'Heading' of 'Person'", "\"title\"");
    }

    [Fact]
    public void LLMX005_NamesThatOnlyCamelCaseMakesEqual()
    {
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            public partial class Root
            {
                public Item Item { get; set; } = new();
            }

            public class Item
            {
                public string URL { get; set; } = "";
                public string [|Url|] { get; set; } = "";
            }
            """, "LLMX005", "Root");

        AssertMessage(diagnostic, "Members 'URL' and 'Url' of 'Item'", "\"url\"");
    }

    [Fact]
    public void LLMX005_ASettablePropertyThatClashesWithAnInheritedOne()
    {
        var diagnostic = SingleDiagnostic("""
            public class Base
            {
                public string Code { get; set; } = "";
            }

            [LlmExtract]
            public partial class Derived : Base
            {
                public string Label { get; set; } = "";

                [JsonPropertyName("code")]
                public string [|Identifier|] { get; set; } = "";
            }
            """, "LLMX005", "Derived");

        AssertMessage(diagnostic, "Members 'Code' and 'Identifier' of 'Derived'", "\"code\"");
    }

    [Fact]
    public void LLMX005_TwoEnumMembersWithTheSameJsonName()
    {
        var diagnostic = SingleDiagnostic("""
            public enum Size
            {
                [JsonStringEnumMemberName("big")] Large,
                [JsonStringEnumMemberName("big")] [|Huge|],
            }

            [LlmExtract]
            public partial record Shirt(Size Size);
            """, "LLMX005", "Shirt");

        AssertMessage(diagnostic, "Members 'Large' and 'Huge' of 'Size'", "\"big\"", "[JsonStringEnumMemberName]");
    }

    [Theory]
    [InlineData("LlmContract<[|Person|]>.JsonSchema", "LlmContract<Person>")]
    [InlineData("client.ExtractAsync<[|Person|]>(\"text\")", "ExtractAsync<Person>")]
    [InlineData("client.TryExtractAsync<[|Person|]>(\"text\")", "TryExtractAsync<Person>")]
    [InlineData("ChatClientExtractExtensions.ExtractAsync<[|Diag.Person|]>(client, \"text\")", "ExtractAsync<Person>")]
    public void LLMX016_TypeArgumentWithoutLlmExtract(string use, string named)
    {
        var markup = Markup.Parse(Usings + $$"""
            public record Person(string Name);

            public static class Use
            {
                public static object Run(Microsoft.Extensions.AI.IChatClient client) => {{use}};
            }
            """);
        var run = Harness.Run(WithChatClient(markup.Source));

        var diagnostic = Assert.Single(run.AnalyzerDiagnostics);
        AssertAt(diagnostic, "LLMX016", markup, 0);
        AssertMessage(diagnostic, "'Person' is not an extraction contract", $"so {named} cannot use it", "add [LlmExtract] to 'Person' and declare it partial");
        Assert.Contains(run.CompilationErrors, e => e.Id == "CS0311");
    }

    [Theory]
    [InlineData("[LlmExtract] public partial record Person(string Name);", "LlmContract<Person>.JsonSchema")]
    [InlineData("[LlmExtract] public partial record Person(string Name);", "client.ExtractAsync<Person>(\"text\")")]
    [InlineData("public record Person(string Name);", "Microsoft.Extensions.AI.ChatClientExtensions.GetResponseAsync(client, \"text\")")]
    [InlineData("public record Person(string Name);", "new List<Person>()")]
    public void LLMX016_NotReportedForContractsOrOtherGenerics(string declaration, string use)
    {
        var run = Harness.Run(WithChatClient(Usings + $$"""
            {{declaration}}

            public static class Use
            {
                public static object Run(Microsoft.Extensions.AI.IChatClient client) => {{use}};
            }
            """));

        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "LLMX016");
        Assert.Empty(run.CompilationErrors);
    }

    private static Microsoft.CodeAnalysis.CSharp.CSharpCompilation WithChatClient(string source) =>
        Harness.Compile(DocumentationMode.None, source)
            .AddReferences(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.AI.IChatClient).Assembly.Location));

    [Fact]
    public void LLMX006_TheDocumentedExampleGivesLLMX006AndNoCompilerError()
    {
        // docs/diagnostics.md#llmx006: a private contract type (and its private member type) in a public class.
        var diagnostic = SingleDiagnostic("""
            public partial class Api
            {
                private record Line(string Text);
                [LlmExtract] private partial record [|Doc|](List<Line> Lines);
            }
            """, "LLMX006", "Api.Doc");
        AssertMessage(diagnostic, "'Doc' is private");

        var markup = Markup.Parse(Usings + """
            public partial class Api
            {
                internal record Line(string Text);
                [LlmExtract] internal partial record Doc(List<Line> Lines);
            }
            """);
        Harness.Run(markup.Source).AssertCompilesCleanly();
    }

    [Fact]
    public void A_missing_member_type_is_left_to_the_compiler()
    {
        // CS0246 already names the problem; a second error on the same member would only be noise.
        var run = Harness.Run(Usings + """
            [LlmExtract]
            public partial record Broken(string Name, Missing Thing, List<AlsoMissing> Things);
            """);

        Assert.Empty(run.ContractDiagnostics);
        Assert.Empty(run.Sources);
        Assert.Contains(run.CompilationDiagnostics, d => d.Id == "CS0246");
    }

    [Fact]
    public void LLMX006_FileLocalRootType()
    {
        // A generated partial declaration in another file would declare a second, unrelated type.
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            file partial record [|Note|](string Text);
            """, "LLMX006", "Note");

        AssertMessage(diagnostic, "'Note' is file-local");
    }

    [Fact]
    public void LLMX006_RootNestedInAFileLocalType()
    {
        var diagnostic = SingleDiagnostic("""
            file partial class Holder
            {
                [LlmExtract]
                public partial record [|Note|](string Text);
            }
            """, "LLMX006", "Holder.Note");

        AssertMessage(diagnostic, "is file-local (through 'Holder')");
    }

    [Fact]
    public void LLMX006_PrivateNestedMemberType()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Api
            {
                private record Line(string Text);

                [LlmExtract]
                public partial record Doc(List<Line> [|Lines|]);
            }
            """, "LLMX006", "Api.Doc");

        AssertMessage(diagnostic, "'Line' is private", "make it internal or public");
    }

    [Fact]
    public void LLMX006_ProtectedNestedMemberType()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Api
            {
                protected class Line { public string Text { get; set; } = ""; }

                [LlmExtract]
                public partial record Doc(Line? [|Line|]);
            }
            """, "LLMX006", "Api.Doc");

        AssertMessage(diagnostic, "is protected");
    }

    [Fact]
    public void ValidTypesBesideAnInvalidOneAreStillGenerated()
    {
        var run = RunMarked("""
            [LlmExtract]
            public partial record Good(string Name);

            [LlmExtract]
            public partial record Bad(Half [|Weight|]);
            """, out var markup);

        AssertAt(Assert.Single(run.ContractDiagnostics), "LLMX002", markup, 0);
        Assert.Equal(new[] { "Diag.Good.LlmContract.g.cs" }, run.Sources.Keys);
    }

    [Fact]
    public void AllErrorsOfOneTypeAreReportedTogether()
    {
        var run = RunMarked("""
            [LlmExtract]
            public partial record Order(Half [|Weight|], object [|Payload|], Int128 [|When|]);
            """, out var markup);

        var diagnostics = run.ContractDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(3, diagnostics.Count);
        for (int i = 0; i < 3; i++)
        {
            AssertAt(diagnostics[i], "LLMX002", markup, i);
        }

        Assert.Empty(run.Sources);
    }

    private static GeneratorRun RunMarked(string body, out Markup markup)
    {
        markup = Markup.Parse(Usings + body);
        var run = Harness.Run(markup.Source);
        Assert.Null(run.Exception);
        return run;
    }

    /// <summary>Runs the source, expects exactly one diagnostic at the one marked span, and no source for the type.</summary>
    private static Diagnostic SingleDiagnostic(string body, string id, string typeName)
    {
        var run = RunMarked(body, out var markup);
        Assert.True(run.ContractDiagnostics.Length == 1, "Expected one diagnostic, got:" + Environment.NewLine + run.Describe(run.ContractDiagnostics));
        var diagnostic = run.ContractDiagnostics[0];
        AssertAt(diagnostic, id, markup, 0);
        Assert.DoesNotContain($"Diag.{typeName}.LlmContract.g.cs", run.Sources.Keys);
        Assert.Empty(run.Sources);

        // Nothing generated means nothing that could fail to compile: any error is the test source's own.
        Assert.All(run.CompilationErrors, e => Assert.Equal(Harness.SourcePath(0), e.Location.SourceTree?.FilePath));
        return diagnostic;
    }

    private static void AssertAt(Diagnostic diagnostic, string id, Markup markup, int span)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True(diagnostic.Location.IsInSource || diagnostic.Location.Kind == LocationKind.ExternalFile, $"{id} has no source location.");
        var lineSpan = diagnostic.Location.GetLineSpan();
        Assert.Equal(Harness.SourcePath(0), lineSpan.Path);
        Assert.Equal(markup.LineSpan(span), lineSpan.Span);
        Assert.Equal(markup.Spans[span], diagnostic.Location.SourceSpan);
    }

    private static void AssertMessage(Diagnostic diagnostic, params string[] parts)
    {
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string part in parts)
        {
            Assert.True(message.Contains(part, StringComparison.Ordinal), $"The message lacks \"{part}\": {message}");
        }
    }
}
