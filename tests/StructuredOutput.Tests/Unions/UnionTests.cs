using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace StructuredOutput.Tests.Unions;

/// <summary>Unions through the generated parser, schema and prompt: as a member, in lists, nested, in dictionaries.</summary>
public class UnionTests
{
    private const string Contact = """{"$type":"email","address":"a@b.c"}""";
    private const string Formula = """{"op":"num","value":1}""";

    private static string Drawing(string main, string shapes = "[]", string spare = "null", string formula = Formula, string contact = Contact) =>
        $$"""{"title":"t","main":{{main}},"shapes":{{shapes}},"spare":{{spare}},"formula":{{formula}},"contact":{{contact}}}""";

    [Theory]
    [InlineData("""{"kind":"circle","radius":2.5}""")]
    [InlineData("""{"radius":2.5,"kind":"circle"}""")]
    public void The_discriminator_may_stand_first_or_last(string circle)
    {
        var result = LlmContract<Drawing>.Parse(Drawing(circle));

        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Equal(new Circle(2.5), result.Value!.Main);
        Assert.Empty(result.Repairs);
    }

    [Fact]
    public void The_discriminator_may_stand_between_members_after_nested_values()
    {
        string square = """{"label":{"x":[1,{"kind":"circle"}]},"side":3,"kind":"square"}""";
        var result = LlmContract<Drawing>.Parse(Drawing("""{"side":3,"label":"L","kind":"square"}""", shapes: $"[{square}]"));

        Assert.False(result.IsSuccess); // the label of the listed square is an object, which holds a "kind" of its own
        var error = Assert.Single(result.Errors);
        Assert.Equal("$.shapes[0].label", error.Path);
        Assert.Equal(ExtractionErrorKind.WrongKind, error.Kind);
    }

    [Fact]
    public void A_missing_discriminator_is_reported_at_its_path_with_the_allowed_values()
    {
        var result = LlmContract<Drawing>.Parse(Drawing("""{"radius":2.5}"""));

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.main.kind", error.Path);
        Assert.Equal(ExtractionErrorKind.MissingProperty, error.Kind);
        Assert.Equal("is required but missing; expected one of \"circle\", \"square\", \"group\"", error.Message);
    }

    [Fact]
    public void An_unknown_discriminator_is_reported_with_the_allowed_values()
    {
        var result = LlmContract<Drawing>.Parse(Drawing("""{"kind":"circle","radius":1}""", shapes: """[{"kind":"circle","radius":1},{"kind":"triangle","sides":3}]"""));

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.shapes[1].kind", error.Path);
        Assert.Equal(ExtractionErrorKind.UnknownDiscriminator, error.Kind);
        Assert.Equal("expected one of \"circle\", \"square\", \"group\", found \"triangle\"", error.Message);
    }

    [Theory]
    [InlineData("""{"kind":1,"radius":1}""", ExtractionErrorKind.WrongKind, "$.main.kind", "expected one of \"circle\", \"square\", \"group\", found 1")]
    [InlineData("""{"kind":null,"radius":1}""", ExtractionErrorKind.NullNotAllowed, "$.main.kind", "found null")]
    [InlineData("null", ExtractionErrorKind.NullNotAllowed, "$.main", "expected an object, found null")]
    [InlineData("\"circle\"", ExtractionErrorKind.WrongKind, "$.main", "expected an object, found \"circle\"")]
    [InlineData("""{"kind":"circle","kind":"square","radius":1}""", ExtractionErrorKind.DuplicateProperty, "$.main.kind", "expected once per object")]
    [InlineData("""{"kind":"circle","radius":1001}""", ExtractionErrorKind.ConstraintViolated, "$.main.radius", "1000")]
    [InlineData("""{"kind":"circle","side":2,"label":null}""", ExtractionErrorKind.MissingProperty, "$.main.radius", "expected a number")]
    [InlineData("""{"kind":"square","side":-1,"label":null}""", ExtractionErrorKind.RuleViolated, "$.main.side", "side must be positive")]
    public void A_bad_union_value_is_a_typed_error_at_its_path(string main, ExtractionErrorKind kind, string path, string words)
    {
        var result = LlmContract<Drawing>.Parse(Drawing(main));

        var error = Assert.Single(result.Errors);
        Assert.Equal((kind, path), (error.Kind, error.Path));
        Assert.Contains(words, error.Message);
    }

    [Fact]
    public void A_discriminator_in_another_case_is_read_as_a_repair()
    {
        var result = LlmContract<Drawing>.Parse(Drawing("""{"kind":"Circle","radius":1}"""));

        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Equal(new Circle(1), result.Value!.Main);
        Assert.Equal("Read \"Circle\" at $.main.kind as the discriminator \"circle\" (the only one it matches ignoring case and punctuation).", Assert.Single(result.Repairs));
    }

