using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Tests.TypeSpace;

/// <summary>DataAnnotations attributes and IValidatableObject: schema keywords, generated checks, and re-asks.</summary>
public class ValidationTests
{
    private const string Valid = """
        {"stars":5,"ratio":0.5,"price":999.99,"code":"AB","tags":["a"],"pair":[1,2],"currency":"EUR","email":"a@b.c",
         "homepage":"https://example.com","status":"draft","nonZero":3,"title":"T","primary":"Neon","mustHave":"x","maybeInRange":null}
        """;

    private static string Answer(string replace = "", string with = "") =>
        replace.Length == 0 ? Valid : Valid.Replace(replace, with, StringComparison.Ordinal);

    [Fact]
    public void A_value_within_every_constraint_passes()
    {
        var result = LlmContract<Constrained>.Parse(Answer());
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Equal(999.99m, result.Value!.Price);
        Assert.True(TypeSpaceTests.Validate<Constrained>(Answer()));
    }

    [Theory]
    [InlineData("\"stars\":5", "\"stars\":6", "$.stars", "expected a number from 1 to 5, found 6")]
    [InlineData("\"stars\":5", "\"stars\":0", "$.stars", "expected a number from 1 to 5, found 0")]
    [InlineData("\"ratio\":0.5", "\"ratio\":0", "$.ratio", "expected a number greater than 0 and at most 1, found 0")]
    [InlineData("999.99", "1000", "$.price", "expected a number from 0.01 to 999.99, found 1000")]
    [InlineData("\"code\":\"AB\"", "\"code\":\"A\"", "$.code", "expected 2 to 10 characters, found 1 (\"A\")")]
    [InlineData("\"code\":\"AB\"", "\"code\":\"ABCDEFGHIJK\"", "$.code", "expected 2 to 10 characters, found 11")]
    [InlineData("\"tags\":[\"a\"]", "\"tags\":[]", "$.tags", "expected 1 to 3 items, found 0")]
    [InlineData("\"tags\":[\"a\"]", "\"tags\":[\"a\",\"b\",\"c\",\"d\"]", "$.tags", "expected 1 to 3 items, found 4")]
    [InlineData("\"pair\":[1,2]", "\"pair\":[1]", "$.pair", "expected exactly 2 items, found 1")]
    [InlineData("\"currency\":\"EUR\"", "\"currency\":\"EURO\"", "$.currency", "expected a string matching the pattern [A-Z]{3}, found \"EURO\"")]
    [InlineData("\"currency\":\"EUR\"", "\"currency\":\"eur\"", "$.currency", "matching the pattern")]
    [InlineData("\"email\":\"a@b.c\"", "\"email\":\"nobody\"", "$.email", "expected an e-mail address")]
    [InlineData("\"homepage\":\"https://example.com\"", "\"homepage\":\"example.com\"", "$.homepage", "expected an http, https or ftp URL")]
    [InlineData("\"status\":\"draft\"", "\"status\":\"done\"", "$.status", "expected one of [\"draft\", \"final\"], found \"done\"")]
    [InlineData("\"nonZero\":3", "\"nonZero\":0", "$.nonZero", "expected a value other than [0], found 0")]
    [InlineData("\"title\":\"T\"", "\"title\":\"  \"", "$.title", "expected a non-empty string")]
    [InlineData("\"primary\":\"Neon\"", "\"primary\":\"dark-ish\"", "$.primary", "expected one of [\"Light\", \"Neon\"], found Dark")]
    [InlineData("\"maybeInRange\":null", "\"maybeInRange\":21", "$.maybeInRange", "expected a number from 10 to 20, found 21")]
    public void A_broken_constraint_is_an_error_at_its_path(string good, string bad, string path, string message)
    {
        Assert.Contains(good, Answer());
        string answer = Answer(good, bad);
        var result = LlmContract<Constrained>.Parse(answer);
        Assert.False(result.IsSuccess);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(ExtractionErrorKind.ConstraintViolated, error.Kind);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Required_rejects_null_even_on_a_nullable_member()
    {
        var result = LlmContract<Constrained>.Parse(Answer("\"mustHave\":\"x\"", "\"mustHave\":null"));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("$.mustHave", ExtractionErrorKind.NullNotAllowed), (error.Path, error.Kind));
    }

