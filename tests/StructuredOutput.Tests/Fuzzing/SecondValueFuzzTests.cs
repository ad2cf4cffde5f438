using System;
using System.Text.Json;
using CsCheck;
using Xunit.Abstractions;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>
/// The rule for the text after the object, over generated answers: a valid object followed by any non-empty prefix of
/// another object's JSON (so complete, or cut off anywhere) is never accepted, whether repairs are allowed or not, and
/// whatever separates the two.
/// </summary>
public sealed class SecondValueFuzzTests
{
    private static readonly string[] Separators = ["", "\n", " ", "\n\n", ",\n", "\nAnd another one: ", "\n```\n", "}\n"];

    private readonly ITestOutputHelper _output;

    public SecondValueFuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void An_object_followed_by_the_start_of_another_is_never_accepted() =>
        Gen.Select(FuzzGen.Point, FuzzGen.Profile, Gen.OneOf(Separators), Gen.Double[0, 1], Gen.Bool)
            .Select((first, second, separator, cut, strict) =>
            {
                string next = JsonSerializer.Serialize(second, FuzzJsonContext.Default.Profile);
                int length = 1 + (int)(cut * (next.Length - 1));
                return (Answer: JsonSerializer.Serialize(first, FuzzJsonContext.Default.Point) + separator + next.Substring(0, length), Strict: strict);
            })
            .Sample(
                c =>
                {
                    var result = LlmContract<Point>.Parse(c.Answer, new ParseOptions { AllowRepairs = !c.Strict });
                    Assert.False(result.IsSuccess, $"accepted with repairs [{string.Join("; ", result.Repairs)}]");
                    Assert.Contains(result.Errors, e => e.Kind is ExtractionErrorKind.MultipleValues or ExtractionErrorKind.InvalidJson);
                },
                _output.WriteLine,
                iter: ParserFuzzTests.DefaultIterations,
                print: c => (c.Strict ? "strict: " : "lenient: ") + c.Answer);
}
