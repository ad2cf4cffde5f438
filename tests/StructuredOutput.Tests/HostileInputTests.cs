using System;
using System.Linq;
using System.Text.Json;
using StructuredOutput.Reading;

namespace StructuredOutput.Tests;

/// <summary>
/// Answers built to break a parser end in a clean <see cref="ExtractionError"/>: never a stack overflow, an
/// <see cref="OverflowException"/> or an allocation proportional to a huge input.
/// </summary>
public class HostileInputTests
{
    private const string TooDeep = "the JSON nests arrays and objects more than 64 levels deep";

    private static ExtractionError SingleError<T>(ParseResult<T> result)
    {
        Assert.False(result.IsSuccess);
        return Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData("{\"label\":\"r\",\"children\":", "[")] // strict JSON, unclosed
    [InlineData("{'label':'r','children':", "[")] // single quotes: read by the repair stage
    [InlineData("{label: ", "{a:")] // objects, unquoted keys
    [InlineData("{\"label\": ", "(")] // tuples
    public void A_hundred_thousand_nested_brackets_end_in_a_depth_error(string prefix, string opener)
    {
        string answer = prefix + string.Concat(Enumerable.Repeat(opener, 100_000));
        var error = SingleError(LlmContract<TreeNode>.Parse(answer));
        Assert.Equal((ExtractionErrorKind.TooDeep, "$", TooDeep), (error.Kind, error.Path, error.Message));
    }

