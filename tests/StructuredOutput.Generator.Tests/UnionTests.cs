using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// Unions in the generator: the generated file of a contract that uses them (snapshot), what it compiles to, and each
/// union diagnostic at the span it points at, with the words that say how to fix it.
/// </summary>
public class UnionTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using StructuredOutput;

        namespace Diag;

        """;

    public const string UnionSource = """
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.Text.Json.Serialization;
        using StructuredOutput;

        namespace Payments;

        /// <summary>How the order was paid.</summary>
        [JsonPolymorphic(TypeDiscriminatorPropertyName = "method")]
        [JsonDerivedType(typeof(Card), "card")]
        [JsonDerivedType(typeof(Transfer), "transfer")]
        [JsonDerivedType(typeof(Split), "split")]
        public abstract record Payment(decimal Amount);

        /// <param name="Last4">The card's last four digits.</param>
        public record Card(decimal Amount, string Last4) : Payment(Amount);

        public record Transfer(decimal Amount, string Iban, string? Reference) : Payment(Amount);

        /// <summary>A payment split into parts, each a payment of its own.</summary>
        public record Split(decimal Amount, List<Payment> Parts) : Payment(Amount);

        [JsonDerivedType(typeof(Email), "email")]
        public interface IReceipt { }

        public class Email : IReceipt
        {
            public required string Address { get; init; }
        }

        [LlmExtract]
        public partial record Order(string Id, Payment Payment, IReceipt? Receipt, Dictionary<string, Payment> Refunds);
        """;

    [Fact]
    public void UnionsOfRecordsAndInterfaces()
    {
        var run = Harness.Run(UnionSource).AssertCompilesCleanly();
        Snapshot.Verify(run.Sources);

        using var assembly = LoadedAssembly.Load(run.Output);
        var paid = assembly.Parse("Payments.Order", """
            {"id":"o1","payment":{"amount":10,"parts":[{"last4":"1234","amount":4,"method":"card"},{"method":"transfer","amount":6,"iban":"DE00","reference":null}],"method":"split"},
             "receipt":{"address":"a@b.c","$type":"email"},"refunds":{"r1":{"method":"card","amount":1,"last4":"9999"}}}
            """);
        Assert.True(paid.IsSuccess, paid.ErrorText);
        Assert.Empty(paid.Repairs);
        var payment = Reflect.Get(paid.Value!, "Payment")!;
        Assert.Equal("Split", payment.GetType().Name);
        var parts = (System.Collections.IList)Reflect.Get(payment, "Parts")!;
        Assert.Equal(new[] { "Card", "Transfer" }, parts.Cast<object>().Select(p => p.GetType().Name).ToArray());

        var unknown = assembly.Parse("Payments.Order", """{"id":"o1","payment":{"method":"cash","amount":1},"receipt":null,"refunds":{}}""");
        var error = Assert.Single(unknown.Errors);
        Assert.Equal(("$.payment.method", ExtractionErrorKind.UnknownDiscriminator), (error.Path, error.Kind));
        Assert.Contains("expected one of \"card\", \"transfer\", \"split\", found \"cash\"", error.Message);
        Assert.Null(assembly.StrictJsonSchema("Payments.Order")); // a dictionary, as without unions
    }

    [Fact]
    public void AConcreteBaseTypeMayListItself()
    {
        var run = Harness.Run("""
            using System.Text.Json.Serialization;
            using StructuredOutput;

            namespace Notes;

            [JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
            [JsonDerivedType(typeof(Note), "note")]
            [JsonDerivedType(typeof(Reminder), "reminder")]
            public record Note(string Text);

            public record Reminder(string Text, System.DateTimeOffset Due) : Note(Text);

            [LlmExtract]
            public partial record Board(Note[] Notes);
            """).AssertCompilesCleanly();

        using var assembly = LoadedAssembly.Load(run.Output);
        var read = assembly.Parse("Notes.Board", """{"notes":[{"text":"a","type":"note"},{"type":"reminder","text":"b","due":"2024-05-01T09:00:00Z"}]}""");
        Assert.True(read.IsSuccess, read.ErrorText);
        var notes = (System.Array)Reflect.Get(read.Value!, "Notes")!;
        Assert.Equal(new[] { "Note", "Reminder" }, notes.Cast<object>().Select(n => n.GetType().Name).ToArray());
        Assert.Contains("type Note = {\n type: \"note\";\n text: string;", assembly.Prompt("Notes.Board"));
    }

    [Fact]
    public void LLMX020_AConcreteDerivedTypeThatIsNotListed()
    {
        var run = RunMarked("""
            [JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
            [JsonDerivedType(typeof(Circle), "circle")]
            public abstract record Shape;
            public record Circle(double Radius) : Shape;
            public record [|BigCircle|](double Radius) : Circle(Radius);
            public abstract record Polygon : Shape;
            public record [|Triangle|](double Base) : Polygon;
            public record Unrelated(double Size);

            [LlmExtract]
            public partial record Drawing(Shape Main);
            """, out var markup);

        var diagnostics = run.ContractDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(2, diagnostics.Count);
        for (int i = 0; i < 2; i++)
        {
            AssertAt(diagnostics[i], "LLMX020", DiagnosticSeverity.Warning, markup, i);
        }

        AssertMessage(diagnostics[1], "'Triangle' derives from the union 'Shape' but is not listed", "add [JsonDerivedType(typeof(Triangle), \"triangle\")] to 'Shape'");
        Assert.Single(run.Sources); // a warning: the contract is still generated
    }

    [Theory]
    [InlineData("public record Other(int X);", "Other", "it does not derive from 'Shape'; list only types that do")]
    [InlineData("public abstract record Other : Shape;", "Other", "it is abstract, so no value of it could be created; list its concrete types on 'Shape' instead")]
    [InlineData("public interface Other { }", "Other", "it does not derive from 'Shape'")]
    [InlineData("public record Other<T>(T X) : Shape;", "Other<int>", "it is generic; list a non-generic record or class")]
    public void LLMX021_AListedTypeThatCannotBeAMember(string declaration, string listed, string reason)
    {
        var diagnostic = SingleDiagnostic($$"""
            [JsonDerivedType(typeof(Circle), "circle")]
            [[|JsonDerivedType(typeof({{listed}}), "other")|]]
            public abstract record Shape;
            public record Circle(double Radius) : Shape;
            {{declaration}}

            [LlmExtract]
            public partial record Drawing(Shape Main);
            """, "LLMX021");

        AssertMessage(diagnostic, $"[JsonDerivedType] on 'Shape' lists '{listed}', which cannot be a member of the union: {reason}");
    }

    [Fact]
    public void LLMX021_ATypeListedTwice()
    {
        var diagnostic = SingleDiagnostic("""
            [JsonDerivedType(typeof(Circle), "circle")]
            [[|JsonDerivedType(typeof(Circle), "round")|]]
            public abstract record Shape;
            public record Circle(double Radius) : Shape;

            [LlmExtract]
            public partial record Drawing(Shape Main);
            """, "LLMX021");

        AssertMessage(diagnostic, "it is listed twice; list it once");
    }

    [Fact]
    public void LLMX022_TwoTypesShareADiscriminator()
    {
        var diagnostic = SingleDiagnostic("""
            [JsonDerivedType(typeof(Circle), "round")]
            [[|JsonDerivedType(typeof(Oval), "round")|]]
            public abstract record Shape;
            public record Circle(double Radius) : Shape;
            public record Oval(double Width, double Height) : Shape;

            [LlmExtract]
            public partial record Drawing(List<Shape> Shapes);
            """, "LLMX022");

        AssertMessage(diagnostic, "gives the discriminator \"round\" to both 'Circle' and 'Oval'", "each with its own discriminator");
    }

    [Fact]
    public void LLMX023_APolymorphicTypeWithNoListedTypes()
    {
        var diagnostic = SingleDiagnostic("""
            [[|JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")|]]
            public abstract record Shape;
            public record Circle(double Radius) : Shape;

            [LlmExtract]
            public partial record Drawing(Shape? Main);
            """, "LLMX023");

        AssertMessage(diagnostic, "'Shape' is [JsonPolymorphic] but lists no derived types", "add [JsonDerivedType(typeof(T), \"name\")] to 'Shape'");
    }

    [Fact]
    public void LLMX024_AMemberNamedLikeTheDiscriminator()
    {
        var diagnostic = SingleDiagnostic("""
            [JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
            [JsonDerivedType(typeof(Circle), "circle")]
            public abstract record Shape;
            public record Circle(double Radius, string [|Kind|]) : Shape;

            [LlmExtract]
            public partial record Drawing(Shape Main);
            """, "LLMX024");

        AssertMessage(diagnostic, "Member 'Kind' of 'Circle' has the JSON name \"kind\", which is the discriminator property of the union 'Shape'", "set TypeDiscriminatorPropertyName on 'Shape'");
    }

    [Fact]
    public void LLMX024_TheDefaultDiscriminatorCollidesWithARenamedMember()
    {
        var diagnostic = SingleDiagnostic("""
            [JsonDerivedType(typeof(Circle), "circle")]
            public abstract class Shape { }
            public class Circle : Shape
            {
                [JsonPropertyName("$type")]
                public string [|Type|] { get; set; } = "";
            }

            [LlmExtract]
            public partial record Drawing(Shape Main);
            """, "LLMX024");

        AssertMessage(diagnostic, "\"$type\"");
    }

    [Theory]
    [InlineData("JsonDerivedType(typeof(Circle))", "gives 'Circle' no discriminator")]
    [InlineData("JsonDerivedType(typeof(Circle), 1)", "gives 'Circle' the non-string discriminator 1")]
    public void LLMX025_ADiscriminatorThatIsNotAString(string attribute, string words)
    {
        var diagnostic = SingleDiagnostic($$"""
            [[|{{attribute}}|]]
            public abstract record Shape;
            public record Circle(double Radius) : Shape;

            [LlmExtract]
            public partial record Drawing(Shape Main);
            """, "LLMX025");

        AssertMessage(diagnostic, words, "such as [JsonDerivedType(typeof(Circle), \"circle\")]");
    }

    [Fact]
    public void LLMX004_AUnionAsTheRoot()
    {
        var diagnostic = SingleDiagnostic("""
            [LlmExtract]
            [JsonDerivedType(typeof(Circle), "circle")]
            public abstract partial record [|Shape|];
            public record Circle(double Radius) : Shape;
            """, "LLMX004");

        AssertMessage(diagnostic, "it is a union ([JsonDerivedType])", "extract a record with a member of type 'Shape' instead");
    }

    [Fact]
    public void LLMX004_AnAbstractTypeThatIsNoUnionPointsToJsonDerivedType()
    {
        var diagnostic = SingleDiagnostic("""
            public abstract record Shape;

            [LlmExtract]
            public partial record Drawing(Shape [|Main|]);
            """, "LLMX004");

        AssertMessage(diagnostic, "'Shape' cannot be constructed from JSON: it is abstract", "[JsonDerivedType(typeof(T), \"name\")]");
    }

    private static GeneratorRun RunMarked(string body, out Markup markup)
    {
        markup = Markup.Parse(Usings + body);
        var run = Harness.Run(markup.Source);
        Assert.Null(run.Exception);
        return run;
    }

    /// <summary>Runs the source, expects exactly one diagnostic, an error, at the one marked span, and no source.</summary>
    private static Diagnostic SingleDiagnostic(string body, string id)
    {
        var run = RunMarked(body, out var markup);
        Assert.True(run.ContractDiagnostics.Length == 1, "Expected one diagnostic, got:" + Environment.NewLine + run.Describe(run.ContractDiagnostics));
        var diagnostic = run.ContractDiagnostics[0];
        AssertAt(diagnostic, id, DiagnosticSeverity.Error, markup, 0);
        Assert.Empty(run.Sources);
        return diagnostic;
    }

    private static void AssertAt(Diagnostic diagnostic, string id, DiagnosticSeverity severity, Markup markup, int span)
    {
        Assert.Equal((id, severity), (diagnostic.Id, diagnostic.Severity));
        Assert.Equal(Harness.SourcePath(0), diagnostic.Location.GetLineSpan().Path);
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
