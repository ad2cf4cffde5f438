using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.CodeAnalysis;
using StructuredOutput.Generator.Emitting;
using StructuredOutput.Generator.Model;
using Dialect = StructuredOutput.Generator.Model.Dialect;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// Provider schema dialects: the one table (<see cref="SchemaDialects"/>) drives the emitted schemas, which these
/// tests walk keyword by keyword, and the diagnostics LLMX030 and LLMX031.
/// </summary>
public class DialectTests
{
    // A contract that touches every rewrite: null in each spelling, an optional member, formats, a shared nested type
    // (under $defs in the wire schema), a set, an exclusive bound, lengths, a pattern, allowed and denied values.
    public const string OrderSource = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;
        using StructuredOutput;

        namespace Shop;

        /// <summary>An order.</summary>
        /// <param name="Id">The order id.</param>
        /// <param name="Placed">When it was placed.</param>
        /// <param name="Due">The day it is due; null when not stated.</param>
        /// <param name="Customer">Who placed it.</param>
        /// <param name="ShipTo">Where it goes; null to the customer's address.</param>
        /// <param name="Tags">Labels.</param>
        /// <param name="Discount">The discount rate.</param>
        /// <param name="Code">A promotion code.</param>
        /// <param name="Priority">How urgent, 1 to 3.</param>
        /// <param name="Status">The status.</param>
        /// <param name="Reference">The payment reference.</param>
        /// <param name="Note">A remark.</param>
        /// <param name="Lines">How many lines; 1 when not stated.</param>
        [LlmExtract(Instructions = "Extract the order.", Dialects = [SchemaDialect.Gemini, SchemaDialect.Mistral])]
        public partial record Order(
            string Id,
            DateTimeOffset Placed,
            DateOnly? Due,
            Address Customer,
            Address? ShipTo,
            HashSet<string> Tags,
            [Range(0.0, 1.0, MinimumIsExclusive = true)] double Discount,
            [StringLength(12, MinimumLength = 4)][RegularExpression("[A-Z0-9]+")] string? Code,
            [AllowedValues(1, 2, 3)] int Priority,
            Status? Status,
            Guid Reference,
            [DeniedValues("n/a")] string Note,
            int Lines = 1);

        /// <summary>A postal address.</summary>
        /// <param name="Street">Street and number.</param>
        /// <param name="City">The city.</param>
        public record Address(string Street, string City);

        /// <summary>The state of an order.</summary>
        public enum Status { Open, Shipped }
        """;

    private static readonly Dialect[] Others = { Dialect.Gemini, Dialect.Mistral };

    [Fact]
    public void OrderInEachDialect()
    {
        var run = Harness.Run(OrderSource);
        Assert.Null(run.Exception);
        Assert.Empty(run.ContractDiagnostics);
        Assert.Empty(run.CompilationErrors);
        Snapshot.Verify(run.Sources);
    }

    [Fact]
    public void TheGeneratorsDialectsAreTheRuntimesByNameAndValue()
    {
        Assert.Equal(
            Enum.GetValues<SchemaDialect>().Select(d => ((int)d, d.ToString())),
            Enum.GetValues<Dialect>().Select(d => ((int)d, d.ToString())));
        Assert.Equal(Enum.GetValues<Dialect>(), SchemaDialects.All.Select(row => row.Dialect));
        Assert.All(SchemaDialects.All, row => Assert.Equal(row.Dialect.ToString(), row.Name));
    }

    [Fact]
    public void OpenAIsDialectIsTheStrictSchemaAndAnUnnamedDialectHasNone()
    {
        var run = Harness.Run(OrderSource.Replace("Dialects = [SchemaDialect.Gemini, SchemaDialect.Mistral]", "Dialects = [SchemaDialect.Mistral]"));
        using var assembly = LoadedAssembly.Load(run.Output);
        Assert.Equal(assembly.StrictJsonSchema("Shop.Order"), assembly.DialectJsonSchema("Shop.Order", SchemaDialect.OpenAI));
        Assert.NotNull(assembly.DialectJsonSchema("Shop.Order", SchemaDialect.Mistral));
        Assert.Null(assembly.DialectJsonSchema("Shop.Order", SchemaDialect.Gemini));
        Assert.Null(assembly.DialectJsonSchema("Shop.Order", (SchemaDialect)7));
    }

    public static TheoryData<string, string> Contracts()
    {
        var data = new TheoryData<string, string>();
        foreach (var dialect in Others)
        {
            data.Add(dialect.ToString(), nameof(OrderSource));
            data.Add(dialect.ToString(), nameof(SnapshotTests.RecipeSource));
            data.Add(dialect.ToString(), "Constraints");
        }

        return data;
    }

    // Every member type and constraint the generator knows, so that the walk below meets every keyword it can write.
    private const string ConstraintsSource = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;
        using StructuredOutput;

        namespace Every;

        [LlmExtract(Dialects = [SchemaDialect.Gemini, SchemaDialect.Mistral])]
        public partial class Sample
        {
            public char Letter { get; set; }
            public List<char?> Letters { get; set; } = new();
            public Uri Link { get; set; } = default!;
            public TimeSpan Took { get; set; }
            public TimeOnly At { get; set; }
            public DateTime When { get; set; }
            [EmailAddress] public string Mail { get; set; } = "";
            [Url] public string Site { get; set; } = "";
            [Required] public string Name { get; set; } = "";
            [Range(1, 10, MaximumIsExclusive = true)] public int Score { get; set; }
            [Range(0.0, 1.0, MinimumIsExclusive = true)] public double Rate { get; set; }
            [MinLength(1), MaxLength(5)] public List<ISet<int>> Groups { get; set; } = new();
            [AllowedValues(true)] public bool Agreed { get; set; }
            [AllowedValues("a", "b", null)] public string? Choice { get; set; }
            [DeniedValues(0)] public long Count { get; set; }
            public ulong Big { get; set; }
            public byte? Small { get; set; }
            public decimal? Money { get; set; }
            public Kind[] Kinds { get; set; } = [];
            public Kind? Maybe { get; set; }
            public Part? Optional { get; set; }
            public List<Part> Parts { get; set; } = new();
        }

        public enum Kind { A, B }

        public record Part(string Name, Part2? Inner, DateOnly Since, [MaxLength(3)] string Code);

        public record Part2(int Value);
        """;

