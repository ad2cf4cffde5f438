using System.Linq;
using Microsoft.CodeAnalysis;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// The generated file of representative contracts, compared with Snapshots/&lt;TestName&gt;/. Each also checks that the
/// compilation with the generated code has no errors. Regenerate with STRUCTUREDOUTPUT_UPDATE_SNAPSHOTS=1.
/// </summary>
public class SnapshotTests
{
    public const string RecipeSource = """
        using System.Collections.Generic;
        using System.ComponentModel;
        using StructuredOutput;

        namespace Cooking;

        public enum Cuisine
        {
            Italian,
            [Description("Food from the Americas")]
            American,
            Other,
        }

        public enum Difficulty { Easy, Medium, Hard }

        [LlmExtract]
        public partial record Recipe(
            string Name,
            int Servings,
            Cuisine Cuisine,
            Difficulty? Difficulty,
            List<Ingredient> Ingredients,
            string[] Steps,
            IReadOnlyList<string> Tags,
            IList<Ingredient>? Garnishes,
            int? TotalMinutes,
            string? Source,
            double Rating,
            decimal Cost,
            long Calories,
            bool Vegetarian);

        public record Ingredient(string Name, double? Quantity, string? Unit, List<string?> Notes);
        """;

    [Fact]
    public void PositionalRecipeRecord()
    {
        var run = Harness.Run(RecipeSource).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    public const string SettingsSource = """
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using StructuredOutput;

        namespace Settings;

        [LlmExtract]
        public partial class Invoice
        {
            public required string Number { get; init; }
            public string? Customer { get; set; }
            public int Total { get; set; }
            public required List<Line> Lines { get; set; }
            public string Computed => Number + "!";
            public string Upper { get { return Number.ToUpperInvariant(); } }
            [JsonIgnore] public string ReadOnly { get; } = "fixed";
            [JsonIgnore] public string PrivateSetter { get; private set; } = "";
            public static int Counter { get; set; }
        }

        public class Line
        {
            public string Sku { get; init; } = "";
            public int Qty { get; init; }
        }
        """;

    [Fact]
    public void ClassWithSettableInitAndRequiredMembers()
    {
        var run = Harness.Run(SettingsSource).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void ConstraintsDefaultsRulesAndStrictMode()
    {
        // AssertCompilesCleanly also fails on the analyzer's warnings; this strict type states its unenforced length.
        var run = Harness.Run("""
            using System;
            using System.Collections.Generic;
            using System.ComponentModel;
            using System.ComponentModel.DataAnnotations;
            using StructuredOutput;

            namespace Billing;

            /// <summary>An invoice.</summary>
            [LlmExtract(Mode = ExtractionMode.StrictJsonSchema, Name = "invoice")]
            public partial record Invoice(
                [Description("Invoice number, like INV-123.")][RegularExpression("INV-[0-9]+")] string Number,
                [Description("Issue date.")] DateOnly Issued,
                [Description("Lines of the invoice.")][MinLength(1)] List<Line> Lines,
                [Description("Grand total.")][Range(typeof(decimal), "0", "1000000")] decimal Total,
                [Description("Status.")][AllowedValues(Status.Open, Status.Paid)] Status Status,
                [Description("Currency.")] Currency Currency = Currency.Eur) : IValidatableObject
            {
                public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
                {
                    yield break;
                }
            }

            /// <summary>A line.</summary>
            /// <param name="Sku">Stock keeping unit.</param>
            /// <param name="Qty">How many.</param>
            /// <param name="Id">The line's id.</param>
            public record Line(string Sku, [Range(1, 999)] int Qty, Guid Id);

            /// <summary>State of an invoice.</summary>
            public enum Status { Draft, Open, Paid }

            /// <summary>The currency.</summary>
            public enum Currency { Eur, Usd }
            """).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void RecordStruct()
    {
        var run = Harness.Run("""
            using StructuredOutput;

            namespace Geometry;

            [LlmExtract]
            public readonly partial record struct Point(double X, double Y, Label? Label);

            public record struct Label(string Text);
            """).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void WriterOfDictionariesSetsImmutableArraysAndFormats()
    {
        var run = Harness.Run("""
            using System;
            using System.Collections.Generic;
            using System.Collections.Immutable;
            using StructuredOutput;

            namespace Shipping;

            public enum Carrier { Post, Courier }

            [LlmExtract]
            public partial record Shipment(
                Guid Id,
                DateOnly Day,
                TimeOnly? Pickup,
                TimeSpan Transit,
                DateTimeOffset Sent,
                Uri? Tracking,
                char Grade,
                Dictionary<string, int> Counts,
                IReadOnlyDictionary<string, List<Carrier?>>? Options,
                HashSet<string> Labels,
                ImmutableArray<Parcel> Parcels,
                ImmutableArray<int>? Codes,
                Parcel? Spare,
                string? Note = "none");

            public record struct Parcel(double Weight, Carrier Carrier);
            """).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void TypeNestedInPartialContainingTypes()
    {
        var run = Harness.Run("""
            using StructuredOutput;

            namespace Company.Product.Feature
            {
                public static partial class Outer
                {
                    internal partial record Middle
                    {
                        [LlmExtract]
                        public partial class Inner
                        {
                            public string Value { get; set; } = "";
                            public Detail Detail { get; set; } = new();
                        }

                        public class Detail
                        {
                            public int Level { get; set; }
                        }
                    }
                }
            }
            """).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void TypeInGlobalNamespace()
    {
        var run = Harness.Run("""
            using StructuredOutput;

            [LlmExtract]
            public partial record Contact(string Name, string? Email, Address Address);

            public record Address(string City, string Country);
            """).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void JsonPropertyNameAndJsonIgnore()
    {
        var run = Harness.Run("""
            using System.Text.Json.Serialization;
            using StructuredOutput;

            namespace Naming;

            public enum Status
            {
                [JsonStringEnumMemberName("in-progress")]
                InProgress,
                Done,
            }

            [LlmExtract]
            public partial class Ticket
            {
                [JsonPropertyName("ticket_id")]
                public string Id { get; set; } = "";

                [JsonIgnore]
                public string Secret { get; set; } = "";

                [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
                public string? Note { get; set; }

                public string URL { get; set; } = "";

                public Status Status { get; set; }
            }

            [LlmExtract]
            public partial record Renamed([property: JsonPropertyName("full name")] string FullName)
            {
                [JsonIgnore]
                public string? Hidden { get; init; }

                [JsonPropertyName("e\"scaped\\")]
                public string? Quoted { get; init; }
            }
            """).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    public const string DocumentedSource = """
        using System.Collections.Generic;
        using System.ComponentModel;
        using StructuredOutput;

        namespace Docs;

        /// <summary>A book and its <see cref="Author"/>.</summary>
        /// <param name="Title">The title, as printed on the cover.</param>
        /// <param name="Author">Who wrote it.</param>
        /// <param name="Pages">The page count; <see langword="null"/> when unknown.</param>
        [LlmExtract]
        public partial record Book(string Title, Author Author, int? Pages, Genre Genre);

        /// <summary>
        /// A person who writes.
        /// <para>Second paragraph.</para>
        /// </summary>
        public class Author
        {
            /// <summary>The full name.</summary>
            public string Name { get; set; } = "";

            /// <summary>Ignored because the attribute wins.</summary>
            [Description("Year of birth")]
            public int? Born { get; set; }
        }

        /// <summary>The kind of book.</summary>
        public enum Genre
        {
            /// <summary>Made up.</summary>
            Fiction,

            /// <summary>True stories.</summary>
            NonFiction,
        }
        """;

    [Fact]
    public void XmlDocumentationDescriptions()
    {
        var withoutDocs = Harness.Run(Harness.Compile(DocumentationMode.None, DocumentedSource)).AssertCompilesCleanly();
        var parsed = Harness.Run(Harness.Compile(DocumentationMode.Parse, DocumentedSource)).AssertCompilesCleanly();
        var diagnosed = Harness.Run(Harness.Compile(DocumentationMode.Diagnose, DocumentedSource)).AssertCompilesCleanly();

        Snapshot.Verify(withoutDocs.Sources);
        Assert.Equal(withoutDocs.Sources, parsed.Sources);
        Assert.Equal(withoutDocs.Sources, diagnosed.Sources);

        string source = withoutDocs.Sources.Values.Single();
        Assert.Contains("The title, as printed on the cover.", source);
        Assert.Contains("The page count; null when unknown.", source);
        Assert.Contains("A book and its Author.", source);
        Assert.Contains("A person who writes. Second paragraph.", source);
        Assert.Contains("Year of birth", source);
        Assert.DoesNotContain("Ignored because the attribute wins.", source);
        Assert.Contains("True stories.", source);
    }

    [Fact]
    public void MultiLineDocCommentsGiveTheSameDescriptionsInEveryDocumentationMode()
    {
        const string source = """
            using StructuredOutput;

            namespace Docs;

            /**
             * <summary>A note, documented
             * with a block comment.</summary>
             */
            [LlmExtract]
            public partial class Note
            {
                /** <summary>The text.</summary> */
                public string Text { get; set; } = "";

                /* <summary>Not a doc comment.</summary> */
                public int Stars { get; set; }
            }
            """;

        foreach (var mode in new[] { DocumentationMode.None, DocumentationMode.Parse, DocumentationMode.Diagnose })
        {
            var run = Harness.Run(Harness.Compile(mode, source)).AssertCompilesCleanly();
            using var assembly = LoadedAssembly.Load(run.Output);
            string prompt = assembly.Prompt("Docs.Note");
            Assert.True(prompt.Contains("// A note, documented with a block comment.\ntype Note = {", System.StringComparison.Ordinal), $"{mode}: {prompt}");
            Assert.True(prompt.Contains("text: string; // The text.\n", System.StringComparison.Ordinal), $"{mode}: {prompt}");
            Assert.DoesNotContain("Not a doc comment", prompt, System.StringComparison.Ordinal);
        }
    }

    public const string RecursiveSource = """
        using System.Collections.Generic;
        using StructuredOutput;

        namespace Trees;

        [LlmExtract]
        public partial record Outline(string Title, TreeNode Root, Person Author, Person? Editor);

        public record TreeNode(string Label, List<TreeNode> Children, TreeNode? Parent);

        public record Person(string Name);

        [LlmExtract]
        public partial record Category(string Name, List<Category> Subcategories);
        """;

    [Fact]
    public void RecursiveTypeUsesDefsAndRefs()
    {
        var run = Harness.Run(RecursiveSource).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);

        using var assembly = LoadedAssembly.Load(run.Output);
        using var outline = System.Text.Json.JsonDocument.Parse(assembly.JsonSchema("Trees.Outline"));
        var outlineRoot = outline.RootElement;
        Assert.Equal("object", outlineRoot.GetProperty("$defs").GetProperty("TreeNode").GetProperty("type").GetString());
        Assert.Equal("#/$defs/TreeNode", outlineRoot.GetProperty("properties").GetProperty("root").GetProperty("$ref").GetString());
        Assert.Equal("#/$defs/Person", outlineRoot.GetProperty("properties").GetProperty("author").GetProperty("$ref").GetString());
        using var category = System.Text.Json.JsonDocument.Parse(assembly.JsonSchema("Trees.Category"));
        Assert.Equal("#", category.RootElement.GetProperty("properties").GetProperty("subcategories").GetProperty("items").GetProperty("$ref").GetString());
    }

    [Fact]
    public void NameAndInstructions()
    {
        var run = Harness.Run("""
            using StructuredOutput;

            namespace Tasks;

            [LlmExtract(Name = "support_ticket", Instructions = "Extract the \"ticket\" from the e-mail.\nBe brief.")]
            public partial record Ticket(string Subject, Priority Priority);

            public enum Priority { Low, High }
            """).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void KeywordNamesAndNamesThatDifferOnlyInCase()
    {
        // '@' must not reach the hint name (AddSource throws on it), the declaration must keep it, and two enums whose
        // names differ only in case must not share a field.
        var run = Harness.Run("""
            using StructuredOutput;

            namespace @namespace.Models
            {
                public partial class @partial
                {
                    [LlmExtract]
                    public partial record @event(string @class, A.Kind Upper, B.kind Lower);
                }
            }

            namespace A { public enum Kind { @default, Other } }

            namespace B { public enum kind { @null } }
            """).AssertCompilesCleanly();
        Assert.Equal("namespace.Models.partial.event.LlmContract.g.cs", run.Sources.Keys.Single());
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void OwnMembersDoNotCollideWithTheContract()
    {
        var run = Harness.Run("""
            using StructuredOutput;

            namespace Chat;

            [LlmExtract]
            public partial record ChatTurn(string Prompt, string Answer);

            [LlmExtract]
            public partial class Parser
            {
                public string JsonSchema { get; set; } = "";
                public string Parse { get; set; } = "";
                public static string Prompt(int n) => n.ToString();
                public string Value { get; set; } = "";
                public string Reader { get; set; } = "";
                public string @class { get; set; } = "";
            }
            """).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }
}
