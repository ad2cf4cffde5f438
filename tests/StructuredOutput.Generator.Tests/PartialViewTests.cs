using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using StructuredOutput.Streaming;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// The partial views and shapes streaming fills in: one view per object reachable through members and list items,
/// nested in the contract type; the property types each member kind gets; the shapes' kinds, names and flags; and
/// LLMX017 when the contract type already uses a view's name.
/// </summary>
public class PartialViewTests
{
    public const string StreamingSource = """
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.ComponentModel.DataAnnotations;
        using System.Text.Json.Serialization;
        using StructuredOutput;

        namespace Streams
        {
            public enum Priority { Low, High }

            [JsonDerivedType(typeof(Note), "note")]
            [JsonDerivedType(typeof(Link), "link")]
            public abstract record Attachment;

            public record Note(string Text) : Attachment;

            public record Link(System.Uri Href) : Attachment;

            public record Address(string Street, string City);

            public record Person(string Name, Address? Home, [MinLength(1)] List<string> Emails) : IValidatableObject
            {
                public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
                {
                    yield break;
                }
            }

            public record Node(string Label, List<Node> Children, Node? Next);

            public record Chore(string Title, bool IsComplete, string ChorePartial, string GetText);

            [LlmExtract]
            public partial record Project(
                string Name,
                Person Owner,
                List<Person> Members,
                IReadOnlyList<string> Tags,
                int[] Scores,
                ImmutableArray<Priority> Priorities,
                List<List<int>> Grid,
                Dictionary<string, int> Budget,
                HashSet<string> Labels,
                Attachment Cover,
                List<Attachment?> Attachments,
                Node Tree,
                List<Chore?> Chores,
                Other.Address Billing,
                [RegularExpression("[A-Z]+")] string Code,
                [Range(1, 5)] int Rating = 3,
                System.DateOnly? Due = null);
        }

        namespace Streams.Other
        {
            public record Address(string Line);
        }
        """;

    [Fact]
    public void ViewsOfEveryMemberKind()
    {
        var run = Harness.Run(StreamingSource).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void EveryViewAndPropertyIsDocumented()
    {
        // A user's build with documentation warnings (CS1591) must stay clean in the generated views too.
        var compilation = Harness.Compile(
            DocumentationMode.Diagnose,
            StreamingSource,
            SnapshotTests.RecipeSource,
            SnapshotTests.RecursiveSource,
            UnionTests.UnionSource);
        var run = Harness.Run(compilation).AssertCompilesCleanly();
        var generatedWarnings = run.CompilationDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && !run.Input.SyntaxTrees.Contains(tree))
            .ToList();
        Assert.True(generatedWarnings.Count == 0, run.Describe(generatedWarnings));
    }

    [Fact]
    public void PropertiesHaveTheTypeOfTheirKind()
    {
        using var assembly = LoadedAssembly.Load(Harness.Run(StreamingSource).AssertCompilesCleanly().Output);
        var view = assembly.GetType("Streams.Project+Partial");
        Type ViewOf(string name) => assembly.GetType("Streams.Project+" + name);
        Type List(Type item) => typeof(PartialList<>).MakeGenericType(item);
        var runtime = typeof(PartialObject).Assembly;

        Assert.True(view.IsSealed && view.IsNestedPublic);
        Assert.Equal(typeof(PartialObject), view.BaseType);
        Assert.Empty(view.GetConstructors()); // internal: only the streaming reader creates views
        Assert.NotNull(view.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes));

        var expected = new (string Member, Type Type)[]
        {
            ("Name", typeof(string)),
            ("Owner", ViewOf("PersonPartial")),
            ("Members", List(ViewOf("PersonPartial"))),
            ("Tags", List(typeof(string))),
            ("Scores", List(typeof(int))),
            ("Priorities", List(assembly.GetType("Streams.Priority"))),
            ("Grid", List(typeof(List<int>))),
            ("Budget", typeof(Dictionary<string, int>)),
            ("Labels", typeof(HashSet<string>)),
            ("Cover", assembly.GetType("Streams.Attachment")),
            ("Attachments", List(assembly.GetType("Streams.Attachment"))),
            ("Tree", ViewOf("NodePartial")),
            ("Chores", List(ViewOf("ChorePartial2"))),
            ("Billing", ViewOf("AddressPartial2")),
            ("Code", typeof(string)),
            ("Rating", typeof(int?)),
            ("Due", typeof(DateOnly?)),
        };
        var properties = view.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        Assert.Equal(expected.Select(e => e.Member), properties.Select(p => p.Name));
        foreach (var (member, type) in expected)
        {
            Assert.Equal(type, view.GetProperty(member, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)!.PropertyType);
        }