    private static string Source(string name) => name switch
    {
        nameof(OrderSource) => OrderSource,
        nameof(SnapshotTests.RecipeSource) => SnapshotTests.RecipeSource.Replace("[LlmExtract]", "[LlmExtract(Dialects = [SchemaDialect.Gemini, SchemaDialect.Mistral])]"),
        _ => ConstraintsSource,
    };

    private static string RootType(string name) => name switch
    {
        nameof(OrderSource) => "Shop.Order",
        nameof(SnapshotTests.RecipeSource) => "Cooking.Recipe",
        _ => "Every.Sample",
    };

    [Theory]
    [MemberData(nameof(Contracts))]
    public void NoKeywordTheDialectRejectsAppearsAnywhereInItsSchema(string dialectName, string contract)
    {
        var dialect = Enum.Parse<Dialect>(dialectName);
        var row = SchemaDialects.Info(dialect);
        var run = Harness.Run(Source(contract));
        Assert.Empty(run.CompilationErrors);
        using var assembly = LoadedAssembly.Load(run.Output);
        string text = assembly.DialectJsonSchema(RootType(contract), (SchemaDialect)dialect)!;
        using var document = JsonDocument.Parse(text);

        var seen = new HashSet<string>();
        WalkSchema(document.RootElement, "$", row, seen);

        // The walk met keywords of each kind the table rewrites, so the check above is not vacuous.
        Assert.Contains("description", seen);
        Assert.Contains("properties", seen);
        if (row.NullableKeyword)
        {
            Assert.Contains("nullable", seen);
        }
    }

