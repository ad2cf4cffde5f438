using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;
using static StructuredOutput.IntegrationTests.Examples;

namespace StructuredOutput.IntegrationTests.Providers;

/// <summary>
/// The extractor through the official Anthropic SDK and its own <see cref="IChatClient"/> adapter
/// (<c>AnthropicClient.AsIChatClient</c>), against a server that speaks the Messages API.
/// </summary>
public sealed class AnthropicWireTests : ServerTestBase<AnthropicServer>
{
    public AnthropicWireTests()
        : base(AnthropicServer.StartAsync, server => server.CreateChatClient())
    {
    }

    [Fact]
    public async Task A_JSON_answer_extracts_with_the_prompt_as_the_top_level_system_field()
    {
        _server.EnqueueText(GoodAda, inputTokens: 120, outputTokens: 30);

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Person("Ada Lovelace", 36, "ada@example.org"), result.Value);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/messages", request.Path);
        Assert.Equal("Bearer " + AnthropicServer.ApiKey, request.Authorization);
        Assert.True(request.Headers.ContainsKey("anthropic-version"));
        Assert.Equal("claude-test", (string?)request.Json["model"]);
        Assert.Equal(1024, (int)request.Json["max_tokens"]!); // the adapter's default; the API requires the field

        // The Messages API has no system role: the prompt and the input rule travel as the top-level system field.
        var system = Assert.Single(request.Json["system"]!.AsArray())!;
        Assert.Equal("text", (string?)system["type"]);
        Assert.Equal(LlmContract<Person>.Prompt + "\n\n" + Wire.InputRule, (string?)system["text"]);
        Assert.Single(request.Messages);
        Assert.Equal("user", request.Role(0));
        Assert.Equal(AdaText, Wire.DelimitedInput(request.Text(0), out _));

        // Anthropic has no JSON-object mode: the adapter sends nothing for ChatResponseFormat.Json, and the prompt alone
        // asks for the JSON object.
        Assert.False(request.Json.ContainsKey("output_config"), request.Raw);
        Assert.False(request.Json.ContainsKey("output_format"), request.Raw);

