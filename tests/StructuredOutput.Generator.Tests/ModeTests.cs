using System;
using System.Linq;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// The attribute's <c>Mode</c> reaches the generated contract by its number (the generator does not reference the
/// runtime), and the instructions are kept for tool-call mode's function description.
/// </summary>
public class ModeTests
{
    [Theory]
    [InlineData("", "global::StructuredOutput.ExtractionMode.JsonObject")]
    [InlineData("Mode = ExtractionMode.JsonObject", "global::StructuredOutput.ExtractionMode.JsonObject")]
    [InlineData("Mode = ExtractionMode.StrictJsonSchema", "global::StructuredOutput.ExtractionMode.StrictJsonSchema")]
    [InlineData("Mode = ExtractionMode.ToolCall", "global::StructuredOutput.ExtractionMode.ToolCall")]
    [InlineData("Mode = ExtractionMode.PromptOnly", "global::StructuredOutput.ExtractionMode.PromptOnly")]
    [InlineData("Mode = (ExtractionMode)9", "(global::StructuredOutput.ExtractionMode)(9)")]
    [InlineData("Mode = (ExtractionMode)(-1)", "(global::StructuredOutput.ExtractionMode)(-1)")]
    public void TheModeIsEmittedAsTheRuntimesMemberOfTheSameNumber(string argument, string expected)
    {
        var run = Harness.Run($$"""
            using StructuredOutput;

            namespace Modes;

            [LlmExtract({{argument}})]
            public partial record Point(int X, int Y);
            """).AssertCompilesCleanly();

        string file = run.Sources.Values.Single();
        Assert.Contains($"ILlmExtractable<global::Modes.Point>.Mode => {expected};", file, StringComparison.Ordinal);
        Assert.Contains("ILlmExtractable<global::Modes.Point>.Instructions => null;", file, StringComparison.Ordinal);
    }

    [Fact]
    public void TheInstructionsAreAConstantBesideThePrompt()
    {
        var run = Harness.Run("""
            using StructuredOutput;

            namespace Modes;

            [LlmExtract(Mode = ExtractionMode.ToolCall, Instructions = "Extract the point.")]
            public partial record Point(int X, int Y);
            """).AssertCompilesCleanly();

        string file = run.Sources.Values.Single();
        Assert.Contains("ILlmExtractable<global::Modes.Point>.Instructions => global::Modes.__Point_LlmContract.Instructions;", file, StringComparison.Ordinal);
        Assert.Contains("public const string Instructions = \"Extract the point.\";", file, StringComparison.Ordinal);
    }
}
