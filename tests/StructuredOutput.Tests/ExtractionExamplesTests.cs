using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;
using StructuredOutput.Tests.TypeSpace;
using StructuredOutput.Tests.Writing;

namespace StructuredOutput.Tests;

/// <summary>
/// Few-shot examples: written by the generated writer, checked by the contract's own parser when created, and shown to
/// the model as system text (an answer alone) or as earlier exchanges (an input and its answer).
/// </summary>
public class ExtractionExamplesTests
{
    private static readonly TreeNode Small = new("root", [new TreeNode("leaf", [])]);

    [Fact]
    public void An_example_holds_the_JSON_of_the_generated_writer_and_its_input()
    {
        var answerOnly = new ExtractionExample<TreeNode>(Small);
        var exchange = new ExtractionExample<TreeNode>("root, with one leaf", Small);

        Assert.Null(answerOnly.Input);
        Assert.Equal("""{"label":"root","children":[{"label":"leaf","children":[]}]}""", answerOnly.Json);
        Assert.Equal("root, with one leaf", exchange.Input);
        Assert.Equal(answerOnly.Json, exchange.Json);
        Assert.Same(Small, exchange.Value);
    }

    [Fact]
    public void An_example_the_contracts_parser_would_reject_is_an_ArgumentException_naming_the_path()
    {
        var e = Assert.Throws<ArgumentException>(() => new ExtractionExample<Rating>(new Rating(7)));

        Assert.Equal("value", e.ParamName);
        Assert.StartsWith("The example Rating is not a valid answer: $.stars: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_example_with_no_JSON_form_is_an_ArgumentException_naming_the_path()
    {
        var value = new Measurement("s", new Dictionary<string, double> { ["t"] = double.NaN });

        var e = Assert.Throws<ArgumentException>(() => new ExtractionExample<Measurement>("t is NaN", value));

        Assert.StartsWith("The example Measurement cannot be written as JSON: $.values.t: NaN is not a finite number", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new ExtractionExample<Measurement>(null!, new Measurement("s", new())));
    }

    [Fact]
    public void No_examples_add_no_system_text_and_no_exchanges()
    {
        Assert.Null(ExtractionExamples.SystemText<TreeNode>(null));
        Assert.Null(ExtractionExamples.SystemText<TreeNode>([]));
        Assert.Empty(ExtractionExamples.Exchanges<TreeNode>(null));
        Assert.Empty(ExtractionExamples.Exchanges<TreeNode>([]));
    }

    [Fact]
    public void One_example_answer_goes_under_its_heading_in_the_system_text()
    {
        var example = new ExtractionExample<TreeNode>(Small);

        string? text = ExtractionExamples.SystemText<TreeNode>([example]);

        Assert.Equal(ExtractionExamples.OneHeading + "\n" + example.Json, text);
        Assert.Empty(ExtractionExamples.Exchanges<TreeNode>([example]));
    }

    [Fact]
    public void Several_example_answers_go_one_per_line_and_each_line_parses_as_the_contract()
    {
        var first = new ExtractionExample<TreeNode>(Small);
        var second = new ExtractionExample<TreeNode>(new TreeNode("a \"quoted\"\nlabel", []));

        string text = ExtractionExamples.SystemText<TreeNode>([first, second])!;

        string[] lines = text.Split('\n');
        Assert.Equal([ExtractionExamples.SeveralHeading, first.Json, second.Json], lines);
        Assert.All(lines.Skip(1), line => Assert.True(LlmContract<TreeNode>.Parse(line) is { IsSuccess: true, Repairs.Count: 0 }));
    }

    [Fact]
    public void Examples_with_an_input_become_exchanges_in_order_and_the_system_text_says_they_are_examples()
    {
        var answerOnly = new ExtractionExample<TreeNode>(Small);
        var first = new ExtractionExample<TreeNode>("first input", new TreeNode("one", []));
        var second = new ExtractionExample<TreeNode>("second input", new TreeNode("two", []));
        IList<ExtractionExample> examples = [first, answerOnly, second];

        List<ChatMessage> exchanges = ExtractionExamples.Exchanges<TreeNode>(examples);
        string text = ExtractionExamples.SystemText<TreeNode>(examples)!;

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant], exchanges.Select(m => m.Role));
        AssertDelimited("first input", exchanges[0].Text);
        Assert.Equal(first.Json, exchanges[1].Text);
        AssertDelimited("second input", exchanges[2].Text);
        Assert.Equal(second.Json, exchanges[3].Text);
        Assert.Equal(ExtractionExamples.OneHeading + "\n" + answerOnly.Json + "\n\n" + ExtractionExamples.ExchangesRule, text);
        Assert.Equal(ExtractionExamples.ExchangesRule, ExtractionExamples.SystemText<TreeNode>([first]));
    }

    [Fact]
    public void An_example_of_another_type_or_a_null_one_is_an_ArgumentException_naming_its_index()
    {
        IList<ExtractionExample> wrong = [new ExtractionExample<TreeNode>(Small), new ExtractionExample<Rating>(new Rating(3))];
        IList<ExtractionExample> withNull = [null!];

        var e = Assert.Throws<ArgumentException>(() => ExtractionExamples.SystemText<TreeNode>(wrong));
        Assert.StartsWith("ExtractOptions.Examples[1] is an example of Rating, not of TreeNode.", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ExtractionExamples.Exchanges<TreeNode>(wrong));
        var n = Assert.Throws<ArgumentException>(() => ExtractionExamples.Exchanges<TreeNode>(withNull));
        Assert.StartsWith("ExtractOptions.Examples[0] is null.", n.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Examples_are_an_option_of_the_extraction()
    {
        var options = new ExtractOptions { Examples = [new ExtractionExample<TreeNode>(Small)] };

        Assert.Equal(ExtractionExamples.OneHeading + "\n" + options.Examples[0].Json, ExtractionExamples.SystemText<TreeNode>(options.Examples));
        Assert.Null(new ExtractOptions().Examples);
    }

    // The example input is delimited exactly as the real input is: the boundary named, then the input between two lines of it.
    private static void AssertDelimited(string input, string message)
    {
        string[] lines = message.Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("The input is between the two boundary lines ", lines[0], StringComparison.Ordinal);
        Assert.Equal(lines[0].Substring("The input is between the two boundary lines ".Length).TrimEnd(':'), lines[1]);
        Assert.Equal(input, lines[2]);
        Assert.Equal(lines[1], lines[3]);
    }
}
