using System.Text.Json;
using Json.Schema;

namespace StructuredOutput.Tests;

/// <summary>The generated schemas, checked by an independent draft 2020-12 validator.</summary>
public class SchemaTests
{
    private static bool Valid<T>(string instance) where T : ILlmExtractable<T>
    {
        var schema = JsonSchema.FromText(LlmContract<T>.JsonSchema);
        using var doc = JsonDocument.Parse(instance);
        return schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List }).IsValid;
    }

    [Fact]
    public void Schemas_declare_draft_2020_12_and_close_every_object()
    {
        using var doc = JsonDocument.Parse(LlmContract<Collections>.JsonSchema);
        var root = doc.RootElement;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root.GetProperty("$schema").GetString());
        Assert.Equal("object", root.GetProperty("type").GetString());
        Assert.False(root.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(9, root.GetProperty("required").GetArrayLength());
        var person = root.GetProperty("properties").GetProperty("person");
        Assert.False(person.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(new[] { "name", "age", "tags" }, System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(person.GetProperty("required").EnumerateArray(), e => e.GetString())));
    }

    [Fact]
    public void Valid_values_pass_and_each_kind_of_violation_fails()
    {
        const string valid = """{"text":"t","flag":true,"count":1,"big":2,"ratio":0.5,"price":1.5,"color":"Red"}""";
        Assert.True(Valid<AllScalars>(valid));
        Assert.False(Valid<AllScalars>(valid.Replace("\"count\":1", "\"count\":1.5")));
        Assert.False(Valid<AllScalars>(valid.Replace("\"count\":1", "\"count\":2147483648")));
        Assert.False(Valid<AllScalars>(valid.Replace("\"Red\"", "\"Pink\"")));
        Assert.False(Valid<AllScalars>(valid.Replace("\"text\":\"t\",", string.Empty)));
        Assert.False(Valid<AllScalars>(valid.Replace("{", "{\"extra\":1,")));
        Assert.False(Valid<AllScalars>(valid.Replace("\"text\":\"t\"", "\"text\":null")));
    }

    [Fact]
    public void Nullable_members_accept_null_in_the_schema()
    {
        Assert.True(Valid<Nullables>(
            """{"text":null,"flag":null,"count":null,"big":null,"ratio":null,"price":null,"color":null,"inner":null,"numbers":null}"""));
        Assert.True(Valid<Nullables>(
            """{"text":"a","flag":true,"count":1,"big":1,"ratio":1,"price":1,"color":"Blue","inner":{"label":"l","value":1},"numbers":[1]}"""));
        Assert.False(Valid<Nullables>(
            """{"text":null,"flag":null,"count":null,"big":null,"ratio":null,"price":null,"color":null,"inner":{"label":null,"value":1},"numbers":null}"""));
    }

    [Fact]
    public void Recursive_types_validate_through_refs()
    {
        Assert.Contains("\"$ref\":\"#\"", System.Text.Json.Nodes.JsonNode.Parse(LlmContract<TreeNode>.JsonSchema)!.ToJsonString());
        Assert.True(Valid<TreeNode>("""{"label":"r","children":[{"label":"a","children":[]}]}"""));
        Assert.False(Valid<TreeNode>("""{"label":"r","children":[{"label":"a"}]}"""));
    }

    [Fact]
    public void Renamed_members_use_their_json_names_and_ignored_ones_are_absent()
    {
        string schema = System.Text.Json.Nodes.JsonNode.Parse(LlmContract<Profile>.JsonSchema)!.ToJsonString();
        Assert.Contains("\"full_name\"", schema);
        Assert.DoesNotContain("secret", schema, System.StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"description\":\"A settable class as the root.\"", schema);
    }

    [Fact]
    public void Descriptions_reach_schema_and_prompt()
    {
        Assert.Contains("Blue: Deep blue only.", LlmContract<AllScalars>.JsonSchema);
        string prompt = LlmContract<AllScalars>.Prompt;
        Assert.StartsWith("Extract the scalars.", prompt);
        Assert.Contains(" |\"Blue\"; // Deep blue only.", prompt);
        Assert.Contains("JSON", prompt);
        Assert.DoesNotContain("<document>", prompt); // the runtime delimits the input, not the contract's prompt
    }
}
