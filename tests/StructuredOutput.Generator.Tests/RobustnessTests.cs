using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// The generator never throws, whatever it is given while the user types: diagnostics, or nothing, are fine; an
/// exception (CS8785) or generated code that does not compile is not.
/// </summary>
public class RobustnessTests
{
    public static TheoryData<string, string> MalformedInputs => new()
    {
        { "syntax error inside the type", """
            [LlmExtract]
            public partial record Broken(string Name, int
            """ },
        { "syntax error in a member body", """
            [LlmExtract]
            public partial class Broken
            {
                public string Name { get; set; } = ;
                public int Count { get => ; set }
            }
            """ },
        { "member of an undefined type", """
            [LlmExtract]
            public partial record Broken(string Name, Missing Thing, List<AlsoMissing> Things);
            """ },
        { "attribute on a class with errors", """
            [LlmExtract]
            public partial class Broken : UndefinedBase, IUndefined
            {
                public string Name { get; set; } = undefinedValue;
                public void M() { this is not valid C#; }
            }
            """ },
        { "empty partial record", """
            [LlmExtract]
            public partial record Empty;
            """ },
        { "class with no members", """
            [LlmExtract]
            public partial class Empty { }
            """ },
        { "enum with no members", """
            public enum Nothing { }
            [LlmExtract]
            public partial record Holder(Nothing Value);
            """ },
        { "attribute applied twice on one declaration", """
            [LlmExtract, LlmExtract(Name = "x")]
            public partial record Twice(string Name);
            """ },
        { "attribute on two partial declarations", """
            [LlmExtract]
            public partial record Twice(string Name);
            [LlmExtract(Instructions = "again")]
            public partial record Twice;
            """ },
        { "property of an error type", """
            [LlmExtract]
            public partial class Broken
            {
                public Undefined<int, string> Value { get; set; }
                public int[] Array { get; set; } = new Undefined();
            }
            """ },
        { "interface annotated", """
            [LlmExtract]
            public partial interface IShape { string Name { get; } }
            """ },
        { "static class annotated", """
            [LlmExtract]
            public static partial class Helpers { public static string Name { get; set; } = ""; }
            """ },
        { "abstract root", """
            [LlmExtract]
            public abstract partial record Shape(string Name);
            """ },
        { "attribute with arguments of the wrong type", """
            [LlmExtract(Name = 42, Instructions = null, Unknown = "x")]
            public partial record Odd(string Name);
            """ },
        { "attribute with constructor arguments", """
            [LlmExtract("positional")]
            public partial record Odd(string Name);
            """ },
        { "self-containing struct", """
            [LlmExtract]
            public partial struct Loop { public Loop Next { get; set; } }
            """ },
        { "mutually recursive records", """
            [LlmExtract]
            public partial record A(B? Next, List<A> Children);
            public record B(A? Back);
            """ },
        { "ref struct root", """
            [LlmExtract]
            public ref partial struct Span { public int Length { get; set; } }
            """ },
        { "type with an indexer, events and static members only", """
            [LlmExtract]
            public partial class Odd
            {
                public int this[int i] => i;
                public event Action? Changed;
                public static string Name { get; set; } = "";
            }
            """ },
        { "property with a private getter and write-only property", """
            [LlmExtract]
            public partial class Odd
            {
                public string Name { private get; set; } = "";
                public string Write { set { } }
            }
            """ },
        { "record with a parameter matching no property", """
            [LlmExtract]
            public partial record Odd(string Name)
            {
                public Odd(string name, int count) : this(name) { }
            }
            """ },
        { "generic member type", """
            public record Box<T>(T Value);
            [LlmExtract]
            public partial record Odd(Box<string> Item);
            """ },
        { "nullable of an error type and array of an error type", """
            [LlmExtract]
            public partial record Odd(Missing? A, Missing[] B, Missing[,] C, List<Missing?>? D);
            """ },
        { "unterminated file", """
            [LlmExtract]
            public partial class Odd
            {
                public string Name { get; set; }
            """ },
        { "attribute on a member instead of a type", """
            public partial record Odd([LlmExtract] string Name);
            """ },
        { "delegate and enum annotated", """
            [LlmExtract]
            public delegate void D();
            [LlmExtract]
            public enum E { A }
            """ },
        { "record inheriting a record", """
            public abstract record Base(string Id);
            [LlmExtract]
            public partial record Derived(string Id, string Name) : Base(Id);
            """ },
        { "property obsolete as an error", """
            [LlmExtract]
            public partial class Odd
            {
                [Obsolete("gone", true)]
                public string Gone { get; set; } = "";
                [Obsolete("going")]
                public string Going { get; set; } = "";
                public string Name { get; set; } = "";
            }
            """ },
        { "constructor parameters that convert from their properties", """
            [LlmExtract]
            public partial class Odd
            {
                public Odd(IEnumerable<string> items, long count, string? name) { Items = new List<string>(items); Count = (int)count; Name = name ?? ""; }
                public List<string> Items { get; }
                public int Count { get; }
                public string Name { get; }
            }
            """ },
        { "partial method and file-local types", """
            file record Hidden(string X);
            [LlmExtract]
            public partial class Odd
            {
                public string Name { get; set; } = "";
                partial void Nothing();
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public void GeneratorNeverThrows(string description, string body)
    {
        foreach (var mode in new[] { DocumentationMode.None, DocumentationMode.Diagnose })
        {
            var run = Harness.Run(Harness.Compile(mode, Usings + body));

            Assert.True(run.Exception is null, $"{description}: the generator threw {run.Exception}");
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
            Assert.All(run.GeneratorDiagnostics, d => Assert.StartsWith("LLMX", d.Id, StringComparison.Ordinal));

            // The analyzer runs the same parser and must not throw either (AD0001).
            Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "AD0001");

            // Whatever is generated must not add errors of its own.
            var generatedErrors = run.CompilationErrors
                .Where(e => e.Location.SourceTree is { } tree && !run.Input.SyntaxTrees.Contains(tree))
                .ToList();
            Assert.True(generatedErrors.Count == 0, $"{description}: generated code has errors:{Environment.NewLine}{run.Describe(generatedErrors)}");
        }
    }

    [Fact]
    public void DuplicateMemberNamesDoNotCrash()
    {
        // The type itself is invalid (CS0102), so the generated initializer's 'Name = …' is ambiguous as well (CS0229):
        // a follow-on error that disappears with the user's own.
        var run = Harness.Run(Usings + """
            [LlmExtract]
            public partial class Odd
            {
                public string Name { get; set; } = "";
                public string Name { get; set; } = "";
            }
            """);

        Assert.Null(run.Exception);
        Assert.Contains(run.CompilationErrors, e => e.Id == "CS0102" && e.Location.SourceTree == run.Input.SyntaxTrees[0]);
    }

    [Fact]
    public void AttributeOnTwoPartialDeclarationsGeneratesOnce()
    {
        var run = Harness.Run(Usings + """
            [LlmExtract]
            public partial record Twice(string Name);
            [LlmExtract(Instructions = "again")]
            public partial record Twice;
            """);

        Assert.Null(run.Exception);
        Assert.Equal(new[] { "Robust.Twice.LlmContract.g.cs" }, run.Sources.Keys);
        Assert.Contains(run.CompilationErrors, e => e.Id == "CS0579"); // the user's duplicate attribute, reported by the compiler
        Assert.Single(run.CompilationErrors);
    }

    [Fact]
    public void EmptyTypesGenerateAContractWithNoProperties()
    {
        var run = Harness.Run(Usings + """
            [LlmExtract]
            public partial record Empty;
            """).AssertCompilesCleanly();

        string source = run.Sources.Values.Single();
        Assert.Contains("\"properties\": {},\n", source, StringComparison.Ordinal);
        Assert.Contains("\"required\": [],\n", source, StringComparison.Ordinal);
        Assert.Contains("context.SkipUnknownMember(ref reader);", source, StringComparison.Ordinal);
    }

    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using StructuredOutput;

        namespace Robust;

        """;
}