    [Fact]
    public void Deep_but_closed_nesting_is_rejected_on_both_paths()
    {
        string strict = "{\"label\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
        Assert.Equal(ExtractionErrorKind.TooDeep, SingleError(LlmContract<TreeNode>.Parse(strict)).Kind);

        string lenient = "{'label':" + new string('[', 100_000) + new string(']', 100_000) + "}";
        Assert.Equal(ExtractionErrorKind.TooDeep, SingleError(LlmContract<TreeNode>.Parse(lenient)).Kind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_depth_limit_is_the_same_on_the_strict_and_the_repair_path(bool repair)
    {
        string Nest(int depth) => (repair ? "{'a':" : "{\"a\":") + new string('[', depth - 1) + "1" + new string(']', depth - 1) + "}";

        Assert.True(JsonAnswerParser.Parse<JsonElement>(Nest(64), TestReaders.Element, null).IsSuccess);
        var error = SingleError(JsonAnswerParser.Parse<JsonElement>(Nest(65), TestReaders.Element, null));
        Assert.Equal((ExtractionErrorKind.TooDeep, TooDeep), (error.Kind, error.Message));

        // Brackets inside a string are text, whatever the quotes.
        string inString = (repair ? "{'a':'" : "{\"a\":\"") + new string('[', 100) + (repair ? "'}" : "\"}");
        Assert.True(JsonAnswerParser.Parse<JsonElement>(inString, TestReaders.Element, null).IsSuccess);

        var shallow = new ParseOptions { MaxDepth = 3 };
        Assert.True(JsonAnswerParser.Parse<JsonElement>(Nest(3), TestReaders.Element, shallow).IsSuccess);
        var limited = SingleError(JsonAnswerParser.Parse<JsonElement>(Nest(4), TestReaders.Element, shallow));
        Assert.Equal((ExtractionErrorKind.TooDeep, "the JSON nests arrays and objects more than 3 levels deep"), (limited.Kind, limited.Message));
    }

    [Theory]
    [InlineData("{\"text\":\"")] // looks like JSON
    [InlineData("{'text': '")] // would need repairs
    [InlineData("")] // prose only
    public void A_fifty_megabyte_answer_is_rejected_before_it_is_read(string prefix)
    {
        // 25 million UTF-16 characters: 50 MB in memory.
        string answer = string.Create(25 * 1024 * 1024, prefix, (span, p) =>
        {
            p.AsSpan().CopyTo(span);
            span.Slice(p.Length).Fill('x');
        });
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = LlmContract<ChatTurn>.Parse(answer);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var error = SingleError(result);
        Assert.Equal((ExtractionErrorKind.TooLarge, "$"), (error.Kind, error.Path));
        Assert.StartsWith($"the answer is {answer.Length:N0} characters long, more than the 4,000,000 that are read", error.Message);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes for a rejected answer");
    }

    [Fact]
    public void The_length_limit_is_configurable_and_inclusive()
    {
        var options = new ParseOptions { MaxAnswerLength = 20 };
        Assert.True(JsonAnswerParser.Parse<JsonElement>("{\"a\":\"123456789012\"}", TestReaders.Element, options).IsSuccess); // 20
        var error = SingleError(JsonAnswerParser.Parse<JsonElement>("{\"a\":\"1234567890123\"}", TestReaders.Element, options)); // 21
        Assert.Equal(ExtractionErrorKind.TooLarge, error.Kind);
        Assert.StartsWith("the answer is 21 characters long, more than the 20 that are read", error.Message);
    }

    [Fact]
    public void Options_reject_limits_outside_their_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParseOptions { MaxDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParseOptions { MaxDepth = ParseOptions.MaxAllowedDepth + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParseOptions { MaxAnswerLength = 0 });
        Assert.Equal((64, 4_000_000, true), (ParseOptions.Default.MaxDepth, ParseOptions.Default.MaxAnswerLength, ParseOptions.Default.AllowRepairs));
    }

    [Theory]
    [InlineData("count", "an integer from -2147483648 to 2147483647")]
    [InlineData("big", "an integer from -9223372036854775808 to 9223372036854775807")]
    [InlineData("ratio", "a number within the range of a double")]
    [InlineData("price", "a number within the range of a decimal (±7.9e28)")]
    public void A_four_hundred_digit_number_is_out_of_range_for_every_numeric_member(string member, string expected)
    {
        foreach (string digits in new[] { new string('9', 400), "-" + new string('9', 400) })
        {
            foreach (string answer in new[]
            {
                Scalars(member, digits), // strict
                Scalars(member, digits).Replace("\"text\"", "text", StringComparison.Ordinal), // through the repair stage
            })
            {
                var error = SingleError(LlmContract<AllScalars>.Parse(answer));
                Assert.Equal(("$." + member, ExtractionErrorKind.OutOfRange), (error.Path, error.Kind));
                Assert.StartsWith($"expected {expected}, found {digits.Substring(0, 20)}", error.Message);
                Assert.True(error.Message.Length < 200, error.Message);
            }
        }
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("nan")]
    [InlineData("inf")]
    public void NaN_and_infinity_literals_are_rejected_at_their_path(string literal)
    {
        var error = SingleError(LlmContract<AllScalars>.Parse(Scalars("ratio", literal)));
        Assert.Equal(("$.ratio", ExtractionErrorKind.InvalidJson), (error.Path, error.Kind));
        Assert.Equal($"is not valid JSON: $.ratio is {literal}, which JSON does not allow; write a number or null", error.Message);
    }

    [Fact]
    public void Lone_surrogates_are_rejected_on_every_path()
    {
        // Raw, in otherwise strict JSON: the answer cannot be encoded.
        var raw = SingleError(LlmContract<ChatTurn>.Parse("{\"prompt\":\"a\ud800b\",\"answer\":\"c\"}"));
        Assert.Equal(ExtractionErrorKind.InvalidString, raw.Kind);

        // Raw, in text the repair stage reads: named at its path.
        var repaired = SingleError(LlmContract<ChatTurn>.Parse("{'prompt':'a\udc00b','answer':'c'"));
        Assert.Equal(("$.prompt", ExtractionErrorKind.InvalidString), (repaired.Path, repaired.Kind));
        Assert.Equal("holds an unpaired UTF-16 surrogate at line 1, column 13", repaired.Message);

        // Escaped, through the repair stage: the reader rejects the string.
        var escaped = SingleError(LlmContract<ChatTurn>.Parse("{'prompt':'\\ud800','answer':'c'}"));
        Assert.Equal(("$.prompt", ExtractionErrorKind.InvalidString), (escaped.Path, escaped.Kind));
    }

    [Theory]
    [InlineData("{\"x\":1,\"y\":2,\"x\":3}")]
    [InlineData("{x:1, y:2, x:3,}")]
    [InlineData("{'x':1,'y':2,'x':3}")]
    public void Duplicate_keys_are_an_error_on_both_paths(string answer)
    {
        var error = SingleError(LlmContract<Point>.Parse(answer));
        Assert.Equal(("$.x", ExtractionErrorKind.DuplicateProperty), (error.Path, error.Kind));
    }

    [Fact]
    public void Long_answers_full_of_ambiguity_end_with_an_answer_or_an_error()
    {
        // Many wrong closing brackets, each with two possible readings, and many broken strings: the work is bounded.
        string brackets = "{\"prompt\":[" + string.Concat(Enumerable.Repeat("{\"label\":\"a\",\"value\":1],", 20_000)) + "], \"answer\": \"b\"}";
        var wrongKind = SingleError(LlmContract<ChatTurn>.Parse(brackets));
        Assert.Equal(("$.prompt", ExtractionErrorKind.WrongKind), (wrongKind.Path, wrongKind.Kind));

        string quotes = "{'prompt':'" + string.Concat(Enumerable.Repeat("it's ", 50_000)) + "','answer':'x'}";
        var result = LlmContract<ChatTurn>.Parse(quotes);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(string.Concat(Enumerable.Repeat("it's ", 50_000)), result.Value!.Prompt);

        string comments = "{\"prompt\":\"a\"," + string.Concat(Enumerable.Repeat("// note\n", 100_000)) + "\"answer\":\"b\"}";
        var commented = LlmContract<ChatTurn>.Parse(comments);
        Assert.True(commented.IsSuccess, string.Join("; ", commented.Errors));
        Assert.Equal(51, commented.Repairs.Count);
        Assert.Equal("99950 more repairs are not listed.", commented.Repairs[^1]);
    }

    [Theory]
    [InlineData("{", ExtractionErrorKind.MultipleValues)] // a million unfinished openings: a second value
    [InlineData("[", ExtractionErrorKind.MultipleValues)]
    [InlineData("{x", null)] // a million templates without a colon: prose
    [InlineData("{ ", ExtractionErrorKind.MultipleValues)]
    public void A_million_brackets_after_the_object_end_in_one_verdict(string piece, ExtractionErrorKind? kind)
    {
        string answer = """{"x":1,"y":2}""" + "\n" + string.Concat(Enumerable.Repeat(piece, 1_000_000));
        foreach (bool repairs in new[] { false, true })
        {
            var result = LlmContract<Point>.Parse(answer, new ParseOptions { AllowRepairs = repairs });
            if (kind is null)
            {
                Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
                Assert.Contains("Ignored text after the JSON object.", result.Repairs);
            }
            else
            {
                Assert.Equal(kind, SingleError(result).Kind);
            }
        }
    }

    private static string Scalars(string member, string value)
    {
        string json = """{"text":"t","flag":true,"count":1,"big":2,"ratio":0.5,"price":1.5,"color":"Red"}""";
        return System.Text.RegularExpressions.Regex.Replace(json, $"\"{member}\":[^,}}]+", $"\"{member}\":{value}");
    }
}