        Assert.Equal(ChatFinishReason.Stop, result.Attempts[0].FinishReason); // stop_reason end_turn
        Assert.Equal(120, result.Usage?.InputTokenCount);
        Assert.Equal(30, result.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Strict_mode_sends_the_strict_schema_as_structured_output_format()
    {
        _server.EnqueueText(GoodShipment);

        var shipment = await _client.ExtractAsync<Shipment>(ShipmentText);

        Assert.Equal("Acme Freight", shipment.Carrier);
        Assert.Equal(1, shipment.Parcels);
        var request = Assert.Single(_server.Requests);
        var format = request.Json["output_config"]?["format"]?.AsObject();
        Assert.NotNull(format);
        Assert.Equal("json_schema", (string?)format!["type"]);
        // The adapter passes the schema through its own transform for Anthropic's structured outputs: the numeric
        // bounds go into descriptions, the rest arrives as generated.
        var sent = format["schema"]!.AsObject();
        var ours = JsonNode.Parse(LlmContract<Shipment>.StrictJsonSchema!)!.AsObject();
        Assert.Equal(Keys(ours["properties"]!), Keys(sent["properties"]!));
        Assert.Equal(Keys(ours["properties"]!), sent["required"]!.AsArray().Select(n => (string)n!).ToArray());
        Assert.False((bool)sent["additionalProperties"]!);
        Assert.False(sent["properties"]!["weight"]!.AsObject().ContainsKey("minimum"));
        Assert.Contains("minimum: 0.1", (string)sent["properties"]!["weight"]!["description"]!, StringComparison.Ordinal);
        Assert.Equal("date", (string?)sent["properties"]!["stops"]!["items"]!["properties"]!["day"]!["format"]);
        Assert.Equal("[\"integer\",\"null\"]", sent["properties"]!["parcels"]!["type"]!.ToJsonString());
    }

    private static string[] Keys(JsonNode node) => node.AsObject().Select(p => p.Key).ToArray();

    [Fact]
    public async Task A_flawed_answer_is_re_asked_as_an_assistant_turn_and_a_user_turn()
    {
        _server.EnqueueText(AgeAsWord, inputTokens: 100, outputTokens: 20);
        _server.EnqueueText(GoodAda, inputTokens: 160, outputTokens: 25);

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess);
        Assert.Equal(2, result.Attempts.Count);
        Assert.Equal("$.age", Assert.Single(result.Attempts[0].Errors).Path);
        var first = _server.Requests[0];
        var reask = _server.Requests[1];
        Assert.Equal(first.Json["system"]!.ToJsonString(), reask.Json["system"]!.ToJsonString());
        Assert.Equal(new[] { "user", "assistant", "user" }, reask.Conversation.Select(m => m.Role).ToArray());
        Assert.Equal(first.Text(0), reask.Text(0));
        Assert.Equal(AgeAsWord, reask.Text(1));
        Assert.Contains("- $.age: ", reask.Text(2), StringComparison.Ordinal);
        Assert.Contains("corrected JSON", reask.Text(2), StringComparison.Ordinal);
        Assert.Equal(260, result.Usage?.InputTokenCount);
        Assert.Equal(45, result.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task A_max_tokens_stop_ends_as_Truncated_without_a_re_ask()
    {
        _server.EnqueueText(CutAda, stopReason: "max_tokens");
        var options = new ExtractOptions { ChatOptions = new ChatOptions { MaxOutputTokens = 20 } };

        var result = await _client.TryExtractAsync<Person>(AdaText, options);

        Assert.False(result.IsSuccess);
        Assert.Equal(ExtractionFailureKind.Truncated, result.FailureKind);
        Assert.Equal(ChatFinishReason.Length, result.Attempts[0].FinishReason);
        Assert.Equal(CutAda, result.Attempts[0].RawResponse);
        Assert.Contains("(now 20)", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(20, (int)Assert.Single(_server.Requests).Json["max_tokens"]!);
    }

    [Fact]
    public async Task A_refusal_stop_ends_as_ContentFilter_without_a_re_ask()
    {
        // The adapter reports stop_reason "refusal" (the API's safety stop) as ChatFinishReason.ContentFilter.
        _server.Enqueue(new AnthropicMessage(Array.Empty<JsonObject>(), "refusal"));

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.Equal(ExtractionFailureKind.ContentFilter, result.FailureKind);
        Assert.Equal(ChatFinishReason.ContentFilter, result.Attempts[0].FinishReason);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task An_image_part_is_sent_as_an_Anthropic_image_block()
    {
        // The extractor takes text on this version; the chat client it runs on carries image parts as the API's own
        // base64 image blocks.
        byte[] png = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        _server.EnqueueText("a receipt");

        var response = await _client.GetResponseAsync(new[]
        {
            new ChatMessage(ChatRole.User, new AIContent[] { new TextContent("Read the receipt."), new DataContent(png, "image/png") }),
        });

        Assert.Equal("a receipt", response.Text);
        var content = Assert.Single(_server.Requests).Messages[0]!["content"]!.AsArray();
        Assert.Equal("text", (string?)content[0]!["type"]);
        var image = content[1]!.AsObject();
        Assert.Equal("image", (string?)image["type"]);
        Assert.Equal("base64", (string?)image["source"]!["type"]);
        Assert.Equal("image/png", (string?)image["source"]!["media_type"]);
        Assert.Equal(png, Convert.FromBase64String((string)image["source"]!["data"]!));
    }

    [Fact]
    public async Task A_tool_use_block_is_read_as_a_tool_call_and_the_tools_and_tool_choice_are_on_the_wire()
    {
        _server.EnqueueToolUse("lookup_person", """{"name":"Ada"}""");
        _server.EnqueueText(GoodAda);
        var options = new ExtractOptions
        {
            ChatOptions = new ChatOptions
            {
                Tools = new List<AITool> { AIFunctionFactory.Create((string name) => name, "lookup_person", "Looks a person up.") },
                ToolMode = ChatToolMode.RequireSpecific("lookup_person"),
            },
        };

        var result = await _client.TryExtractAsync<Person>(AdaText, options);

        Assert.True(result.IsSuccess);
        Assert.Equal(ChatFinishReason.ToolCalls, result.Attempts[0].FinishReason); // stop_reason tool_use
        Assert.Equal(
            "the answer is a call of the tool \"lookup_person\" instead of the JSON object; answer with the JSON object itself, not a tool call",
            Assert.Single(result.Attempts[0].Errors).Message);
        var first = _server.Requests[0].Json;
        var tool = Assert.Single(first["tools"]!.AsArray())!;
        Assert.Equal("lookup_person", (string?)tool["name"]);
        Assert.Equal("Looks a person up.", (string?)tool["description"]);
        Assert.Equal("object", (string?)tool["input_schema"]!["type"]);
        Assert.Equal("string", (string?)tool["input_schema"]!["properties"]!["name"]!["type"]);
        Assert.Equal("tool", (string?)first["tool_choice"]!["type"]);
        Assert.Equal("lookup_person", (string?)first["tool_choice"]!["name"]);
        Assert.Equal("(no text: a call of the tool \"lookup_person\")", _server.Requests[1].Text(1));
    }

    [Fact]
    public async Task A_tool_use_echoed_without_its_tool_result_is_rejected_as_the_API_does()
    {
        // A re-ask in tool mode that shows the model its failed call must answer the call: the API refuses a tool_use
        // block that the next message does not answer with a tool_result block.
        var call = new FunctionCallContent("toolu_1", "lookup_person", new Dictionary<string, object?> { ["name"] = "Ada" });
        var conversation = new[]
        {
            new ChatMessage(ChatRole.User, "Who is Ada?"),
            new ChatMessage(ChatRole.Assistant, new AIContent[] { call }),
            new ChatMessage(ChatRole.User, "Answer again."),
        };

        var e = await Assert.ThrowsAsync<AnthropicBadRequestException>(() => _client.GetResponseAsync(conversation));

        Assert.Contains("`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1", e.Message, StringComparison.Ordinal);
        var sent = Assert.Single(_server.Requests).Messages[1]!["content"]![0]!;
        Assert.Equal("tool_use", (string?)sent["type"]);
        Assert.Equal("Ada", (string?)sent["input"]!["name"]);

        _server.EnqueueText("Ada Lovelace.");
        conversation[2] = new ChatMessage(ChatRole.User, new AIContent[] { new FunctionResultContent("toolu_1", "a mathematician"), new TextContent("Answer again.") });
        Assert.Equal("Ada Lovelace.", (await _client.GetResponseAsync(conversation)).Text);
        Assert.Equal("tool_result", (string?)_server.Requests[1].Messages[2]!["content"]![0]!["type"]);
    }

    [Fact]
    public async Task An_API_error_propagates_as_the_SDKs_exception_with_the_answers_before_it()
    {
        _server.EnqueueText(AgeAsWord);
        _server.Enqueue(new AnthropicError(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"));

        var e = await Assert.ThrowsAsync<AnthropicBadRequestException>(() => _client.ExtractAsync<Person>(AdaText));

        Assert.Contains("prompt is too long", e.Message, StringComparison.Ordinal);
        var attempts = Assert.IsAssignableFrom<IReadOnlyList<ExtractionAttempt>>(e.Data[ExtractionException.AttemptsDataKey]);
        Assert.Equal(AgeAsWord, Assert.Single(attempts).RawResponse);
        Assert.Equal(2, _server.Requests.Count);
    }

    private static ExtractOptions ToolCallMode => new() { Mode = ExtractionMode.ToolCall };

    [Fact]
    public async Task Tool_call_mode_sends_the_contract_as_one_forced_tool_and_reads_the_tool_use_input()
    {
        _server.EnqueueToolUse("Person", """{ "name": "Ada Lovelace", "age": 36, "email": "ada@example.org" }""");

        var result = await _client.TryExtractAsync<Person>(AdaText, ToolCallMode);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Person("Ada Lovelace", 36, "ada@example.org"), result.Value);
        Assert.Equal(GoodAda, result.Attempts[0].RawResponse); // the tool_use input written out again, without its spacing
        Assert.Equal(ChatFinishReason.ToolCalls, result.Attempts[0].FinishReason); // stop_reason tool_use
        var request = Assert.Single(_server.Requests);
        var tool = Assert.Single(request.Json["tools"]!.AsArray())!.AsObject();
        Assert.Equal("Person", (string?)tool["name"]);
        Assert.Equal("Extract the person from the document.", (string?)tool["description"]);
        Assert.True((bool?)tool["strict"], request.Raw);
        // input_schema is the strict schema after the adapter's transform: the numeric bounds go into the description.
        Assert.True(JsonNode.DeepEquals(StrictPersonAsTheAdapterSendsIt(), tool["input_schema"]), tool["input_schema"]!.ToJsonString());
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse("""{"disable_parallel_tool_use":true,"type":"tool","name":"Person"}"""), request.Json["tool_choice"]),
            request.Raw);
        Assert.False(request.Json.ContainsKey("output_config"), request.Raw);
        Assert.False(request.Json.ContainsKey("output_format"), request.Raw);
        Assert.Equal(LlmContract<Person>.Prompt + "\n\n" + Wire.InputRule + "\n\n" + Wire.ToolRule("Person"), (string?)request.Json["system"]![0]!["text"]);
        Assert.Equal(new[] { "user" }, request.Conversation.Select(m => m.Role).ToArray());
    }

    private static JsonNode StrictPersonAsTheAdapterSendsIt()
    {
        var schema = JsonNode.Parse(LlmContract<Person>.StrictJsonSchema!)!.AsObject();
        var age = schema["properties"]!["age"]!.AsObject();
        string bounds = $"{{minimum: {age["minimum"]}, maximum: {age["maximum"]}}}";
        age.Remove("minimum");
        age.Remove("maximum");
        age["description"] = (string)age["description"]! + "\n\n" + bounds;
        return schema;
    }

    [Fact]
    public async Task An_invalid_tool_use_is_re_asked_with_a_tool_result_for_its_id_and_the_error_path()
    {
        _server.EnqueueToolUse("Person", AgeAsWord); // toolu_fake1
        _server.EnqueueToolUse("Person", GoodAda);

        var result = await _client.TryExtractAsync<Person>(AdaText, ToolCallMode);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(36, result.Value!.Age);
        Assert.Equal(2, result.Attempts.Count);
        Assert.Equal(AgeAsWord, result.Attempts[0].RawResponse);
        Assert.Equal("$.age", Assert.Single(result.Attempts[0].Errors).Path);
        Assert.Equal(GoodAda, result.Attempts[1].RawResponse);
        var first = _server.Requests[0];
        var reask = _server.Requests[1];
        Assert.Equal(new[] { "user", "assistant", "user" }, reask.Messages.Select(m => (string)m!["role"]!).ToArray());
        Assert.Equal(first.Messages[0]!.ToJsonString(), reask.Messages[0]!.ToJsonString());

        // The failed call is echoed as the assistant's tool_use block, with its id and its input.
        var call = Assert.Single(reask.Messages[1]!["content"]!.AsArray())!;
        Assert.Equal("tool_use", (string?)call["type"]);
        Assert.Equal("toolu_fake1", (string?)call["id"]);
        Assert.Equal("Person", (string?)call["name"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(AgeAsWord), call["input"]), call.ToJsonString());

        // The last user message answers that call with a tool_result holding the errors. The adapter marks it
        // is_error: false (the result carries no exception); the model reads the errors from its content.
        var answer = Assert.Single(reask.Messages[2]!["content"]!.AsArray())!;
        Assert.Equal("tool_result", (string?)answer["type"]);
        Assert.Equal("toolu_fake1", (string?)answer["tool_use_id"]);
        Assert.False((bool?)answer["is_error"]);
        Assert.Equal(
            "Your answer could not be used:\n- $.age: expected an integer, found \"thirty-six\"\nCall \"Person\" again, once, with the complete corrected JSON object as its arguments.",
            (string?)answer["content"]);

        // The re-ask sends the same system prompt, the same tool and still forces it.
        Assert.Equal(first.Json["system"]!.ToJsonString(), reask.Json["system"]!.ToJsonString());
        Assert.Equal(first.Json["tools"]!.ToJsonString(), reask.Json["tools"]!.ToJsonString());
        Assert.Equal(first.Json["tool_choice"]!.ToJsonString(), reask.Json["tool_choice"]!.ToJsonString());
    }

    [Fact]
    public async Task A_max_tokens_stop_in_the_middle_of_a_tool_use_ends_as_Truncated_without_a_re_ask()
    {
        // The API stops a tool_use block at the token limit with what it has of the input.
        _server.EnqueueToolUse("Person", """{"name":"Ada Lovelace"}""", stopReason: "max_tokens");
        var options = new ExtractOptions { Mode = ExtractionMode.ToolCall, ChatOptions = new ChatOptions { MaxOutputTokens = 12 } };

        var result = await _client.TryExtractAsync<Person>(AdaText, options);

        Assert.False(result.IsSuccess);
        Assert.Equal(ExtractionFailureKind.Truncated, result.FailureKind);
        Assert.Equal(ChatFinishReason.Length, result.Attempts[0].FinishReason);
        Assert.Equal("""{"name":"Ada Lovelace"}""", result.Attempts[0].RawResponse);
        Assert.Contains("(now 12)", result.Errors[0].Message, StringComparison.Ordinal);
        var request = Assert.Single(_server.Requests);
        Assert.Equal(12, (int)request.Json["max_tokens"]!);
        Assert.Equal("Person", (string?)request.Json["tool_choice"]!["name"]);
    }

    [Fact]
    public async Task Prompt_only_mode_sends_nothing_format_related_and_re_asks_in_text()
    {
        _server.EnqueueText(AgeAsWord);
        _server.EnqueueText(GoodAda);

        var result = await _client.TryExtractAsync<Person>(AdaText, new ExtractOptions { Mode = ExtractionMode.PromptOnly });

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(2, _server.Requests.Count);
        foreach (var request in _server.Requests)
        {
            foreach (var field in new[] { "output_config", "output_format", "tools", "tool_choice" })
            {
                Assert.False(request.Json.ContainsKey(field), request.Raw);
            }

            Assert.Equal(LlmContract<Person>.Prompt + "\n\n" + Wire.InputRule, (string?)request.Json["system"]![0]!["text"]);
        }

        var reask = _server.Requests[1];
        Assert.Equal(new[] { "user", "assistant", "user" }, reask.Conversation.Select(m => m.Role).ToArray());
        Assert.Equal(AgeAsWord, reask.Text(1));
        Assert.Equal(
            "Your answer could not be used:\n- $.age: expected an integer, found \"thirty-six\"\nAnswer again with the complete corrected JSON object only.",
            reask.Text(2));
    }
}
