using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace StructuredOutput.Tests;

/// <summary>Valid answers of every supported shape parse to the values they hold, with no repairs.</summary>
public class ParserRoundTripTests
{
    private static readonly JsonSerializerOptions Camel = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    private static T ParseClean<T>(string json) where T : ILlmExtractable<T>
    {
        var result = LlmContract<T>.Parse(json);
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Empty(result.Repairs);
        return result.Value!;
    }

    [Fact]
    public void Scalars_round_trip()
    {
        var expected = new AllScalars("héllo \"quoted\" \n line", true, -42, 9_007_199_254_740_993L, 0.125, 12345.6789m, Color.Blue);
        var parsed = ParseClean<AllScalars>(JsonSerializer.Serialize(expected, Camel));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Integer_extremes_and_zero_fraction_integers_are_accepted()
    {
        var parsed = ParseClean<AllScalars>(
            """{"text":"","flag":false,"count":2147483647,"big":-9223372036854775808,"ratio":1e-3,"price":-0.5,"color":"Red"}""");
        Assert.Equal(int.MaxValue, parsed.Count);
        Assert.Equal(long.MinValue, parsed.Big);
        Assert.Equal(0.001, parsed.Ratio);

        var whole = ParseClean<AllScalars>(
            """{"text":"x","flag":true,"count":3.0,"big":4.000,"ratio":1,"price":2,"color":"Green"}""");
        Assert.Equal(3, whole.Count);
        Assert.Equal(4L, whole.Big);
    }

    [Fact]
    public void Nullables_accept_null_and_values()
    {
        var allNull = ParseClean<Nullables>(
            """{"text":null,"flag":null,"count":null,"big":null,"ratio":null,"price":null,"color":null,"inner":null,"numbers":null}""");
        Assert.Equal(new Nullables(null, null, null, null, null, null, null, null, null), allNull);

        var values = ParseClean<Nullables>(
            """{"text":"t","flag":true,"count":1,"big":2,"ratio":3.5,"price":4.25,"color":"Green","inner":{"label":"a","value":7},"numbers":[1,2]}""");
        Assert.Equal("t", values.Text);
        Assert.True(values.Flag);
        Assert.Equal(1, values.Count);
        Assert.Equal(2L, values.Big);
        Assert.Equal(3.5, values.Ratio);
        Assert.Equal(4.25m, values.Price);
        Assert.Equal(Color.Green, values.Color);
        Assert.Equal(new Inner("a", 7), values.Inner);
        Assert.Equal(new[] { 1, 2 }, values.Numbers);
    }

    [Fact]
    public void Collections_of_every_kind_round_trip()
    {
        var expected = new Collections(
            new List<Inner> { new("a", 1), new("b", 2) },
            new[] { new Inner("c", 3) },
            new List<string> { "x", "y" },
            new List<int> { 4, 5, 6 },
            new List<List<int>> { new() { 1, 2 }, new(), new() { 3 } },
            new List<int?> { 1, null, 3 },
            new List<string?> { null, "n" },
            new[] { Color.Red, Color.Blue },
            new Person { Name = "Ada", Age = 36, Tags = new List<string> { "math" } });
        // The serializer also writes the computed Display property, which is not part of the contract.
        var node = JsonNode.Parse(JsonSerializer.Serialize(expected, Camel))!;
        node["person"]!.AsObject().Remove("display");
        string json = node.ToJsonString();
        var parsed = ParseClean<Collections>(json);

        // Records holding lists compare lists by reference, so compare the serialized forms.
        var reserialized = JsonNode.Parse(JsonSerializer.Serialize(parsed, Camel))!;
        reserialized["person"]!.AsObject().Remove("display");
        Assert.Equal(json, reserialized.ToJsonString());
        Assert.Equal("Ada (36)", parsed.Person.Display);
    }

    [Fact]
    public void Empty_collections_are_values()
    {
        var parsed = ParseClean<Collections>(
            """{"items":[],"array":[],"names":[],"numbers":[],"matrix":[],"sparse":[],"maybeNames":[],"colors":[],"person":{"name":"","age":0,"tags":[]}}""");
        Assert.Empty(parsed.Items);
        Assert.Empty(parsed.Array);
        Assert.Empty(parsed.Person.Tags);
    }

    [Fact]
    public void Settable_class_with_renamed_and_ignored_members()
    {
        var parsed = ParseClean<Profile>("""{"full_name":"Grace Hopper","age":85,"favourite":{"label":"cobol","value":1959}}""");
        Assert.Equal("Grace Hopper", parsed.FullName);
        Assert.Equal(85, parsed.Age);
        Assert.Equal("unset", parsed.Secret);
        Assert.Equal(new Inner("cobol", 1959), parsed.Favourite);
    }

    [Fact]
    public void Struct_root_and_member_order_do_not_matter()
    {
        Assert.Equal(new Point(3, -4), ParseClean<Point>("""{"y":-4,"x":3}"""));
    }

    [Fact]
    public void Recursive_types_parse_at_any_reasonable_depth()
    {
        var tree = ParseClean<TreeNode>(
            """{"label":"root","children":[{"label":"a","children":[{"label":"a1","children":[]}]},{"label":"b","children":[]}]}""");
        Assert.Equal("root", tree.Label);
        Assert.Equal(new[] { "a", "b" }, tree.Children.Select(c => c.Label));
        Assert.Equal("a1", tree.Children[0].Children[0].Label);
    }

    [Fact]
    public void Escaped_property_names_and_unicode_values_are_read()
    {
        var parsed = ParseClean<Point>("""{"\u0078":1,"y":2}""");
        Assert.Equal(new Point(1, 2), parsed);

        var text = ParseClean<ChatTurn>("""{"prompt":"emoji \ud83d\ude00 and \u00e9","answer":"日本語"}""");
        Assert.Equal("emoji 😀 and é", text.Prompt);
        Assert.Equal("日本語", text.Answer);
    }

    [Fact]
    public void Users_own_members_named_like_the_contract_keep_working()
    {
        Assert.Equal("mine", ChatTurn.JsonSchema);
        Assert.Equal(4, ChatTurn.Parse("abcd"));
        Assert.StartsWith("{", LlmContract<ChatTurn>.JsonSchema);
        Assert.Contains("prompt: string;", LlmContract<ChatTurn>.Prompt);
        Assert.Equal(new ChatTurn("p", "a"), LlmContract<ChatTurn>.Parse("""{"prompt":"p","answer":"a"}""").Value);
    }

    [Fact]
    public void Inherited_members_are_read_and_listed_base_first()
    {
        var customer = ParseClean<Customer>("""{"id":"c-1","email":"a@b.c"}""");
        Assert.Equal("c-1", customer.Id);
        Assert.Equal("a@b.c", customer.Email);
        Assert.Contains("type Customer = {\n id: string;\n email: string;\n};", LlmContract<Customer>.Prompt);

        var dog = ParseClean<Dog>("""{"name":"Rex","goodBoy":true}""");
        Assert.Equal(new Dog("Rex", true), dog);
        Assert.Equal("$.goodBoy", Assert.Single(LlmContract<Dog>.Parse("""{"name":"Rex"}""").Errors).Path);
    }
}