    [Fact]
    public void Nested_unions_read_to_any_depth_and_report_deep_errors_by_path()
    {
        string group = """{"kind":"group","name":"g","items":[{"kind":"square","side":1,"label":null},{"items":[{"radius":5000,"kind":"circle"}],"name":"inner","kind":"group"}]}""";
        string formula = """{"op":"add","left":{"op":"neg","operand":{"value":2,"op":"num"}},"right":{"op":"num","value":3}}""";

        var ok = LlmContract<Drawing>.Parse(Drawing(group.Replace("5000", "5"), formula: formula));
        Assert.True(ok.IsSuccess, string.Join("\n", ok.Errors));
        var g = Assert.IsType<Group>(ok.Value!.Main);
        var inner = Assert.IsType<Group>(g.Items[1]);
        Assert.Equal(new Circle(5), Assert.Single(inner.Items));
        var add = Assert.IsType<Add>(ok.Value.Formula);
        Assert.Equal(new Num(2), Assert.IsType<Neg>(add.Left).Operand);
        Assert.Equal(new Num(3), add.Right);

        var bad = LlmContract<Drawing>.Parse(Drawing(group, formula: formula.Replace("\"op\":\"num\",\"value\":3", "\"op\":\"mul\",\"value\":3")));
        Assert.Equal(
            new[] { "$.main.items[1].items[0].radius", "$.formula.right.op" },
            bad.Errors.Select(e => e.Path).ToArray());
    }

    [Fact]
    public void Unions_read_as_list_elements_nullable_members_dictionary_values_and_with_the_default_discriminator()
    {
        string shapes = """[{"kind":"circle","radius":1},{"label":"x","kind":"square","side":2}]""";
        string contact = """{"number":"+1","hours":["9-5"],"$type":"phone"}""";
        var drawing = LlmContract<Drawing>.Parse(Drawing("""{"kind":"circle","radius":1}""", shapes, spare: """{"kind":"circle","radius":9}""", contact: contact));
        Assert.True(drawing.IsSuccess, string.Join("\n", drawing.Errors));
        Assert.Equal(new Shape[] { new Circle(1), new Square(2, "x") }, drawing.Value!.Shapes);
        Assert.Equal(new Circle(9), drawing.Value.Spare);
        var phone = Assert.IsType<PhoneContact>(drawing.Value.Contact);
        Assert.Equal(("+1", "9-5"), (phone.Number, Assert.Single(phone.Hours)));

        var catalog = LlmContract<Catalog>.Parse("""{"byName":{"a":{"kind":"circle","radius":1},"b":{"side":1,"kind":"square","label":null}},"steps":[null,{"op":"num","value":4}]}""");
        Assert.True(catalog.IsSuccess, string.Join("\n", catalog.Errors));
        Assert.Equal(new Square(1, null), catalog.Value!.ByName["b"]);
        Assert.Equal(new Expr?[] { null, new Num(4) }, catalog.Value.Steps);

        var wrong = LlmContract<Catalog>.Parse("""{"byName":{"a":{"radius":1}},"steps":[]}""");
        Assert.Equal("$.byName.a.kind", Assert.Single(wrong.Errors).Path);
    }

    [Fact]
    public void A_malformed_answer_is_repaired_and_then_dispatched_like_any_other()
    {
        string answer = "```json\n" + Drawing("{'radius': 2, 'kind': 'circle',}") + "\n```";
        var result = LlmContract<Drawing>.Parse(answer);

        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Equal(new Circle(2), result.Value!.Main);
        Assert.NotEmpty(result.Repairs);
        Assert.False(LlmContract<Drawing>.Parse(answer, new ParseOptions { AllowRepairs = false }).IsSuccess);
    }

    [Fact]
    public void The_schema_states_each_listed_type_with_its_discriminator_as_a_required_constant()
    {
        foreach (string text in new[] { LlmContract<Drawing>.JsonSchema, LlmContract<Drawing>.StrictJsonSchema! })
        {
            var schema = JsonNode.Parse(text)!;
            var shape = schema["$defs"]!["Shape"]!;
            var branches = shape["anyOf"]!.AsArray();
            Assert.Equal(new[] { "circle", "square", "group" }, branches.Select(b => (string)b!["properties"]!["kind"]!["const"]!).ToArray());
            foreach (var branch in branches)
            {
                Assert.Equal("string", (string)branch!["properties"]!["kind"]!["type"]!);
                Assert.Equal("kind", (string)branch["required"]![0]!);
                Assert.False((bool)branch["additionalProperties"]!);
            }

            Assert.Equal("#/$defs/Shape", (string)schema["properties"]!["shapes"]!["items"]!["$ref"]!);
            Assert.Equal("#/$defs/Shape", (string)branches[2]!["properties"]!["items"]!["items"]!["$ref"]!);
            Assert.Equal("#/$defs/Expr", (string)schema["properties"]!["formula"]!["$ref"]!);
            Assert.Equal("$type", (string)schema["properties"]!["contact"]!["anyOf"]![0]!["required"]![0]!);
        }

        Assert.Null(JsonNode.Parse(LlmContract<Drawing>.StrictJsonSchema!)!["anyOf"]); // an object at the root
        Assert.Null(LlmContract<Catalog>.StrictJsonSchema); // a dictionary, as for any object
    }

    [Fact]
    public void The_prompt_names_the_listed_types_and_spells_out_each_discriminator()
    {
        string prompt = LlmContract<Drawing>.Prompt;

        Assert.Contains("type Shape = Circle | Square | Group; // told apart by \"kind\"\n", prompt);
        Assert.Contains("type Circle = {\n kind: \"circle\";\n radius: number;", prompt);
        Assert.Contains("type Add = {\n op: \"add\";\n left: Expr;", prompt);
        Assert.Contains("type EmailContact = {\n $type: \"email\";\n address: string;", prompt);
        Assert.Contains(" spare: Shape|null;", prompt);
        Assert.Contains(" shapes: Shape[];", prompt);
    }
}