    [Fact]
    public void Constraints_reach_the_schema_and_an_independent_validator_enforces_them()
    {
        using var doc = JsonDocument.Parse(LlmContract<Constrained>.JsonSchema);
        var p = doc.RootElement.GetProperty("properties");
        Assert.Equal("{\"type\":\"integer\",\"minimum\":1,\"maximum\":5}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("stars").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"number\",\"exclusiveMinimum\":0,\"maximum\":1}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("ratio").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"number\",\"minimum\":0.01,\"maximum\":999.99}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("price").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"string\",\"minLength\":2,\"maxLength\":10}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("code").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"array\",\"minItems\":1,\"maxItems\":3,\"items\":{\"type\":\"string\"}}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("tags").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"string\",\"pattern\":\"^(?:[A-Z]{3})$\"}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("currency").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"string\",\"description\":\"An e-mail address.\"}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("email").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"string\",\"description\":\"An http, https or ftp URL.\"}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("homepage").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"string\",\"enum\":[\"draft\",\"final\"]}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("status").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"integer\",\"minimum\":-2147483648,\"maximum\":2147483647,\"not\":{\"enum\":[0]}}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("nonZero").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"string\",\"minLength\":1,\"pattern\":\"\\\\S\"}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("title").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"string\",\"enum\":[\"Light\",\"Neon\"]}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("primary").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":\"string\",\"minLength\":1,\"pattern\":\"\\\\S\"}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("mustHave").GetRawText())!.ToJsonString());
        Assert.Equal("{\"type\":[\"integer\",\"null\"],\"minimum\":10,\"maximum\":20}", System.Text.Json.Nodes.JsonNode.Parse(p.GetProperty("maybeInRange").GetRawText())!.ToJsonString());

        foreach (var (good, bad) in new[]
        {
            ("\"stars\":5", "\"stars\":6"), ("\"ratio\":0.5", "\"ratio\":0"), ("\"code\":\"AB\"", "\"code\":\"A\""),
            ("\"tags\":[\"a\"]", "\"tags\":[]"), ("\"currency\":\"EUR\"", "\"currency\":\"EURO\""),
            ("\"status\":\"draft\"", "\"status\":\"done\""), ("\"nonZero\":3", "\"nonZero\":0"), ("\"title\":\"T\"", "\"title\":\" \""),
            ("\"primary\":\"Neon\"", "\"primary\":\"dark-ish\""), ("\"mustHave\":\"x\"", "\"mustHave\":null"),
        })
        {
            Assert.False(TypeSpaceTests.Validate<Constrained>(Answer(good, bad)), bad);
            Assert.False(LlmContract<Constrained>.Parse(Answer(good, bad)).IsSuccess, bad);
        }
    }

    [Fact]
    public void Constraints_are_stated_in_the_prompt()
    {
        string prompt = LlmContract<Constrained>.Prompt;
        Assert.Contains("stars: int; // 1 to 5", prompt);
        Assert.Contains("ratio: number; // > 0, <= 1", prompt);
        Assert.Contains("code: string; // 2-10 chars", prompt);
        Assert.Contains("tags: string[]; // 1-3 items", prompt);
        Assert.Contains("currency: string; // matches ^(?:[A-Z]{3})$", prompt);
        Assert.Contains("status: string; // one of \"draft\", \"final\"", prompt);
        Assert.Contains("nonZero: int; // not 0", prompt);
        Assert.Contains("title: string; // non-empty", prompt);
    }

    [Fact]
    public void Business_rules_of_IValidatableObject_become_errors_at_the_members_they_name()
    {
        var ok = LlmContract<CheckedInvoice>.Parse("""{"items":[{"description":"a","amount":2.5},{"description":"b","amount":1}],"total":3.5}""");
        Assert.True(ok.IsSuccess, string.Join("\n", ok.Errors));

        var wrong = LlmContract<CheckedInvoice>.Parse("""{"items":[{"description":"a","amount":2.5}],"total":3}""");
        var error = Assert.Single(wrong.Errors);
        Assert.Equal(("$.total", ExtractionErrorKind.RuleViolated, "total must equal the sum of line items"), (error.Path, error.Kind, error.Message));

        var empty = LlmContract<CheckedInvoice>.Parse("""{"items":[],"total":1}""");
        Assert.Equal(
            new[] { ("$.total", "total must equal the sum of line items"), ("$", "an invoice needs at least one line item") },
            empty.Errors.Select(e => (e.Path, e.Message)).ToArray());
    }

    [Fact]
    public async Task A_broken_business_rule_is_re_asked_with_its_message()
    {
        var client = new ScriptClient(
            """{"items":[{"description":"a","amount":2.5}],"total":3}""",
            """{"items":[{"description":"a","amount":2.5}],"total":2.5}""");
        var invoice = await client.ExtractAsync<CheckedInvoice>("Invoice: a 2.50, total 2.50");

        Assert.Equal(2.5m, invoice.Total);
        Assert.Equal(2, client.Requests.Count);
        string reask = client.Requests[1].Messages[^1].Text;
        Assert.Contains("- $.total: total must equal the sum of line items", reask);
    }

    [Fact]
    public void The_strict_schema_keeps_to_the_strict_subset()
    {
        var strict = JsonNode.Parse(LlmContract<StrictOrder>.StrictJsonSchema!)!.AsObject();
        Assert.False(strict.ContainsKey("$schema"));
        Assert.Equal("strict_order", LlmContract<StrictOrder>.SchemaName);
        Assert.Equal(ExtractionMode.StrictJsonSchema, LlmContract<StrictOrder>.Mode);

        foreach (var node in Objects(strict))
        {
            Assert.Equal("false", node["additionalProperties"]!.ToJsonString());
            var properties = node["properties"]!.AsObject().Select(p => p.Key).OrderBy(k => k);
            var required = node["required"]!.AsArray().Select(r => r!.GetValue<string>()).OrderBy(k => k);
            Assert.Equal(properties, required);
        }

        var p = strict["properties"]!;
        Assert.Equal("{\"type\":\"string\",\"description\":\"At most 20 characters.\"}", p["customer"]!.ToJsonString());
        Assert.Equal("{\"type\":\"integer\",\"minimum\":1,\"maximum\":100}", p["quantity"]!.ToJsonString());
        Assert.Equal("{\"type\":\"array\",\"description\":\"Items must be unique.\",\"items\":{\"type\":\"string\"}}", p["labels"]!.ToJsonString());
        Assert.Equal("{\"type\":[\"integer\",\"null\"],\"description\":\"Null means the default, 2.\",\"minimum\":-2147483648,\"maximum\":2147483647}", p["priority"]!.ToJsonString());
        Assert.Equal("{\"$ref\":\"#/$defs/StrictNode\"}", p["root"]!.ToJsonString());
        foreach (string keyword in new[] { "minLength", "maxLength", "uniqueItems", "\"not\"", "\"default\"", "\"format\":\"uri\"" })
        {
            Assert.DoesNotContain(keyword, LlmContract<StrictOrder>.StrictJsonSchema!);
        }

        // The client still enforces what the strict schema only states, and a strict answer's null means the default.
        var tooLong = LlmContract<StrictOrder>.Parse("""{"id":"1","customer":"ABCDEFGHIJKLMNOPQRSTUVWXYZ","quantity":1,"labels":[],"root":{"label":"r","children":[]},"note":null,"priority":null}""");
        Assert.Equal("$.customer", Assert.Single(tooLong.Errors).Path);
        var ok = LlmContract<StrictOrder>.Parse("""{"id":"1","customer":"c","quantity":1,"labels":[],"root":{"label":"r","children":[{"label":"s","children":[]}]},"note":null,"priority":null}""");
        Assert.Equal(2, ok.Value!.Priority);
        Assert.True(TypeSpaceTests.Validate<StrictOrder>("""{"id":"1","customer":"c","quantity":1,"labels":[],"root":{"label":"r","children":[]},"note":null,"priority":null}""", strict: true));
    }

    [Fact]
    public async Task Strict_mode_sends_the_strict_schema_and_a_type_with_a_dictionary_says_why_it_cannot()
    {
        var client = new ScriptClient("""{"id":"1","customer":"c","quantity":1,"labels":[],"root":{"label":"r","children":[]},"note":null,"priority":null}""");
        await client.ExtractAsync<StrictOrder>("order 1");
        var format = Assert.IsType<ChatResponseFormatJson>(client.Requests[0].Options!.ResponseFormat);
        Assert.Equal("strict_order", format.SchemaName);
        Assert.Equal(LlmContract<StrictOrder>.StrictJsonSchema, format.Schema!.Value.GetRawText());
        Assert.Equal(true, client.Requests[0].Options!.AdditionalProperties!["strict"]);

        // The option overrides the attribute both ways.
        var plain = new ScriptClient("""{"id":"1","customer":"c","quantity":1,"labels":[],"root":{"label":"r","children":[]},"note":null}""");
        await plain.ExtractAsync<StrictOrder>("order 1", new ExtractOptions { Mode = ExtractionMode.JsonObject });
        Assert.Same(ChatResponseFormat.Json, plain.Requests[0].Options!.ResponseFormat);

        Assert.Null(LlmContract<WithMap>.StrictJsonSchema);
        var mapClient = new ScriptClient("""{"counts":{}}""");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => mapClient.ExtractAsync<WithMap>("x", new ExtractOptions { Mode = ExtractionMode.StrictJsonSchema }));
        Assert.Contains("dictionary", e.Message);
        Assert.Contains("LLMX013", e.Message);
        Assert.Empty(mapClient.Requests);
    }

    private static IEnumerable<JsonObject> Objects(JsonNode node)
    {
        if (node is JsonObject o)
        {
            if (o["type"]?.ToJsonString().Contains("object") == true && o.ContainsKey("properties"))
            {
                yield return o;
            }

            foreach (var child in o.Select(p => p.Value).Where(v => v is not null))
            {
                foreach (var inner in Objects(child!))
                {
                    yield return inner;
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a.Where(v => v is not null))
            {
                foreach (var inner in Objects(child!))
                {
                    yield return inner;
                }
            }
        }
    }

    private sealed record Request(List<ChatMessage> Messages, ChatOptions? Options);

    /// <summary>Answers each request with the next scripted text.</summary>
    private sealed class ScriptClient(params string[] answers) : IChatClient
    {
        private readonly Queue<string> _answers = new(answers);

        public List<Request> Requests { get; } = new();

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Requests.Add(new Request(messages.ToList(), options));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, _answers.Dequeue())) { FinishReason = ChatFinishReason.Stop });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            throw new NotSupportedException();
#pragma warning disable CS0162
            yield break;
#pragma warning restore CS0162
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
