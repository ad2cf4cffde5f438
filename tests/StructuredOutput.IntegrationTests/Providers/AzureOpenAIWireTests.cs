using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using static StructuredOutput.IntegrationTests.Examples;

namespace StructuredOutput.IntegrationTests.Providers;

/// <summary>
/// The extractor through <c>Azure.AI.OpenAI</c> (<see cref="AzureOpenAIClient"/>, its chat client, then
/// Microsoft.Extensions.AI.OpenAI's <c>AsIChatClient</c>) against a server that speaks Azure OpenAI's deployment routes.
/// </summary>
public sealed class AzureOpenAIWireTests : ServerTestBase<AzureOpenAIServer>
{
    public AzureOpenAIWireTests()
        : base(AzureOpenAIServer.StartAsync, server => server.CreateChatClient("extractor-4o"))
    {
    }

    [Fact]
    public async Task An_extraction_goes_to_the_deployment_path_with_api_version_and_api_key()
    {
        _server.EnqueueCompletion(GoodAda, promptTokens: 120, completionTokens: 30);

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Person("Ada Lovelace", 36, "ada@example.org"), result.Value);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/openai/deployments/extractor-4o/chat/completions", request.Path);
        Assert.Matches("^\\?api-version=[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?$", request.Query);
        Assert.Equal(AzureOpenAIServer.ApiKey, request.Headers["api-key"]);
        Assert.Null(request.Authorization);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"json_object"}"""), request.Json["response_format"]), request.Raw);
        Assert.Equal(LlmContract<Person>.Prompt + "\n\n" + Wire.InputRule, request.Text(0));
        Assert.Equal(AdaText, Wire.DelimitedInput(request.Text(1), out _));
        Assert.Equal(120, result.Usage?.InputTokenCount);
        Assert.Equal(30, result.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task The_api_version_is_the_one_the_options_choose()
    {
        _server.EnqueueCompletion(GoodAda);
        using var client = _server.CreateChatClient(options: new AzureOpenAIClientOptions(AzureOpenAIClientOptions.ServiceVersion.V2024_06_01));

        await client.ExtractAsync<Person>(AdaText);

        Assert.Equal("?api-version=2024-06-01", Assert.Single(_server.Requests).Query);
    }

    [Fact]
    public async Task Strict_mode_sends_a_strict_json_schema()
    {
        _server.EnqueueCompletion(GoodShipment);

        var shipment = await _client.ExtractAsync<Shipment>(ShipmentText);

        Assert.Equal(1, shipment.Parcels);
        var request = Assert.Single(_server.Requests);
        var format = request.Json["response_format"]!.AsObject();
        Assert.Equal("json_schema", (string?)format["type"]);
        Assert.Equal("Shipment", (string?)format["json_schema"]!["name"]);
        Assert.True((bool?)format["json_schema"]!["strict"], request.Raw);
        var sent = format["json_schema"]!["schema"]!.AsObject();
        var ours = JsonNode.Parse(LlmContract<Shipment>.StrictJsonSchema!)!.AsObject();
        Assert.Equal(ours["properties"]!.AsObject().Select(p => p.Key), sent["required"]!.AsArray().Select(n => (string)n!));
        Assert.False((bool)sent["additionalProperties"]!);
    }

    [Fact]
    public async Task A_flawed_answer_is_re_asked_on_the_same_deployment()
    {
        _server.EnqueueCompletion(AgeAsWord);
        _server.EnqueueCompletion(GoodAda);

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess);
        var reask = _server.Requests[1];
        Assert.Equal(_server.Requests[0].Path, reask.Path);
        Assert.Equal(new[] { "system", "user", "assistant", "user" }, reask.Conversation.Select(m => m.Role).ToArray());
        Assert.Equal(AgeAsWord, reask.Text(2));
        Assert.Contains("- $.age: ", reask.Text(3), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_content_filter_finish_ends_as_ContentFilter_without_a_re_ask()
    {
        _server.EnqueueFiltered(null, "violence");

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.False(result.IsSuccess);
        Assert.Equal(ExtractionFailureKind.ContentFilter, result.FailureKind);
        Assert.Equal(ChatFinishReason.ContentFilter, result.Attempts[0].FinishReason);
        Assert.Contains("content filter", result.Attempts[0].FailureMessage, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
        var e = await Assert.ThrowsAsync<ExtractionException>(async () =>
        {
            _server.EnqueueFiltered("{\"name\":\"Ada", "violence");
            await _client.ExtractAsync<Person>(AdaText);
        });
        Assert.Equal(ExtractionFailureKind.ContentFilter, e.FailureKind);
        Assert.Equal("{\"name\":\"Ada", e.Attempts[0].RawResponse); // the text before the stop stays reachable
    }

    [Fact]
    public async Task A_complete_answer_beside_a_content_filter_finish_is_accepted_as_it_stands()
    {
        _server.EnqueueFiltered(GoodAda, "hate", "medium");

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess);
        Assert.Equal(ChatFinishReason.ContentFilter, result.Attempts[0].FinishReason);
    }

    [Fact]
    public async Task A_prompt_the_filter_blocks_propagates_as_the_SDKs_HTTP_400()
    {
        _server.EnqueuePromptFiltered("violence");

        var e = await Assert.ThrowsAsync<ClientResultException>(() => _client.ExtractAsync<Person>(AdaText));

        Assert.Equal(400, e.Status);
        Assert.Contains("content_filter", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_response_check_policy_reads_Azures_completions()
    {
        // The README's Azure recipe adds the response check to AzureOpenAIClientOptions; the filter annotations beside
        // the choices do not disturb it.
        var options = new AzureOpenAIClientOptions();
        options.AddPolicy(new ChatResponseCheckPolicy(), PipelinePosition.PerCall);
        using var client = _server.CreateChatClient(options: options);
        _server.EnqueueCompletion(GoodAda);
        _server.EnqueueFiltered(null, "sexual");

        Assert.Equal("Ada Lovelace", (await client.ExtractAsync<Person>(AdaText)).Name);
        Assert.Equal(ExtractionFailureKind.ContentFilter, (await client.TryExtractAsync<Person>(AdaText)).FailureKind);
    }

    [Fact]
    public async Task Tool_call_mode_forces_the_contract_tool_on_the_deployment_and_re_asks_with_a_tool_message()
    {
        _server.EnqueueToolCall("Person", AgeAsWord, "call_a");
        _server.EnqueueToolCall("Person", GoodAda, "call_b");

        var result = await _client.TryExtractAsync<Person>(AdaText, new ExtractOptions { Mode = ExtractionMode.ToolCall });

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Person("Ada Lovelace", 36, "ada@example.org"), result.Value);
        Assert.Equal(AgeAsWord, result.Attempts[0].RawResponse);
        Assert.Equal("$.age", Assert.Single(result.Attempts[0].Errors).Path);
        Assert.Equal(GoodAda, result.Attempts[1].RawResponse);
        Assert.Equal(2, _server.Requests.Count);
        foreach (var request in _server.Requests)
        {
            Assert.Equal("/openai/deployments/extractor-4o/chat/completions", request.Path);
            Assert.False(request.Json.ContainsKey("response_format"), request.Raw);
            var function = Assert.Single(request.Json["tools"]!.AsArray())!["function"]!;
            Assert.Equal("Person", (string?)function["name"]);
            Assert.True((bool?)function["strict"], request.Raw);
            Assert.Equal(
                LlmContract<Person>.StrictJsonSchema is { } strict ? JsonNode.Parse(strict)!["required"]!.ToJsonString() : null,
                function["parameters"]!["required"]!.ToJsonString());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"function","function":{"name":"Person"}}"""), request.Json["tool_choice"]), request.Raw);
            Assert.False((bool?)request.Json["parallel_tool_calls"], request.Raw);
        }

        var reask = _server.Requests[1];
        Assert.Equal(new[] { "system", "user", "assistant", "tool" }, reask.Conversation.Select(m => m.Role).ToArray());
        var call = Assert.Single(reask.Messages[2]!["tool_calls"]!.AsArray())!;
        Assert.Equal("call_a", (string?)call["id"]);
        Assert.Equal("Person", (string?)call["function"]!["name"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(AgeAsWord), JsonNode.Parse((string)call["function"]!["arguments"]!)));
        Assert.Equal("call_a", (string?)reask.Messages[3]!["tool_call_id"]);
        Assert.Equal(
            "Your answer could not be used:\n- $.age: expected an integer, found \"thirty-six\"\nCall \"Person\" again, once, with the complete corrected JSON object as its arguments.",
            reask.Text(3));
    }
}
