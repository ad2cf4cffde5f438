using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using StructuredOutput.Generator.Diagnostics;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// The contract diagnostics LLMX004 (members that are not data), LLMX007–LLMX015 (flags enums, validation attributes,
/// strict mode, descriptions, schema names) and how <c>#pragma</c> and configured severities act on them. Each
/// diagnostic: its id, severity, the exact span it points at (marked <c>[|…|]</c>), the words of its message; and its
/// valid counterpart, which reports nothing and is generated. A type with a warning or info is still generated.
/// </summary>
public class ConstraintDiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.ComponentModel.DataAnnotations;
        using System.Text.Json.Serialization;
        using StructuredOutput;

        namespace Diag;

        """;

    // LLMX004: a property no constructor parameter or setter fills is an error only when it holds data.

    [Theory]
    [InlineData("{ get; }")]
    [InlineData("{ get; private set; }")]
    [InlineData("{ get; protected set; }")]
    public void LLMX004_GetOnlyAutoPropertyWithoutConstructorParameter(string accessors)
    {
        var run = RunMarked($$"""
            [LlmExtract]
            public partial class Person
            {
                public string Name { get; set; } = "";
                public string [|Code|] {{accessors}} = "x";
            }
            """, out var markup);

        var diagnostic = Expect(run, markup, "LLMX004", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, "'Person' cannot be constructed from JSON", "property 'Code' has no accessible setter and no constructor parameter", "'code'", "[JsonIgnore]");
    }

    [Fact]
    public void LLMX004_GetOnlyAutoPropertyBesideAPositionalRecordsParameters()
    {
        var run = RunMarked("""
            [LlmExtract]
            public partial record Person(string Name)
            {
                public DateTime [|Created|] { get; } = DateTime.UnixEpoch;
            }
            """, out var markup);

        var diagnostic = Expect(run, markup, "LLMX004", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, "'Person' cannot be constructed from JSON", "property 'Created'", "'created'");
    }

    [Fact]
    public void LLMX004_TheFixesTheMessageSuggestsWork()
    {
        var run = RunMarked("""
            [LlmExtract]
            public partial class ByParameter
            {
                public ByParameter(string name, string code) { Name = name; Code = code; }
                public string Name { get; }
                public string Code { get; }
            }

            [LlmExtract]
            public partial class ByInit
            {
                public string Name { get; set; } = "";
                public string Code { get; init; } = "x";
            }

            [LlmExtract]
            public partial class ByIgnore
            {
                public string Name { get; set; } = "";
                [JsonIgnore]
                public string Code { get; } = "x";
            }
            """, out _);

        AssertValid(run, "ByParameter", "ByInit", "ByIgnore");
        Assert.Equal(new[] { "code", "name" }, SchemaProperties(run, "ByParameter"));
        Assert.Equal(new[] { "code", "name" }, SchemaProperties(run, "ByInit"));
        Assert.Equal(new[] { "name" }, SchemaProperties(run, "ByIgnore"));
    }

    [Fact]
    public void LLMX004_ComputedPropertiesAreLeftOutOfTheContract()
    {
        var run = RunMarked("""
            [LlmExtract]
            public partial class Person
            {
                private readonly List<string> _aliases = new();
                public string Name { get; set; } = "";
                public string Shout => Name.ToUpperInvariant() + "!";
                public int Length { get { return Name.Length; } }
                public int AliasCount { get { return _aliases.Count; } }
            }

            [LlmExtract]
            public partial record Point(double X, double Y)
            {
                public double Length => Math.Sqrt(X * X + Y * Y);
            }
            """, out _);

        AssertValid(run, "Person", "Point");
        Assert.Equal(new[] { "name" }, SchemaProperties(run, "Person"));
        Assert.Equal(new[] { "x", "y" }, SchemaProperties(run, "Point"));
        string person = run.Sources["Diag.Person.LlmContract.g.cs"];
        foreach (string computed in new[] { "shout", "length", "aliasCount" })
        {
            Assert.DoesNotContain("\\\"" + computed + "\\\"", person, StringComparison.Ordinal);
        }
    }

    // LLMX007: a [Flags] value names one member in JSON; a list of single values is how flags combine.

    [Theory]
    [InlineData("Permissions")]
    [InlineData("Permissions?")]
    [InlineData("Dictionary<string, Permissions>")]
    public void LLMX007_FlagsEnumUsedByAMember(string type)
    {
        var run = RunMarked($$"""
            [Flags]
            public enum Permissions { None = 0, Read = 1, Write = 2 }

            [LlmExtract]
            public partial record Account(string Name, {{type}} [|Access|]);
            """, out var markup);

        var diagnostic = Expect(run, markup, "LLMX007", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, "Enum 'Permissions' is [Flags]", "List<Permissions>", "remove [Flags]");
    }

    [Fact]
    public void LLMX007_FlagsEnumFromAnotherAssembly()
    {
        // The enum has no source to point at; the member that uses it is what to change.
        var run = RunMarked("""
            [LlmExtract]
            public partial record Entry(string Path, System.IO.FileAttributes [|Attributes|]);
            """, out var markup);

        var diagnostic = Expect(run, markup, "LLMX007", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, "Enum 'FileAttributes' is [Flags]");
    }

    [Fact]
    public void LLMX007_EveryMemberThatUsesTheFlagsEnumIsReported()
    {
        var run = RunMarked("""
            [Flags]
            public enum Permissions { None = 0, Read = 1, Write = 2 }

            [LlmExtract]
            public partial record Account(Permissions [|Own|], Permissions [|Shared|]);
            """, out var markup);

        Expect(run, markup, "LLMX007", DiagnosticSeverity.Error);
    }

    [Fact]
    public void LLMX007_NotReportedForAPlainEnumOrAListOfFlags()
    {
        var run = RunMarked("""
            [Flags]
            public enum Permissions { None = 0, Read = 1, Write = 2 }

            public enum Role { Reader, Writer }

            [Flags]
            public enum Unused { A = 1, B = 2 }

            [LlmExtract]
            public partial record Account(Role Role, List<Permissions> Access, Permissions[] Denied);
            """, out _);

        AssertValid(run, "Account");
        using var loaded = LoadedAssembly.Load(run.Output);
        var answer = loaded.Parse("Diag.Account", """{"role":"Writer","access":["Read","Write"],"denied":[]}""");
        Assert.True(answer.IsSuccess, answer.ErrorText);
    }

    // LLMX008: a constraint no value could meet, or that cannot be read.

    [Theory]
    [InlineData("int", "Range(10, 1)", "the minimum 10 is greater than the maximum 1")]
    [InlineData("double", "Range(1.5, 1.5, MinimumIsExclusive = true)", "the maximum 1.5, so no value is valid")]
    [InlineData("decimal", "Range(typeof(decimal), \"abc\", \"5\")", "'abc' is not a number")]
    [InlineData("decimal", "Range(typeof(string), \"1\", \"5\")", "the operand type must be a numeric type")]
    [InlineData("string", "MinLength(-1)", "the length -1 is negative")]
    [InlineData("string", "MaxLength(0)", "the length 0 is not positive")]
    [InlineData("string", "Length(5, 2)", "the minimum length 5 is greater than the maximum length 2")]
    [InlineData("List<string>", "Length(5, 2)", "the minimum length 5 is greater than the maximum length 2")]
    [InlineData("string", "StringLength(3, MinimumLength = 5)", "MinimumLength 5 is greater than the maximum length 3")]
    [InlineData("string", "RegularExpression(\"[a-\")", "the pattern does not compile")]
    [InlineData("string", "AllowedValues(\"a\", 3)", "the value 3 is not a string value")]
    [InlineData("int", "AllowedValues(1, 2.5)", "the value 2.5 is not")]
    public void LLMX008_InvalidConstraint(string type, string attribute, string why)
    {
        var run = RunOrder(Value(type, attribute, marked: true), out var markup);

        var diagnostic = Expect(run, markup, "LLMX008", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, $"[{ShortName(attribute)}] on 'Order.Value' is invalid", why);
    }

    [Theory]
    [InlineData("int", "Range(1, 10)")]
    [InlineData("double", "Range(1.5, 1.5)")]
    [InlineData("decimal", "Range(typeof(decimal), \"0.5\", \"5\")")]
    [InlineData("string", "MinLength(0)")]
    [InlineData("string", "MaxLength(1)")]
    [InlineData("string", "MaxLength(-1)")]
    [InlineData("string", "Length(2, 5)")]
    [InlineData("List<string>", "Length(2, 5)")]
    [InlineData("string", "StringLength(5, MinimumLength = 3)")]
    [InlineData("string", "RegularExpression(\"[a-z]+\")")]
    [InlineData("string", "AllowedValues(\"a\", \"b\")")]
    [InlineData("int", "AllowedValues(1, 2)")]
    [InlineData("string", "MinLength(3), MaxLength(5)")]
    public void LLMX008_ValidConstraintIsGenerated(string type, string attribute)
    {
        var run = RunOrder(Value(type, attribute), out _);

        AssertValid(run, "Order");
    }

    [Fact]
    public void LLMX008_MinLengthGreaterThanMaxLengthFromTwoAttributes()
    {
        // No single attribute is wrong, so the member carries the diagnostic.
        var run = RunMarked("""
            [LlmExtract]
            public partial class Order
            {
                [MinLength(5)]
                [MaxLength(3)]
                public string [|Code|] { get; set; } = "";
            }
            """, out var markup);

        var diagnostic = Expect(run, markup, "LLMX008", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, "[MinLength] on 'Order.Code' is invalid", "the minimum length 5 is greater than the maximum length 3 set by another attribute");
    }

    [Fact]
    public void LLMX008_OnAPositionalRecordParameter()
    {
        var run = RunMarked("""
            [LlmExtract]
            public partial record Order(string Id, [[|Range(100, 1)|]] int Quantity);
            """, out var markup);

        var diagnostic = Expect(run, markup, "LLMX008", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, "[Range] on 'Order.Quantity' is invalid");
    }

    // LLMX009: a constraint on a type it cannot apply to.

    [Theory]
    [InlineData("string", "Range(1, 5)", "string", "it applies to numbers")]
    [InlineData("List<string>", "StringLength(5)", "List<string>", "it applies to strings")]
    [InlineData("int", "RegularExpression(\"a+\")", "int", "it applies to strings")]
    [InlineData("Uri", "EmailAddress", "Uri", "it applies to strings")]
    [InlineData("int", "MinLength(1)", "int", "it applies to strings and collections")]
    [InlineData("bool", "Url", "bool", "it applies to strings")]
    public void LLMX009_InapplicableConstraint(string type, string attribute, string displayed, string why)
    {
        var run = RunOrder(Value(type, attribute, marked: true), out var markup);

        var diagnostic = Expect(run, markup, "LLMX009", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, $"[{ShortName(attribute)}] on 'Order.Value' does not apply to its type '{displayed}'", why);
    }

    [Theory]
    [InlineData("int", "Range(1, 5)")]
    [InlineData("string", "StringLength(5)")]
    [InlineData("int?", "Range(1, 5)")]
    [InlineData("string", "RegularExpression(\"a+\")")]
    [InlineData("string", "EmailAddress")]
    [InlineData("List<string>", "MinLength(1)")]
    [InlineData("string[]", "MaxLength(3)")]
    [InlineData("string", "Url")]
    public void LLMX009_ApplicableConstraintIsGenerated(string type, string attribute)
    {
        var run = RunOrder(Value(type, attribute), out _);

        AssertValid(run, "Order");
    }

    // LLMX010 (warning): a validation attribute the generated validator does not check.

    private const string EvenAttribute = """

        public sealed class EvenAttribute : ValidationAttribute
        {
            public override bool IsValid(object? value) => value is int i && i % 2 == 0;
        }

        public sealed class NoteAttribute : Attribute
        {
        }
        """;

    [Theory]
    [InlineData("string", "Phone")]
    [InlineData("string", "CreditCard")]
    [InlineData("string", "Compare(\"Id\")")]
    [InlineData("int", "Even")]
    public void LLMX010_UncheckedValidationAttribute(string type, string attribute)
    {
        var run = RunOrder(Value(type, attribute, marked: true), out var markup, more: EvenAttribute);

        var diagnostic = Expect(run, markup, "LLMX010", DiagnosticSeverity.Warning, "Order").Single();
        AssertMessage(diagnostic, $"[{ShortName(attribute)}] on 'Order.Value' is not checked by the generated validator", "IValidatableObject.Validate");
    }

    [Theory]
    [InlineData("string", "EmailAddress")]
    [InlineData("int", "Note")]
    [InlineData("string", "Description(\"A phone number.\")")]
    public void LLMX010_CheckedOrNonValidationAttributeIsNotReported(string type, string attribute)
    {
        var run = RunOrder(Value(type, attribute), out _, more: EvenAttribute);

        AssertValid(run, "Order");
    }

    [Fact]
    public void LLMX010_DoesNotDropTheCheckedConstraintsBesideIt()
    {
        var run = RunMarked("""
            [LlmExtract]
            public partial class Contact
            {
                [MaxLength(5)]
                [[|Phone|]]
                public string Number { get; set; } = "";
            }
            """, out var markup);

        Expect(run, markup, "LLMX010", DiagnosticSeverity.Warning, "Contact");
        using var loaded = LoadedAssembly.Load(run.Output);
        using var schema = JsonDocument.Parse(loaded.JsonSchema("Diag.Contact"));
        Assert.Equal(5, schema.RootElement.GetProperty("properties").GetProperty("number").GetProperty("maxLength").GetInt32());
        var answer = loaded.Parse("Diag.Contact", """{"number":"1234567"}""");
        Assert.False(answer.IsSuccess);
        Assert.Contains(answer.Errors, e => e.Path.Contains("number", StringComparison.Ordinal));
    }

    // LLMX011 (warning): a strict schema over one of OpenAI's limits.

    [Theory]
    [InlineData(11, true, true)]
    [InlineData(10, true, false)]
    [InlineData(11, false, false)]
    public void LLMX011_Nesting(int levels, bool strict, bool reported)
    {
        var source = new StringBuilder();
        source.Append($"[LlmExtract(Mode = ExtractionMode.{(strict ? "StrictJsonSchema" : "JsonObject")})]\n");
        source.Append("public partial record [|L0|](L1 Next);\n");
        for (int i = 1; i < levels - 1; i++)
        {
            source.Append($"public record L{i}(L{i + 1} Next);\n");
        }

        source.Append($"public record L{levels - 1}(string Value);\n");
        var run = RunMarked(source.ToString(), out var markup);

        if (reported)
        {
            var diagnostic = Expect(run, markup, "LLMX011", DiagnosticSeverity.Warning, "L0").Single();
            AssertMessage(diagnostic, "The strict schema of 'L0' has 11 levels of nested objects, over OpenAI's limit of 10", "choose a mode that does not send the strict schema");
        }
        else
        {
            AssertValid(run, "L0");
        }
    }

    [Fact]
    public void LLMX011_RecursionDoesNotCountAsNesting()
    {
        var run = RunMarked("""
            [LlmExtract(Mode = ExtractionMode.StrictJsonSchema)]
            public partial record Tree(string Name, List<Tree> Children);
            """, out _);

        AssertValid(run, "Tree");
    }

    [Theory]
    [InlineData(1001, true, true)]
    [InlineData(1000, true, false)]
    [InlineData(1001, false, false)]
    public void LLMX011_EnumValues(int values, bool strict, bool reported)
    {
        string members = string.Join(", ", Enumerable.Range(0, values).Select(i => "V" + i));
        var run = RunMarked($$"""
            public enum Code { {{members}} }

            [LlmExtract(Mode = ExtractionMode.{{(strict ? "StrictJsonSchema" : "JsonObject")}})]
            public partial record [|Pick|](Code Choice);
            """, out var markup);

        if (reported)
        {
            var diagnostic = Expect(run, markup, "LLMX011", DiagnosticSeverity.Warning, "Pick").Single();
            AssertMessage(diagnostic, "The strict schema of 'Pick' has 1001 enum values, over OpenAI's limit of 1000");
        }
        else
        {
            AssertValid(run, "Pick");
        }
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    public void LLMX011_Properties(bool extra, bool strict, bool reported)
    {
        // 50 members of 50 types of 99 properties each: 5,000 properties; one more on the root goes over.
        var source = new StringBuilder();
        source.Append($"[LlmExtract(Mode = ExtractionMode.{(strict ? "StrictJsonSchema" : "JsonObject")})]\n");
        source.Append("public partial class [|Catalog|]\n{\n");
        for (int g = 0; g < 50; g++)
        {
            source.Append($"    public Group{g} Part{g} {{ get; set; }} = new();\n");
        }

        if (extra)
        {
            source.Append("    public string Extra { get; set; } = \"\";\n");
        }

        source.Append("}\n");
        for (int g = 0; g < 50; g++)
        {
            source.Append($"public class Group{g}\n{{\n");
            for (int p = 0; p < 99; p++)
            {
                source.Append($"    public string P{p} {{ get; set; }} = \"\";\n");
            }

            source.Append("}\n");
        }

        var run = RunMarked(source.ToString(), out var markup);

        if (reported)
        {
            var diagnostic = Expect(run, markup, "LLMX011", DiagnosticSeverity.Warning, "Catalog").Single();
            AssertMessage(diagnostic, "The strict schema of 'Catalog' has 5001 object properties, over OpenAI's limit of 5000");
        }
        else
        {
            AssertValid(run, "Catalog");
        }
    }

    // LLMX012 (warning): strict mode leaves a constraint out of the schema; the client still checks it.

    public static TheoryData<string, string, string> UnenforcedInStrictMode => new()
    {
        { "[MaxLength(10)] public string [|Code|] { get; set; } = \"\";", "Code", "string length (minLength/maxLength)" },
        { "[StringLength(10, MinimumLength = 2)] public string [|Code|] { get; set; } = \"\";", "Code", "string length (minLength/maxLength)" },
        { "[DeniedValues(\"none\")] public string [|Code|] { get; set; } = \"\";", "Code", "denied values (not)" },
        { "public HashSet<string> [|Tags|] { get; set; } = new();", "Tags", "unique items (uniqueItems)" },
        { "public Uri [|Link|] { get; set; } = new(\"https://example.com\");", "Link", "format 'uri'" },
        { "public List<Uri> [|Links|] { get; set; } = new();", "Links", "format 'uri'" },
        { "public char [|Grade|] { get; set; }", "Grade", "a one-character string (minLength/maxLength)" },
        { "public char[] [|Grades|] { get; set; } = [];", "Grades", "a one-character string (minLength/maxLength)" },
        { "public List<HashSet<int>> [|Groups|] { get; set; } = new();", "Groups", "unique items (uniqueItems)" },
        { "[Required, RegularExpression(\"[a-z]*\")] public string [|Code|] { get; set; } = \"\";", "Code", "string length (minLength/maxLength)" },
    };

    [Theory]
    [MemberData(nameof(UnenforcedInStrictMode))]
    public void LLMX012_StrictModeDoesNotEnforce(string member, string name, string keyword)
    {
        var run = RunOrder(member, out var markup, strict: true);

        var diagnostic = Expect(run, markup, "LLMX012", DiagnosticSeverity.Warning, "Order").Single();
        AssertMessage(diagnostic, $"Strict mode does not enforce {keyword} on 'Order.{name}'", "the client still checks it");
    }

    [Theory]
    [MemberData(nameof(UnenforcedInStrictMode))]
    public void LLMX012_NotReportedWithoutStrict(string member, string name, string keyword)
    {
        _ = (name, keyword);
        var run = RunOrder(member, out _);

        AssertValid(run, "Order");
    }

    [Theory]
    [MemberData(nameof(UnenforcedInStrictMode))]
    public void LLMX012_ToolCallModeSendsTheStrictSchemaToo(string member, string name, string keyword)
    {
        var run = RunOrder(member, out var markup, mode: "ToolCall");

        var diagnostic = Expect(run, markup, "LLMX012", DiagnosticSeverity.Warning, "Order").Single();
        AssertMessage(diagnostic, $"Strict mode does not enforce {keyword} on 'Order.{name}'");
    }

    [Theory]
    [MemberData(nameof(UnenforcedInStrictMode))]
    public void LLMX012_NotReportedInPromptOnlyMode(string member, string name, string keyword)
    {
        _ = (name, keyword);
        var run = RunOrder(member, out _, mode: "PromptOnly");

        AssertValid(run, "Order");
    }

    [Theory]
    [InlineData("[Range(1, 5)] public int Count { get; set; }")]
    [InlineData("[RegularExpression(\"^[a-z]+$\")] public string Code { get; set; } = \"\";")]
    [InlineData("[EmailAddress] public string Mail { get; set; } = \"\";")]
    [InlineData("[MinLength(1)] public List<string> Tags { get; set; } = new();")]
    [InlineData("[AllowedValues(\"a\", \"b\")] public string Letter { get; set; } = \"\";")]
    [InlineData("[Required] public string Name { get; set; } = \"\";")] // stated with the pattern \\S, which strict mode enforces
    [InlineData("[Url] public string Link { get; set; } = \"\";")] // stated in words in both schemas, never as a keyword
    [InlineData("[DeniedValues(Size.Small)] public Size Fit { get; set; }", "public enum Size { Small, Large }")] // left out of the enum list
    public void LLMX012_NotReportedForKeywordsStrictModeEnforces(string member, string more = "")
    {
        var run = RunOrder(member, out _, strict: true, more: more);

        AssertValid(run, "Order");
    }

    [Fact]
    public void LLMX012_OnAMemberOfANestedType()
    {
        var run = RunMarked("""
            [LlmExtract(Mode = ExtractionMode.StrictJsonSchema)]
            public partial record Order(string Id, List<Line> Lines);

            public record Line(string Sku, Uri [|Picture|]);
            """, out var markup);

        var diagnostic = Expect(run, markup, "LLMX012", DiagnosticSeverity.Warning, "Order").Single();
        AssertMessage(diagnostic, "format 'uri' on 'Line.Picture'");
    }

    // LLMX013: strict mode cannot express a dictionary.

    [Theory]
    [InlineData("Dictionary<string, int>")]
    [InlineData("IReadOnlyDictionary<string, string>?")]
    [InlineData("List<Dictionary<string, int>>")]
    public void LLMX013_DictionaryInStrictMode(string type)
    {
        var run = RunOrder($"public {type} [|Counts|] {{ get; set; }} = default!;", out var markup, strict: true);

        var diagnostic = Expect(run, markup, "LLMX013", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, "Member 'Counts' of 'Order' is a dictionary", "List<T> of a record with a key and a value", "choose another LlmExtract.Mode");
    }

    [Theory]
    [InlineData("Dictionary<string, int>")]
    [InlineData("IReadOnlyDictionary<string, string>?")]
    [InlineData("List<Dictionary<string, int>>")]
    public void LLMX013_DictionaryWithoutStrictIsGenerated(string type)
    {
        var run = RunOrder($"public {type} Counts {{ get; set; }} = default!;", out _);

        AssertValid(run, "Order");
    }

    [Fact]
    public void LLMX013_ToolCallModeSendsADictionarysPlainSchemaWithoutStrictChecks()
    {
        // No strict schema, so the function is not strict: neither the dictionary nor the length is a strict-mode finding.
        var run = RunOrder("public Dictionary<string, int> Counts { get; set; } = new(); [MaxLength(3)] public string Code { get; set; } = \"\";", out _, mode: "ToolCall");

        AssertValid(run, "Order");
    }

    // LLMX014 (info): a member the model sees by its name only.

    [Fact]
    public void LLMX014_MembersWithoutDescription()
    {
        var run = RunMarked("""
            [LlmExtract]
            public partial record Order(string [|Id|], List<Line> [|Lines|])
            {
                public string [|Note|] { get; init; } = "";
            }

            public record Line(string [|Sku|], [property: Description("How many.")] int Quantity);
            """, out var markup);

        var diagnostics = Expect(run, markup, "LLMX014", DiagnosticSeverity.Info, "Order");
        AssertMessage(diagnostics[0], "Member 'Id' of 'Order' has no description", "add an XML <summary> or [Description]");
        AssertMessage(diagnostics[2], "Member 'Note' of 'Order'");
        AssertMessage(diagnostics[3], "Member 'Sku' of 'Line'");

        // Info is not among the diagnostics a build shows as warnings or errors.
        Assert.Empty(run.ContractDiagnostics);
    }

    [Theory]
    [InlineData(DocumentationMode.None)]
    [InlineData(DocumentationMode.Parse)]
    public void LLMX014_NotReportedForDescribedMembers(DocumentationMode mode)
    {
        var run = RunMarked("""
            /// <summary>An order.</summary>
            /// <param name="Id">The order number.</param>
            [LlmExtract]
            public partial record Order(string Id, [property: Description("The lines ordered.")] List<Line> Lines)
            {
                /// <summary>A note from the customer.</summary>
                public string Note { get; init; } = "";

                [Description("When it was placed.")]
                public DateTime Placed { get; init; }
            }

            public class Line
            {
                /// <summary>The stock keeping unit.</summary>
                public string Sku { get; set; } = "";
            }
            """, out _, mode);

        Assert.True(run.AnalyzerDiagnostics.IsEmpty, run.Describe(run.AnalyzerDiagnostics));
        AssertValid(run, "Order");
        string schema = JsonSchema(run, "Order");
        foreach (string description in new[] { "The order number.", "The lines ordered.", "A note from the customer.", "When it was placed.", "The stock keeping unit." })
        {
            Assert.Contains(description, schema, StringComparison.Ordinal);
        }
    }

    // LLMX015: the schema name is sent as the json_schema name.

    public static TheoryData<string> InvalidSchemaNames => new() { "has space", new string('a', 65), "", "na\u00efve", "a.b" };

    [Theory]
    [MemberData(nameof(InvalidSchemaNames))]
    public void LLMX015_InvalidSchemaName(string name)
    {
        var run = RunMarked($$"""
            [[|LlmExtract(Name = "{{name}}")|]]
            public partial record Order(string Id);
            """, out var markup);

        var diagnostic = Expect(run, markup, "LLMX015", DiagnosticSeverity.Error).Single();
        AssertMessage(diagnostic, $"The schema name \"{name}\" must be 1 to 64 letters, digits, '_' or '-'", "LlmExtract.Name");
    }

    public static TheoryData<string> ValidSchemaNames => new() { "order_v2-final", new string('b', 64), "A" };

    [Theory]
    [MemberData(nameof(ValidSchemaNames))]
    public void LLMX015_ValidSchemaNameIsGenerated(string name)
    {
        var run = RunMarked($$"""
            [LlmExtract(Name = "{{name}}")]
            public partial record Order(string Id);
            """, out _);

        AssertValid(run, "Order");
        Assert.Contains($"public const string SchemaName = \"{name}\";", run.Sources["Diag.Order.LlmContract.g.cs"], StringComparison.Ordinal);
    }

    // #pragma and configured severities.

    [Fact]
    public void PragmaWarningDisableSuppressesTheWarningOnTheMembersItEncloses()
    {
        var markup = Markup.Parse(Usings + """
            [LlmExtract(Mode = ExtractionMode.StrictJsonSchema)]
            public partial class Links
            {
            #pragma warning disable LLMX012
                public Uri [|Home|] { get; set; } = new("https://example.com");
            #pragma warning restore LLMX012
                public Uri [|Docs|] { get; set; } = new("https://example.com/docs");
            }
            """);
        var compilation = Harness.Compile(DocumentationMode.None, markup.Source);

        // As a build sees them: the suppressed warning is gone, the other one stays.
        var shown = Harness.Analyze(compilation).Where(d => d.Id == "LLMX012").ToList();
        var docs = Assert.Single(shown);
        Assert.Equal(markup.Spans[1], docs.Location.SourceSpan);
        Assert.False(docs.IsSuppressed);

        // Asked for suppressed diagnostics too, Roslyn returns the pragma'd one marked as suppressed.
        var all = AnalyzeIncludingSuppressed(compilation).Where(d => d.Id == "LLMX012").OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(2, all.Count);
        Assert.Equal(markup.Spans[0], all[0].Location.SourceSpan);
        Assert.True(all[0].IsSuppressed);
        Assert.Equal(markup.Spans[1], all[1].Location.SourceSpan);
        Assert.False(all[1].IsSuppressed);
    }

    [Theory]
    [InlineData("LLMX014", ReportDiagnostic.Default, DiagnosticSeverity.Info)]
    [InlineData("LLMX014", ReportDiagnostic.Error, DiagnosticSeverity.Error)]
    [InlineData("LLMX014", ReportDiagnostic.Warn, DiagnosticSeverity.Warning)]
    [InlineData("LLMX012", ReportDiagnostic.Default, DiagnosticSeverity.Warning)]
    [InlineData("LLMX012", ReportDiagnostic.Error, DiagnosticSeverity.Error)]
    [InlineData("LLMX012", ReportDiagnostic.Suppress, null)]
    [InlineData("LLMX014", ReportDiagnostic.Suppress, null)]
    public void ConfiguredSeverityChangesTheReportedSeverity(string id, ReportDiagnostic configured, DiagnosticSeverity? expected)
    {
        // What 'dotnet_diagnostic.<id>.severity = error' in .editorconfig turns into.
        var markup = Markup.Parse(Usings + """
            [LlmExtract(Mode = ExtractionMode.StrictJsonSchema)]
            public partial class Links
            {
                public Uri [|Home|] { get; set; } = new("https://example.com");
            }
            """);
        var compilation = Harness.Compile(DocumentationMode.None, markup.Source);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            new Dictionary<string, ReportDiagnostic> { [id] = configured }));

        var diagnostics = Harness.Analyze(compilation);
        var reported = diagnostics.Where(d => d.Id == id).ToList();
        if (expected is null)
        {
            Assert.Empty(reported);
        }
        else
        {
            var diagnostic = Assert.Single(reported);
            Assert.Equal(expected, diagnostic.Severity);
            Assert.Equal(markup.Spans[0], diagnostic.Location.SourceSpan);
        }

        // The other diagnostic on the same member keeps its default severity.
        string other = id == "LLMX014" ? "LLMX012" : "LLMX014";
        Assert.Equal(DiagnosticDescriptors.Find(other).DefaultSeverity, Assert.Single(diagnostics, d => d.Id == other).Severity);
    }

    // The descriptors themselves.

    [Fact]
    public void EveryDescriptorHasTitleMessageHelpLinkAndARelease()
    {
        var all = DiagnosticDescriptors.All;
        Assert.Equal(all.Length, all.Select(d => d.Id).Distinct().Count());

        // Every descriptor declared is in All, and All is what the analyzer supports.
        var declared = typeof(DiagnosticDescriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();
        Assert.Equal(declared.Select(d => d.Id).OrderBy(i => i), all.Select(d => d.Id).OrderBy(i => i));
        Assert.Equal(all.Select(d => d.Id), new LlmExtractAnalyzer().SupportedDiagnostics.Select(d => d.Id));

        var releases = UnshippedRules();
        foreach (var descriptor in all)
        {
            string id = descriptor.Id;
            Assert.Matches("^LLMX0[0-9]{2}$", id);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)), id + " has no title.");
            Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture)), id + " has no message format.");
            Assert.Equal("https://github.com/StructuredOutput/StructuredOutput/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant(), descriptor.HelpLinkUri);
            Assert.True(Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out _), id + " has a relative help link.");
            Assert.Equal("StructuredOutput", descriptor.Category);
            Assert.True(descriptor.IsEnabledByDefault, id + " is not enabled by default.");

            Assert.True(releases.TryGetValue(id, out var row), $"{id} is not in AnalyzerReleases.Unshipped.md.");
            Assert.Equal(descriptor.Category, row.Category);
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row.Severity);
            Assert.Equal(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Notes);
        }

        Assert.Equal(all.Select(d => d.Id).OrderBy(i => i), releases.Keys.OrderBy(i => i));
    }

    [Fact]
    public void TheHelpLinksStartWithTheRepositoryUrlOfDirectoryBuildProps()
    {
        var props = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Build.props"));
        string? repositoryUrl = props.Descendants("RepositoryUrl").SingleOrDefault()?.Value.Trim();
        Assert.Equal(DiagnosticDescriptors.RepositoryUrl, repositoryUrl);
        Assert.All(DiagnosticDescriptors.All, d => Assert.StartsWith(repositoryUrl + "/blob/main/docs/diagnostics.md#", d.HelpLinkUri, StringComparison.Ordinal));
    }

    private static Dictionary<string, (string Category, string Severity, string Notes)> UnshippedRules()
    {
        string path = Path.Combine(RepositoryRoot(), "src", "StructuredOutput.Generator", "AnalyzerReleases.Unshipped.md");
        var rules = new Dictionary<string, (string, string, string)>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(path))
        {
            string[] cells = line.Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length == 4 && cells[0].StartsWith("LLMX", StringComparison.Ordinal))
            {
                Assert.True(rules.TryAdd(cells[0], (cells[1], cells[2], cells[3])), cells[0] + " is listed twice.");
            }
        }

        return rules;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StructuredOutput.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No StructuredOutput.sln above " + AppContext.BaseDirectory);
    }

    // Helpers.

    private static GeneratorRun RunMarked(string body, out Markup markup, DocumentationMode mode = DocumentationMode.None)
    {
        markup = Markup.Parse(Usings + body);
        var run = Harness.Run(markup.Source, mode);
        Assert.Null(run.Exception);
        return run;
    }

    /// <summary>Runs a class <c>Order</c> with a string <c>Id</c> and <paramref name="member"/>, a declaration in markup.</summary>
    private static GeneratorRun RunOrder(string member, out Markup markup, bool strict = false, string more = "", string? mode = null) =>
        RunMarked($$"""
            [LlmExtract{{(mode is not null ? "(Mode = ExtractionMode." + mode + ")" : strict ? "(Mode = ExtractionMode.StrictJsonSchema)" : string.Empty)}}]
            public partial class Order
            {
                public string Id { get; set; } = "";
                {{member}}
            }
            """ + more, out markup);

    /// <summary>The declaration of <c>Order.Value</c>: <paramref name="type"/> under <paramref name="attribute"/>, marked if asked.</summary>
    private static string Value(string type, string attribute, bool marked = false) =>
        (marked ? "[[|" + attribute + "|]]" : "[" + attribute + "]") + " public " + type + " Value { get; set; } = default!;";

    /// <summary>
    /// Expects <paramref name="id"/> exactly once at each marked span, in order, with <paramref name="severity"/>, and
    /// nothing else but LLMX014. With an error nothing is generated; otherwise <paramref name="generated"/> is, and compiles.
    /// </summary>
    private static IReadOnlyList<Diagnostic> Expect(GeneratorRun run, Markup markup, string id, DiagnosticSeverity severity, string? generated = null)
    {
        Assert.Empty(run.GeneratorDiagnostics);
        var others = run.AnalyzerDiagnostics.Where(d => d.Id != id && d.Id != "LLMX014").ToList();
        Assert.True(others.Count == 0, "Also reported:" + Environment.NewLine + run.Describe(others));
        var found = run.AnalyzerDiagnostics.Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.True(
            found.Count == markup.Spans.Count,
            $"Expected {id} at {markup.Spans.Count} span(s), got:{Environment.NewLine}{run.Describe(run.AnalyzerDiagnostics)}");
        for (int i = 0; i < found.Count; i++)
        {
            Assert.Equal(id, found[i].Id);
            Assert.Equal(severity, found[i].Severity);
            var lineSpan = found[i].Location.GetLineSpan();
            Assert.Equal(Harness.SourcePath(0), lineSpan.Path);
            Assert.Equal(markup.LineSpan(i), lineSpan.Span);
            Assert.Equal(markup.Spans[i], found[i].Location.SourceSpan);
        }

        if (severity == DiagnosticSeverity.Error)
        {
            Assert.Null(generated);
            Assert.Empty(run.Sources);
            Assert.All(run.CompilationErrors, e => Assert.Equal(Harness.SourcePath(0), e.Location.SourceTree?.FilePath));
        }
        else
        {
            Assert.NotNull(generated);
            AssertGenerated(run, generated!);
        }

        return found;
    }

    /// <summary>Nothing reported but descriptions missing (info), and every named type generated and compiling.</summary>
    private static void AssertValid(GeneratorRun run, params string[] typeNames)
    {
        Assert.True(run.ContractDiagnostics.IsEmpty, "Reported:" + Environment.NewLine + run.Describe(run.ContractDiagnostics));
        var notInfo = run.AnalyzerDiagnostics.Where(d => d.Id != "LLMX014" || d.Severity != DiagnosticSeverity.Info).ToList();
        Assert.True(notInfo.Count == 0, "Reported:" + Environment.NewLine + run.Describe(notInfo));
        foreach (string typeName in typeNames)
        {
            AssertGenerated(run, typeName);
        }
    }

    private static void AssertGenerated(GeneratorRun run, string typeName)
    {
        Assert.Contains($"Diag.{typeName}.LlmContract.g.cs", run.Sources.Keys);
        var errors = run.CompilationErrors.ToList();
        Assert.True(errors.Count == 0, "The compilation has errors:" + Environment.NewLine + run.Describe(errors));
    }

    private static void AssertMessage(Diagnostic diagnostic, params string[] parts)
    {
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string part in parts)
        {
            Assert.True(message.Contains(part, StringComparison.Ordinal), $"The message lacks \"{part}\": {message}");
        }
    }

    private static string ShortName(string attribute)
    {
        int paren = attribute.IndexOf('(', StringComparison.Ordinal);
        return paren < 0 ? attribute : attribute.Substring(0, paren);
    }

    private static string JsonSchema(GeneratorRun run, string typeName)
    {
        using var loaded = LoadedAssembly.Load(run.Output);
        return loaded.JsonSchema("Diag." + typeName);
    }

    /// <summary>The property names of the type's schema, sorted.</summary>
    private static string[] SchemaProperties(GeneratorRun run, string typeName)
    {
        using var schema = JsonDocument.Parse(JsonSchema(run, typeName));
        return schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
    }

    private static ImmutableArray<Diagnostic> AnalyzeIncludingSuppressed(Compilation compilation)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: true);
        return compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LlmExtractAnalyzer()), options)
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult()
            .Where(d => d.Id.StartsWith("LLMX", StringComparison.Ordinal) || d.Id == "AD0001")
            .ToImmutableArray();
    }
}
