using System;
using System.ClientModel;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// Schema dialects on the wire, through the official OpenAI SDK: the request carries the schema of the dialect
/// <see cref="ExtractOptions.Dialect"/> names. The fake server's Gemini-style path rejects what Gemini's schema
/// rejects, as the real endpoint does, so a passing request proves the dialect's schema is accepted there.
/// </summary>
public sealed class DialectWireTests : ServerTestBase
{
    private const string Text = "Delivery D-7 for Ada Lovelace on 2026-03-02, from Charles (no phone), tagged fragile.";
    private const string Good = """{"id":"D-7","day":"2026-03-02","recipient":{"name":"Ada Lovelace","phone":null},"sender":{"name":"Charles","phone":null},"tags":["fragile"],"attempts":null}""";

    [Fact]
    public async Task Gemini_rejects_the_OpenAI_schema_and_accepts_the_Gemini_one_on_every_attempt()
    {
        using var gemini = _server.CreateGeminiChatClient();

        // The OpenAI dialect (the default) carries $defs, $ref, additionalProperties and type lists: HTTP 400.
        var rejected = await Assert.ThrowsAsync<ClientResultException>(() => gemini.ExtractAsync<Delivery>(Text));
        Assert.Equal(400, rejected.Status);
        string message = (string)JsonNode.Parse(_server.LastResponseBody!)![0]!["error"]!["message"]!;
        Assert.Contains("Unknown name \"additionalProperties\" at 'generation_config.response_schema'", message, StringComparison.Ordinal);
        Assert.Contains("Unknown name \"$defs\"", message, StringComparison.Ordinal);
        Assert.Contains("generation_config.response_schema.properties[5].value.type", message, StringComparison.Ordinal);

        // The Gemini dialect passes, first request and re-ask alike.
        _server.EnqueueCompletion(Good.Replace("\"2026-03-02\"", "\"2 March\""));
        _server.EnqueueCompletion(Good);
        var result = await gemini.TryExtractAsync<Delivery>(Text, new ExtractOptions { Dialect = SchemaDialect.Gemini });

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(1, result.Value!.Attempts); // null in the strict shape means the default
        Assert.Equal(new DateOnly(2026, 3, 2), result.Value.Day);
        var requests = _server.Requests.Skip(1).ToList();
        Assert.Equal(2, requests.Count);
        var expected = JsonNode.Parse(LlmContract<Delivery>.GetJsonSchema(SchemaDialect.Gemini)!)!;
        foreach (var request in requests)
        {
            Assert.Equal("/v1beta/openai/chat/completions", request.Path);
            Assert.Empty(GeminiSchemaCheck.Problems(request.Json));
            var format = request.Json["response_format"]!;
            Assert.Equal("json_schema", (string?)format["type"]);
            Assert.Equal("Delivery", (string?)format["json_schema"]!["name"]);
            var sent = format["json_schema"]!["schema"]!;

            // Sent as generated: without "strict", Microsoft.Extensions.AI.OpenAI applies no strict transform of its own.
            Assert.Null(format["json_schema"]!["strict"]);
            Assert.True(JsonNode.DeepEquals(expected, sent), sent.ToJsonString());
            Assert.Equal(Keys(expected["properties"]!), Keys(sent["properties"]!));
            Assert.True((bool)sent["properties"]!["sender"]!["nullable"]!, sent.ToJsonString());
            Assert.Equal("object", (string?)sent["properties"]!["recipient"]!["type"]);
        }

        Assert.Contains("$.day", requests[1].Text(requests[1].Messages.Count - 1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_dialect_client_the_SDK_adapter_rewrites_the_Gemini_schema_into_one_Gemini_rejects()
    {
        using var gemini = _server.CreateGeminiChatClient(sendDialectSchemasAsGenerated: false);

        var rejected = await Assert.ThrowsAsync<ClientResultException>(() =>
            gemini.ExtractAsync<Delivery>(Text, new ExtractOptions { Dialect = SchemaDialect.Gemini }));

        Assert.Equal(400, rejected.Status);
        string message = (string)JsonNode.Parse(_server.LastResponseBody!)![0]!["error"]!["message"]!;
        Assert.Contains("Unknown name \"additionalProperties\" at 'generation_config.response_schema'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("$defs", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Mistral_dialect_sends_no_format()
    {
        _server.EnqueueCompletion(Good);

        using var mistral = new SchemaDialectChatClient(_client);
        var delivery = await mistral.ExtractAsync<Delivery>(Text, new ExtractOptions { Dialect = SchemaDialect.Mistral });

        Assert.Equal("D-7", delivery.Id);
        var format = Assert.Single(_server.Requests).Json["response_format"]!["json_schema"]!;
        Assert.True((bool?)format["strict"]);
        var sent = format["schema"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(LlmContract<Delivery>.GetJsonSchema(SchemaDialect.Mistral)!), sent), sent.ToJsonString());
        Assert.DoesNotContain("\"format\"", sent.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("$schema", sent.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("A date, YYYY-MM-DD.", (string)sent["properties"]!["day"]!["description"]!, StringComparison.Ordinal);
        Assert.NotNull(sent["$defs"]); // Mistral keeps references
    }

    [Fact]
    public async Task A_dialect_the_type_does_not_name_throws_before_any_request_and_says_what_to_set()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _client.ExtractAsync<Person>("Ada, 36", new ExtractOptions { Mode = ExtractionMode.StrictJsonSchema, Dialect = SchemaDialect.Gemini }));

        Assert.Contains("'Person' has no Gemini schema", error.Message, StringComparison.Ordinal);
        Assert.Contains("[LlmExtract(Dialects = [SchemaDialect.Gemini])]", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
        Assert.Null(LlmContract<Person>.GetJsonSchema(SchemaDialect.Gemini));
        Assert.Equal(LlmContract<Person>.StrictJsonSchema, LlmContract<Person>.GetJsonSchema(SchemaDialect.OpenAI));
    }

    private static string[] Keys(JsonNode node) => node.AsObject().Select(p => p.Key).ToArray();
}
