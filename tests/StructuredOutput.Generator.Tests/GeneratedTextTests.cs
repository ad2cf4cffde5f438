using System;
using System.Linq;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// The schema and the prompt are written as raw string literals a reader can follow (the schema indented, the prompt
/// line by line) where the compilation's C# has them, and as escaped literals before C# 11; either way the values are
/// the same, with <c>\n</c> line breaks.
/// </summary>
public class GeneratedTextTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.ComponentModel;
        using StructuredOutput;

        namespace Text;

        /// <summary>A "quoted" recipe.</summary>
        [LlmExtract(Instructions = "Extract the recipe.\nQuotes: \"\"\" and \"\"\"\" stay as written.")]
        public partial record Recipe(
            [property: Description("The \"name\", as printed.")] string Name,
            List<string> Steps,
            int? Servings = 2);
        """;

    [Fact]
    public void CSharp11AndLaterGetRawStringsThatReadAsTheValue()
    {
        var run = Run(LanguageVersion.CSharp11, Source);
        run.AssertCompilesCleanly();
        string file = run.Sources.Values.Single();

        // Four quotes in a row in the prompt: its literal is delimited by five.
        Assert.Contains("public const string Prompt = \"\"\"\"\"\n", file, StringComparison.Ordinal);
        Assert.Contains("public const string JsonSchema = \"\"\"\n        {\n          \"$schema\"", file, StringComparison.Ordinal);
        Assert.Contains("        Extract the recipe.\n        Quotes: \"\"\" and \"\"\"\" stay as written.\n", file, StringComparison.Ordinal);

        using var assembly = LoadedAssembly.Load(run.Output);
        string prompt = assembly.Prompt("Text.Recipe");
        Assert.StartsWith("Extract the recipe.\nQuotes: \"\"\" and \"\"\"\" stay as written.\n\nAnswer with one JSON object", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", prompt, StringComparison.Ordinal);
        Assert.EndsWith("};", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void BeforeCSharp11TheSameValuesAreEscapedLiterals()
    {
        var raw = Run(LanguageVersion.Latest, Source).AssertCompilesCleanly();
        var escaped = Run(LanguageVersion.CSharp10, Source);
        string file = escaped.Sources.Values.Single();
        Assert.DoesNotContain("\"\"\"", file, StringComparison.Ordinal);
        Assert.Contains("public const string Prompt = \"Extract the recipe.\\nQuotes: \\\"\\\"\\\"", file, StringComparison.Ordinal);

        // The rest of the generated code needs C# 11 (file-local types, UTF-8 literals), so the escaped file is compiled
        // as the latest C# here, only to compare its values with those of the raw file.
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        using var a = LoadedAssembly.Load(raw.Output);
        using var b = LoadedAssembly.Load(raw.Input.AddSyntaxTrees(CSharpSyntaxTree.ParseText(file, parse, path: "/gen/Escaped.g.cs")));
        Assert.Equal(a.Prompt("Text.Recipe"), b.Prompt("Text.Recipe"));
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(a.JsonSchema("Text.Recipe")).RootElement, JsonDocument.Parse(b.JsonSchema("Text.Recipe")).RootElement));
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(a.StrictJsonSchema("Text.Recipe")!).RootElement, JsonDocument.Parse(b.StrictJsonSchema("Text.Recipe")!).RootElement));
    }

    [Theory]
    [InlineData("Line one.\r\nLine two.")] // a carriage return: a raw string would read the file's line break instead
    [InlineData("Line one.\n   \nLine three.")] // a line of spaces, which a raw string would not keep
    [InlineData("Tab\tand bell \u0007 and a line separator \u2028.")]
    [InlineData("Emoji 😀 and a lone \ud800 surrogate.\nSecond line.")]
    public void TextARawStringCannotHoldFallsBackToAnEscapedLiteralWithTheSameValue(string instructions)
    {
        string source = "using StructuredOutput;\nnamespace Text;\n[LlmExtract(Instructions = " + SymbolDisplay.FormatLiteral(instructions, quote: true) + ")]\npublic partial record Note(string Body);\n";
        var run = Run(LanguageVersion.Latest, source).AssertCompilesCleanly();

        using var assembly = LoadedAssembly.Load(run.Output);
        Assert.StartsWith(instructions + "\n\nAnswer with one JSON object", assembly.Prompt("Text.Note"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSchemaIsIndentedJsonThatParsesToTheSameSchemaAsBefore()
    {
        var run = Run(LanguageVersion.Latest, Source).AssertCompilesCleanly();
        using var assembly = LoadedAssembly.Load(run.Output);
        string schema = assembly.JsonSchema("Text.Recipe");
        Assert.Contains("\n  \"type\": \"object\",\n", schema, StringComparison.Ordinal);
        Assert.Contains("\"required\": [\"name\", \"steps\"]", schema, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(schema);
        Assert.Equal("The \"name\", as printed.", document.RootElement.GetProperty("properties").GetProperty("name").GetProperty("description").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("properties").GetProperty("servings").GetProperty("default").GetInt32());
    }

    [Fact]
    public void ThePromptNoLongerEndsWithTheInputRuleAndStillNamesJson()
    {
        var run = Run(LanguageVersion.Latest, Source).AssertCompilesCleanly();
        using var assembly = LoadedAssembly.Load(run.Output);
        string prompt = assembly.Prompt("Text.Recipe");
        Assert.Contains("JSON", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("<document>", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("The input is", prompt, StringComparison.Ordinal);
    }

    private static GeneratorRun Run(LanguageVersion version, string source)
    {
        var compilation = Harness.Compile(DocumentationMode.Parse, source);
        var options = new CSharpParseOptions(version, DocumentationMode.Parse);
        compilation = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees[0], compilation.SyntaxTrees[0].WithRootAndOptions(compilation.SyntaxTrees[0].GetRoot(), options));
        return Harness.Run(compilation);
    }
}