        // Every reference-typed property is nullable: null until the member starts (or appears).
        var nullability = new NullabilityInfoContext();
        Assert.All(properties.Where(p => !p.PropertyType.IsValueType), p => Assert.Equal(NullabilityState.Nullable, nullability.Create(p).ReadState));
        Assert.Equal(NullabilityState.Nullable, nullability.Create(view.GetProperty("Tags")!).GenericTypeArguments[0].ReadState);

        // Only objects reached through members and list items have views; the union's members are shown whole.
        var views = assembly.GetType("Streams.Project").GetNestedTypes().Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "AddressPartial", "AddressPartial2", "ChorePartial2", "NodePartial", "Partial", "PersonPartial" }, views);

        // A member named like a PartialObject member hides it on purpose; the view of Chore avoids its member's name.
        var chore = ViewOf("ChorePartial2");
        Assert.Equal(typeof(bool?), chore.GetProperty("IsComplete", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)!.PropertyType);
        Assert.Equal(typeof(string), chore.GetProperty("ChorePartial")!.PropertyType);
        Assert.Equal(typeof(string), chore.GetProperty("GetText")!.PropertyType); // the view reads its slots through base.GetText
        Assert.Equal(ViewOf("AddressPartial"), ViewOf("PersonPartial").GetProperty("Home")!.PropertyType);
        Assert.Equal(List(ViewOf("NodePartial")), ViewOf("NodePartial").GetProperty("Children")!.PropertyType);
        Assert.Same(runtime, typeof(PartialList<>).Assembly);
    }

    [Fact]
    public void ShapesNameKindsAndFlagsOfEveryMember()
    {
        using var assembly = LoadedAssembly.Load(Harness.Run(StreamingSource).AssertCompilesCleanly().Output);
        var shape = StreamingShape(assembly.GetType("Streams.Project"));
        Assert.NotNull(shape);
        Assert.Equal("Project", shape!.TypeName);
        var kinds = shape.Members.Select(m => (m.MemberName, m.JsonName, m.Kind, m.IsRequired, m.ReadWhenClosed, m.Element?.Kind)).ToList();
        Assert.Equal(
            new (string, string, PartialKind, bool, bool, PartialKind?)[]
            {
                ("Name", "name", PartialKind.Text, true, false, null),
                ("Owner", "owner", PartialKind.Object, true, true, null),
                ("Members", "members", PartialKind.List, true, false, PartialKind.Object),
                ("Tags", "tags", PartialKind.List, true, false, PartialKind.Text),
                ("Scores", "scores", PartialKind.List, true, false, PartialKind.Value),
                ("Priorities", "priorities", PartialKind.List, true, false, PartialKind.Value),
                ("Grid", "grid", PartialKind.List, true, false, PartialKind.Value),
                ("Budget", "budget", PartialKind.Value, true, false, null),
                ("Labels", "labels", PartialKind.Value, true, false, null),
                ("Cover", "cover", PartialKind.Value, true, false, null),
                ("Attachments", "attachments", PartialKind.List, true, false, PartialKind.Value),
                ("Tree", "tree", PartialKind.Object, true, false, null),
                ("Chores", "chores", PartialKind.List, true, false, PartialKind.Object),
                ("Billing", "billing", PartialKind.Object, true, false, null),
                ("Code", "code", PartialKind.Text, true, false, null),
                ("Rating", "rating", PartialKind.Value, false, false, null),
                ("Due", "due", PartialKind.Value, false, false, null),
            },
            kinds);

        var person = (PartialObject)shape.Members[1].CreateObject!();
        Assert.Equal("PersonPartial", person.GetType().Name);
        var personShape = StreamingShapeOf(person);
        Assert.True(personShape.Members.Single(m => m.MemberName == "Emails").ReadWhenClosed); // [MinLength]
        Assert.False(personShape.Members.Single(m => m.MemberName == "Home").IsRequired); // nullable: missing is null
        Assert.Equal("Person", personShape.TypeName);

        // Lists create their own PartialList of the view's item type; object items their view.
        Assert.Equal("PersonPartial", shape.Members[2].Element!.CreateObject!().GetType().Name);
        Assert.Equal(assembly.GetType("Streams.Person"), shape.Members[2].Element!.ItemType);
        Assert.Equal(typeof(List<int>), shape.Members[6].Element!.ItemType);

        // The expected wording is the one the reader uses for a missing member.
        Assert.Equal("a string", shape.Members[0].Expected);
        Assert.Equal("an object", shape.Members[1].Expected);
        Assert.Equal("an array", shape.Members[2].Expected);
    }

    [Fact]
    public void RecursiveViewsCreateEachOther()
    {
        using var assembly = LoadedAssembly.Load(Harness.Run(SnapshotTests.RecursiveSource).AssertCompilesCleanly().Output);
        var category = StreamingShape(assembly.GetType("Trees.Category"))!;
        var subcategories = category.Members.Single(m => m.MemberName == "Subcategories");
        var item = subcategories.Element!.CreateObject!();
        Assert.Equal("Trees.Category+Partial", item.GetType().FullName);
        Assert.Same(category, StreamingShapeOf(item));

        var outline = StreamingShape(assembly.GetType("Trees.Outline"))!;
        var node = (PartialObject)outline.Members.Single(m => m.MemberName == "Root").CreateObject!();
        var nodeShape = StreamingShapeOf(node);
        Assert.Equal(node.GetType(), nodeShape.Members.Single(m => m.MemberName == "Parent").CreateObject!().GetType());
        Assert.Equal("Trees.Outline+TreeNodePartial", node.GetType().FullName);
    }

    [Fact]
    public void AMemberNamedLikeAViewGetsAWarningAndNoViews()
    {
        var markup = Markup.Parse("""
            using System.Collections.Generic;
            using StructuredOutput;

            namespace Clash;

            [LlmExtract]
            public partial record Order(string Id, List<Line> Lines)
            {
                public string [|LinePartial|] => Id;
            }

            public record Line(string Sku);
            """);
        var run = Harness.Run(markup.Source);

        Assert.Null(run.Exception);
        Assert.Empty(run.CompilationErrors);
        var diagnostic = Assert.Single(run.ContractDiagnostics);
        Assert.Equal("LLMX017", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(markup.LineSpan(), diagnostic.Location.GetLineSpan().Span);
        Assert.Equal(
            "'Order' uses the name 'LinePartial' for a property, and the generator gives that name to the partial view of 'Line' that streaming fills in: no partial views are generated for 'Order' and it cannot be extracted while streaming; rename the property",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        string source = run.Sources.Values.Single();
        Assert.DoesNotContain("PartialObject", source, StringComparison.Ordinal);
        Assert.DoesNotContain("StreamingShape", source, StringComparison.Ordinal);
        using var assembly = LoadedAssembly.Load(run.Output);
        Assert.Null(StreamingShape(assembly.GetType("Clash.Order")));
        Assert.True(assembly.Parse("Clash.Order", """{"id": "1", "lines": [{"sku": "a"}]}""").IsSuccess); // the rest still works
    }

    [Theory]
    [InlineData("public class [|Partial|] { }", "a nested type", "nested type", "Order")]
    [InlineData("public static int [|Partial|]() => 1;", "a method", "method", "Order")]
    [InlineData("public const int [|LinePartial|] = 1;", "a field", "field", "Line")]
    public void EveryKindOfMemberClashes(string member, string what, string rename, string of)
    {
        var markup = Markup.Parse($$"""
            using System.Collections.Generic;
            using StructuredOutput;

            namespace Clash;

            [LlmExtract]
            public partial record Order(string Id, List<Line> Lines)
            {
                {{member}}
            }

            public record Line(string Sku);
            """);
        var run = Harness.Run(markup.Source);

        Assert.Empty(run.CompilationErrors);
        var diagnostic = Assert.Single(run.ContractDiagnostics);
        Assert.Equal("LLMX017", diagnostic.Id);
        Assert.Equal(markup.LineSpan(), diagnostic.Location.GetLineSpan().Span);
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("for " + what + ",", message, StringComparison.Ordinal);
        Assert.Contains("the partial view of '" + of + "'", message, StringComparison.Ordinal);
        Assert.EndsWith("rename the " + rename, message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInheritedMemberClashesAtTheType()
    {
        var markup = Markup.Parse("""
            using StructuredOutput;

            namespace Clash;

            public class Base
            {
                public int Partial { get; set; }
            }

            [LlmExtract]
            public partial class [|Order|] : Base
            {
                public string Id { get; set; } = "";
            }
            """);
        var run = Harness.Run(markup.Source);

        Assert.Empty(run.CompilationErrors);
        var diagnostic = Assert.Single(run.ContractDiagnostics);
        Assert.Equal("LLMX017", diagnostic.Id);
        Assert.Equal(markup.LineSpan(), diagnostic.Location.GetLineSpan().Span);
        Assert.Contains("for a property inherited from 'Base',", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void ATypeNamedPartialClashesWithItsOwnView()
    {
        var markup = Markup.Parse("""
            using StructuredOutput;

            namespace Clash;

            [LlmExtract]
            public partial record [|Partial|](string Id);
            """);
        var run = Harness.Run(markup.Source);

        Assert.Empty(run.CompilationErrors);
        var diagnostic = Assert.Single(run.ContractDiagnostics);
        Assert.Equal("LLMX017", diagnostic.Id);
        Assert.Equal(markup.LineSpan(), diagnostic.Location.GetLineSpan().Span);
        Assert.EndsWith("rename the type", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void TheGeneratedViewsAreNoClashForTheAnalyzer()
    {
        // In a build the analyzer sees the generated views nested in the type; they must not count as the user's own.
        var run = Harness.Run(SnapshotTests.RecipeSource).AssertCompilesCleanly();
        Assert.Contains(run.Output.SyntaxTrees, t => t.ToString().Contains("class IngredientPartial", StringComparison.Ordinal));
        Assert.DoesNotContain(Harness.Analyze(run.Output), d => d.Id == "LLMX017");
    }

    [Fact]
    public void AContractDerivedFromAContractHidesItsBasesViews()
    {
        // Both get views named Partial and LinePartial; the derived type's hide the base's without a warning (CS0108).
        var run = Harness.Run("""
            using System.Collections.Generic;
            using StructuredOutput;

            namespace Inherit;

            public record Line(string Sku);

            [LlmExtract]
            public partial record BaseOrder(string Id, List<Line> Lines);

            [LlmExtract]
            public partial record RushOrder(string Id, List<Line> Lines, int Hours) : BaseOrder(Id, Lines);
            """).AssertCompilesCleanly();
        var warnings = run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(warnings.Count == 0, run.Describe(warnings));
        using var assembly = LoadedAssembly.Load(run.Output);
        Assert.Equal("RushOrder", StreamingShape(assembly.GetType("Inherit.RushOrder"))!.TypeName);
        Assert.Equal("BaseOrder", StreamingShape(assembly.GetType("Inherit.BaseOrder"))!.TypeName);
        Assert.NotNull(assembly.GetType("Inherit.RushOrder+LinePartial"));

        // The analyzer, which sees the generated views of both, finds no clash either.
        Assert.DoesNotContain(Harness.Analyze(run.Output), d => d.Id == "LLMX017");
    }

    [Fact]
    public void AContractDerivedFromAContractOfAnotherAssemblyHidesItsViews()
    {
        var library = Harness.Run("""
            using System.Collections.Generic;
            using StructuredOutput;

            namespace Library;

            public record Line(string Sku);

            [LlmExtract]
            public partial record BaseOrder(string Id, List<Line> Lines);
            """).AssertCompilesCleanly();
        var compilation = Harness.Compile(DocumentationMode.None, """
            using System.Collections.Generic;
            using StructuredOutput;
            using Library;

            namespace App;

            [LlmExtract]
            public partial record RushOrder(string Id, List<Line> Lines, int Hours) : BaseOrder(Id, Lines);
            """).AddReferences(Image(library.Output));
        var run = Harness.Run(compilation).AssertCompilesCleanly();
        var warnings = run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(warnings.Count == 0, run.Describe(warnings));
        Assert.Contains("public new sealed class LinePartial", run.Sources.Values.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void MembersNamedLikeTheViewsOwnMembersCompileWithoutWarnings()
    {
        var run = Harness.Run(Harness.Compile(DocumentationMode.Diagnose, """
            using StructuredOutput;

            namespace Names;

            /// <summary>Members named like PartialObject's.</summary>
            [LlmExtract]
            public partial class Odd
            {
                /// <summary>A.</summary>
                public int GetValue { get; set; }

                /// <summary>B.</summary>
                public string GetReference { get; set; } = "";

                /// <summary>C.</summary>
                public bool IsComplete { get; set; }

                /// <summary>D.</summary>
                public string IsMemberComplete { get; set; } = "";

                /// <summary>E.</summary>
                public Inner? @base { get; set; }
            }

            /// <summary>An object whose member is named like its view.</summary>
            public class Inner
            {
                /// <summary>F.</summary>
                public string InnerPartial { get; set; } = "";

                /// <summary>G.</summary>
                public long GetText { get; set; }
            }
            """)).AssertCompilesCleanly();
        var generated = run.CompilationDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && !run.Input.SyntaxTrees.Contains(tree))
            .ToList();
        Assert.True(generated.Count == 0, run.Describe(generated));

        using var assembly = LoadedAssembly.Load(run.Output);
        var view = assembly.GetType("Names.Odd+Partial");
        Assert.Equal(typeof(int?), view.GetProperty("GetValue")!.PropertyType);
        Assert.Equal(typeof(bool?), view.GetProperty("IsComplete", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)!.PropertyType);
        Assert.Equal(assembly.GetType("Names.Odd+InnerPartial2"), view.GetProperty("base")!.PropertyType);
        Assert.Equal(typeof(long?), assembly.GetType("Names.Odd+InnerPartial2").GetProperty("GetText")!.PropertyType);
    }

    [Theory]
    [InlineData("public partial record Order(string Id, Line Partial")]
    [InlineData("public partial record Order(string Id, List<Line> Lines) { public class Partial")]
    [InlineData("public partial record Order(string Id, List<Line> Lines) { public int LinePartial => ; }")]
    [InlineData("public partial record Order(string Id, List<Line> Lines, Line )")]
    public void MalformedCodeNeverThrows(string declaration)
    {
        foreach (var mode in new[] { DocumentationMode.None, DocumentationMode.Diagnose })
        {
            var run = Harness.Run(Harness.Compile(mode, $$"""
                using System.Collections.Generic;
                using StructuredOutput;

                namespace Broken;

                public record Line(string Sku);

                [LlmExtract]
                {{declaration}}
                """));
            Assert.Null(run.Exception);
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
            Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "AD0001");
            var generatedErrors = run.CompilationErrors.Where(e => e.Location.SourceTree is { } tree && !run.Input.SyntaxTrees.Contains(tree)).ToList();
            Assert.True(generatedErrors.Count == 0, run.Describe(generatedErrors));
        }
    }

    // ILlmExtractable<T>.StreamingShape of a loaded type, through its interface map (a static member).
    private static PartialShape? StreamingShape(Type type)
    {
        var iface = typeof(ILlmExtractable<>).MakeGenericType(type);
        var map = type.GetInterfaceMap(iface);
        int index = Array.FindIndex(map.InterfaceMethods, m => m.Name == "get_StreamingShape");
        if (index < 0)
        {
            return (PartialShape?)iface.GetProperty("StreamingShape")!.GetValue(null);
        }

        return (PartialShape?)map.TargetMethods[index].Invoke(null, null);
    }

    // The compilation as a built assembly, whose types are read from metadata (generated views included).
    private static MetadataReference Image(Compilation compilation)
    {
        using var stream = new System.IO.MemoryStream();
        Assert.True(compilation.Emit(stream).Success);
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    private static PartialShape StreamingShapeOf(PartialObject view) =>
        (PartialShape)typeof(PartialObject).GetProperty("Shape", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(view)!;
}