    // Every schema object at every depth: no rejected keyword (unless the table keeps its value), null spelled as the
    // dialect spells it, enum values of the kinds it accepts.
    private static void WalkSchema(JsonElement schema, string path, DialectInfo row, HashSet<string> seen)
    {
        Assert.Equal(JsonValueKind.Object, schema.ValueKind);
        foreach (var property in schema.EnumerateObject())
        {
            string keyword = property.Name;
            seen.Add(keyword);
            string at = path + "." + keyword;
            var rule = row.RuleOf(keyword);
            bool kept = rule is null || (keyword == "format" && row.Keeps(property.Value.GetString()!));
            Assert.True(kept, $"{row.Name} rejects '{keyword}', found at {at}: {schema}");
            switch (keyword)
            {
                case "properties":
                    foreach (var member in property.Value.EnumerateObject())
                    {
                        WalkSchema(member.Value, at + "." + member.Name, row, seen);
                    }

                    break;
                case "items" or "not" or "additionalProperties" when property.Value.ValueKind == JsonValueKind.Object:
                    WalkSchema(property.Value, at, row, seen);
                    break;
                case "anyOf":
                    foreach (var branch in property.Value.EnumerateArray())
                    {
                        Assert.False(row.NullableKeyword && branch.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null", $"{row.Name} states null as nullable, found a null branch at {at}");
                        WalkSchema(branch, at, row, seen);
                    }

                    break;
                case "type" when row.NullableKeyword:
                    Assert.Equal(JsonValueKind.String, property.Value.ValueKind);
                    Assert.NotEqual("null", property.Value.GetString());
                    break;
                case "enum":
                    foreach (var value in property.Value.EnumerateArray())
                    {
                        Assert.False(row.NullableKeyword && value.ValueKind == JsonValueKind.Null, $"{row.Name} states null as nullable, found null in an enum at {at}");
                        Assert.True(!row.StringEnumsOnly || value.ValueKind == JsonValueKind.String, $"{row.Name} lists strings only, found {value} at {at}");
                    }

                    break;
                case "$defs":
                    foreach (var definition in property.Value.EnumerateObject())
                    {
                        WalkSchema(definition.Value, at + "." + definition.Name, row, seen);
                    }

                    break;
            }
        }
    }

    [Fact]
    public void TheConstraintsContractMeetsEveryKeywordTheTableNames()
    {
        // The wire schema of the constraints contract holds every keyword of every row, so that the walk above
        // checks each rule against real output.
        // (Gemini cannot express the dictionary; Mistral can.)
        var run = Harness.Run(ConstraintsSource.Replace("SchemaDialect.Gemini, ", string.Empty).Replace("public List<Part> Parts", "public Dictionary<string, Part> ByName { get; set; } = new();\n    public Part? Again { get; set; }\n    public List<Part> Parts"));
        using var assembly = LoadedAssembly.Load(run.Output);
        string plain = assembly.JsonSchema("Every.Sample");
        foreach (var row in SchemaDialects.All)
        {
            foreach (var keyword in row.Keywords.Select(k => k.Keyword).Where(k => k is not ("$id" or "const" or "multipleOf")))
            {
                Assert.Contains("\"" + keyword + "\"", plain, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void GeminiInlinesSharedTypesAndStatesNullAsNullable()
    {
        var run = Harness.Run(OrderSource);
        using var assembly = LoadedAssembly.Load(run.Output);
        using var wire = JsonDocument.Parse(assembly.DialectJsonSchema("Shop.Order", SchemaDialect.Mistral)!);
        using var gemini = JsonDocument.Parse(assembly.DialectJsonSchema("Shop.Order", SchemaDialect.Gemini)!);

        // Mistral keeps $defs; Gemini writes the shared address out at both members, with its own description each.
        Assert.True(wire.RootElement.TryGetProperty("$defs", out _));
        var properties = gemini.RootElement.GetProperty("properties");
        var customer = properties.GetProperty("customer");
        var shipTo = properties.GetProperty("shipTo");
        Assert.Equal("object", customer.GetProperty("type").GetString());
        Assert.Equal("Who placed it.", customer.GetProperty("description").GetString());
        Assert.False(customer.TryGetProperty("nullable", out _));
        Assert.Equal("object", shipTo.GetProperty("type").GetString());
        Assert.True(shipTo.GetProperty("nullable").GetBoolean());
        Assert.Equal("Where it goes; null to the customer's address.", shipTo.GetProperty("description").GetString());
        Assert.Equal(new[] { "street", "city" }, customer.GetProperty("required").EnumerateArray().Select(e => e.GetString()));

        // Every property required (the strict shape); the optional one nullable, null meaning its default.
        Assert.Equal(properties.EnumerateObject().Select(p => p.Name), gemini.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var lines = properties.GetProperty("lines");
        Assert.Equal("integer", lines.GetProperty("type").GetString());
        Assert.True(lines.GetProperty("nullable").GetBoolean());
        Assert.Contains("Null means the default, 1.", lines.GetProperty("description").GetString(), StringComparison.Ordinal);

        // What Gemini rejects is stated in words; what it accepts stays a keyword.
        Assert.Equal("date-time", properties.GetProperty("placed").GetProperty("format").GetString());
        Assert.Contains("A date, YYYY-MM-DD.", properties.GetProperty("due").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("Greater than 0.", properties.GetProperty("discount").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, properties.GetProperty("discount").GetProperty("maximum").GetInt32());
        Assert.Contains("Items must be unique.", properties.GetProperty("tags").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("One of 1, 2, 3.", properties.GetProperty("priority").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("Must not be \"n/a\".", properties.GetProperty("note").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(new[] { "Open", "Shipped" }, properties.GetProperty("status").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.True(properties.GetProperty("status").GetProperty("nullable").GetBoolean());
        Assert.Equal(4, properties.GetProperty("code").GetProperty("minLength").GetInt32());
    }

    [Fact]
    public void MistralStatesFormatsLengthsAndPatternsInWords()
    {
        var run = Harness.Run(OrderSource);
        using var assembly = LoadedAssembly.Load(run.Output);
        using var mistral = JsonDocument.Parse(assembly.DialectJsonSchema("Shop.Order", SchemaDialect.Mistral)!);
        var properties = mistral.RootElement.GetProperty("properties");
        var code = properties.GetProperty("code");
        Assert.Equal(new[] { "string", "null" }, code.GetProperty("type").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("A promotion code. 4 to 12 characters. Matches the regular expression ^(?:[A-Z0-9]+)$.", code.GetProperty("description").GetString());
        Assert.Equal("When it was placed. A date and time, ISO 8601 (2024-05-01T14:30:00Z).", properties.GetProperty("placed").GetProperty("description").GetString());
        Assert.Contains("A UUID.", properties.GetProperty("reference").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, properties.GetProperty("discount").GetProperty("exclusiveMinimum").GetInt32());
        Assert.True(properties.GetProperty("tags").GetProperty("uniqueItems").GetBoolean());
    }

    public static TheoryData<string> ValidatorDialects() => new() { nameof(SchemaDialect.OpenAI), nameof(SchemaDialect.Mistral), nameof(SchemaDialect.Gemini) };

    // Answers the generated reader accepts, without and with nulls.
    private const string ValidAnswer = """
        {"id":"A-1","placed":"2026-03-02T10:00:00+01:00","due":"2026-03-09","customer":{"street":"1 Main St","city":"Lyon"},
         "shipTo":{"street":"2 Side St","city":"Paris"},"tags":["gift","fragile"],"discount":0.1,"code":"SPRING26","priority":2,
         "status":"Open","reference":"0b8f6c9e-2f7a-4c1e-9d3b-7a5e6f4d3c2b","note":"ring twice","lines":3}
        """;

    private const string ValidAnswerWithNulls = """
        {"id":"A-1","placed":"2026-03-02T10:00:00+01:00","due":null,"customer":{"street":"1 Main St","city":"Lyon"},
         "shipTo":null,"tags":[],"discount":0.5,"code":null,"priority":1,"status":null,
         "reference":"0b8f6c9e-2f7a-4c1e-9d3b-7a5e6f4d3c2b","note":"","lines":null}
        """;

    [Theory]
    [MemberData(nameof(ValidatorDialects))]
    public void AnIndependentValidatorAcceptsAValidAnswerAgainstEachDialectsSchema(string dialectName)
    {
        var dialect = Enum.Parse<SchemaDialect>(dialectName);
        var run = Harness.Run(OrderSource);
        using var assembly = LoadedAssembly.Load(run.Output);
        Assert.True(assembly.Parse("Shop.Order", ValidAnswer).IsSuccess);

        Assert.True(assembly.Parse("Shop.Order", ValidAnswerWithNulls).IsSuccess);

        // Gemini's schema is OpenAPI 3.0, where null is "nullable": read as JSON Schema, that is a type list (and null
        // among the enum values).
        string text = assembly.DialectJsonSchema("Shop.Order", dialect)!;
        var schema = JsonSchema.FromText(dialect == SchemaDialect.Gemini ? NullableAsTypeList(JsonNode.Parse(text)!).ToJsonString() : text);
        foreach (string valid in new[] { ValidAnswer, ValidAnswerWithNulls })
        {
            using var answer = JsonDocument.Parse(valid);
            var result = schema.Evaluate(answer.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, JsonSerializer.Serialize(result));
        }

        // And rejects one that breaks a kept keyword (a missing property, for every dialect).
        using var missing = JsonDocument.Parse(ValidAnswer.Replace("\"id\":\"A-1\",", string.Empty));
        Assert.False(schema.Evaluate(missing.RootElement).IsValid);
    }

    private static JsonNode NullableAsTypeList(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["nullable"] is JsonValue n && n.GetValue<bool>())
                {
                    o.Remove("nullable");
                    o["type"] = new JsonArray(JsonValue.Create(o["type"]!.GetValue<string>()), JsonValue.Create("null"));
                    if (o["enum"] is JsonArray values)
                    {
                        values.Add(null);
                    }
                }

                foreach (var property in o.ToList())
                {
                    if (property.Value is not null)
                    {
                        NullableAsTypeList(property.Value);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        NullableAsTypeList(item);
                    }
                }

                break;
        }

        return node;
    }

    [Theory]
    [InlineData("public Dictionary<string, int> Counts { get; set; } = new();", "Counts", "member 'Counts' of 'Sample': it is a dictionary")]
    [InlineData("public List<IReadOnlyDictionary<string, string>> Maps { get; set; } = new();", "Maps", "member 'Maps' of 'Sample': it is a dictionary")]
    [InlineData("public List<Sample> Children { get; set; } = new();", "Children", "member 'Children' of 'Sample': through it 'Sample' contains itself")]
    public void GeminiCannotExpressDictionariesNorRecursion(string member, string name, string expected)
    {
        string source = $$"""
            using System.Collections.Generic;
            using StructuredOutput;

            namespace Every;

            [LlmExtract(Dialects = [SchemaDialect.Gemini, SchemaDialect.Mistral])]
            public partial class Sample
            {
                /// <summary>The name.</summary>
                public string Name { get; set; } = "";

                /// <summary>The member under test.</summary>
                {{member}}
            }
            """;
        var run = Harness.Run(source, DocumentationMode.Parse);

        var diagnostic = Assert.Single(run.AnalyzerDiagnostics, d => d.Id == "LLMX030");
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        Assert.StartsWith("The Gemini schema cannot express " + expected, message, StringComparison.Ordinal);
        Assert.EndsWith("or remove SchemaDialect.Gemini from LlmExtract.Dialects", message, StringComparison.Ordinal);
        Assert.Equal(name, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Empty(run.Sources);

        // Mistral has both, so it alone is fine.
        var mistralOnly = Harness.Run(source.Replace("SchemaDialect.Gemini, ", string.Empty), DocumentationMode.Parse);
        Assert.DoesNotContain(mistralOnly.AnalyzerDiagnostics, d => d.Id == "LLMX030");
        Assert.Empty(mistralOnly.CompilationErrors);
        Assert.NotEmpty(mistralOnly.Sources);
    }

    [Fact]
    public void SharedTypesThatWouldRepeatWithoutBoundAreReportedAtTheRoot()
    {
        // Each level uses the next twice: 2^11 object schemas once written out.
        var levels = Enumerable.Range(0, 11).Select(i => $"public record L{i}(L{i + 1} A, L{i + 1} B);");
        string source = $$"""
            using StructuredOutput;

            namespace Deep;

            [LlmExtract(Dialects = [SchemaDialect.Gemini])]
            public partial record Root(L0 Top);

            {{string.Join("\n", levels)}}

            public record L11(string Leaf);
            """;
        var run = Harness.Run(source);

        var diagnostic = Assert.Single(run.AnalyzerDiagnostics, d => d.Id == "LLMX030");
        Assert.Contains("repeats 4096 object schemas, over the limit of 1000", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("Root", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Theory]
    [InlineData("Gemini", "public DateOnly Day { get; set; }", "'format: date'")]
    [InlineData("Gemini", "public HashSet<string> Tags { get; set; } = new();", "'uniqueItems'")]
    [InlineData("Gemini", "[Range(0.0, 1.0, MaximumIsExclusive = true)] public double Rate { get; set; }", "'exclusiveMaximum'")]
    [InlineData("Gemini", "[AllowedValues(1, 2)] public int Level { get; set; }", "'enum' of values that are not strings")]
    [InlineData("Gemini", "[DeniedValues(\"x\")] public string Code { get; set; } = \"\";", "'not'")]
    [InlineData("Mistral", "public Guid Id { get; set; }", "'format: uuid'")]
    [InlineData("Mistral", "public List<DateTime> Times { get; set; } = new();", "'format: date-time'")]
    [InlineData("Mistral", "[MaxLength(5)] public string Code { get; set; } = \"\";", "'maxLength'")]
    [InlineData("Mistral", "[RegularExpression(\"[a-z]+\")] public string Code { get; set; } = \"\";", "'pattern'")]
    public void WhatADialectStatesInWordsIsReportedAsInformation(string dialect, string member, string constraint)
    {
        string source = $$"""
            using System;
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using StructuredOutput;

            namespace Every;

            [LlmExtract(Dialects = [SchemaDialect.{{dialect}}])]
            public partial class Sample
            {
                /// <summary>The member under test.</summary>
                {{member}}
            }
            """;
        var run = Harness.Run(source, DocumentationMode.Parse);

        var diagnostic = Assert.Single(run.AnalyzerDiagnostics, d => d.Id == "LLMX031");
        Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
        string memberName = diagnostic.Location.SourceTree!.ToString().Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
        Assert.Equal(
            $"The {dialect} schema does not accept {constraint} on 'Sample.{memberName}': it is stated in the description instead, and the client still checks it (a violation is re-asked)",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void WhatADialectKeepsIsNotReported()
    {
        var run = Harness.Run("""
            using System;
            using System.ComponentModel.DataAnnotations;
            using StructuredOutput;

            namespace Every;

            /// <summary>A sample.</summary>
            /// <param name="When">When.</param>
            /// <param name="Code">A code.</param>
            /// <param name="Count">How many.</param>
            [LlmExtract(Dialects = [SchemaDialect.Gemini])]
            public partial record Sample(DateTime When, [StringLength(5)][RegularExpression("[a-z]+")] string? Code, [Range(1, 5)] int Count);
            """);
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id is "LLMX030" or "LLMX031");
    }
}

/// <summary>
/// The dialect rewrite works on schema keywords, not on the types that produced them: a union's <c>anyOf</c> with a
/// <c>const</c> discriminator, written by hand here, is rewritten by the same table.
/// </summary>
public class DialectRewriteTests
{
    private const string Union = """
        {"type":"object","properties":{"shape":{"anyOf":[{"$ref":"#/$defs/Circle"},{"$ref":"#/$defs/Square"},{"type":"null"}],"description":"The shape."},
        "version":{"type":"integer","const":2}},"required":["shape","version"],"additionalProperties":false,
        "$defs":{"Circle":{"type":"object","properties":{"kind":{"type":"string","const":"circle"},"radius":{"type":"number","exclusiveMinimum":0}},"required":["kind","radius"],"additionalProperties":false},
        "Square":{"type":"object","properties":{"kind":{"type":"string","const":"square"},"side":{"type":"number","format":"double"}},"required":["kind","side"],"additionalProperties":false}}}
        """;

    [Fact]
    public void GeminiInlinesUnionBranchesAndStatesTheDiscriminatorAsAOneValueEnum()
    {
        using var gemini = JsonDocument.Parse(DialectSchemaEmitter.Rewrite(Union, Dialect.Gemini)!);
        var root = gemini.RootElement;
        Assert.False(root.TryGetProperty("$defs", out _));
        Assert.False(root.TryGetProperty("additionalProperties", out _));

        var shape = root.GetProperty("properties").GetProperty("shape");
        Assert.True(shape.GetProperty("nullable").GetBoolean());
        Assert.Equal("The shape.", shape.GetProperty("description").GetString());
        var branches = shape.GetProperty("anyOf").EnumerateArray().ToList();
        Assert.Equal(2, branches.Count);
        Assert.Equal(new[] { "circle" }, branches[0].GetProperty("properties").GetProperty("kind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(new[] { "square" }, branches[1].GetProperty("properties").GetProperty("kind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Greater than 0.", branches[0].GetProperty("properties").GetProperty("radius").GetProperty("description").GetString());
        Assert.Equal("Format: double.", branches[1].GetProperty("properties").GetProperty("side").GetProperty("description").GetString());

        // A const that is not a string cannot be a Gemini enum: it is stated in words.
        var version = root.GetProperty("properties").GetProperty("version");
        Assert.False(version.TryGetProperty("const", out _));
        Assert.False(version.TryGetProperty("enum", out _));
        Assert.Equal("Must be 2.", version.GetProperty("description").GetString());
    }

    [Fact]
    public void MistralKeepsTheUnionAsItIsButForTheFormat()
    {
        string mistral = DialectSchemaEmitter.Rewrite(Union, Dialect.Mistral)!;
        var expected = JsonNode.Parse(Union)!;
        var side = expected["$defs"]!["Square"]!["properties"]!["side"]!.AsObject();
        side.Remove("format");
        side["description"] = "Format: double.";
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(mistral)), mistral);
    }

    [Fact]
    public void ARecursiveReferenceCannotBeInlined()
    {
        const string tree = """{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#"}}},"required":["children"],"additionalProperties":false}""";
        Assert.Null(DialectSchemaEmitter.Rewrite(tree, Dialect.Gemini));
        Assert.Equal(tree, DialectSchemaEmitter.Rewrite(tree, Dialect.Mistral));
    }
}
