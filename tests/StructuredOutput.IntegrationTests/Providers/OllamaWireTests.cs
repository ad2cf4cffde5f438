using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static StructuredOutput.IntegrationTests.Examples;

namespace StructuredOutput.IntegrationTests.Providers;

/// <summary>
/// The extractor through OllamaSharp's <see cref="IChatClient"/> (<c>OllamaApiClient</c>) against a server that speaks
/// Ollama's native <c>/api/chat</c>, where the <c>format</c> field asks for JSON or for a schema.
/// </summary>
public sealed class OllamaWireTests : ServerTestBase<OllamaServer>
{
    public OllamaWireTests()
        : base(OllamaServer.StartAsync, server => server.CreateChatClient())
    {
    }

    [Fact]
    public async Task Json_mode_sends_format_json_and_the_answer_extracts()
    {
        _server.EnqueueReply(GoodAda, promptEvalCount: 120, evalCount: 30);

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Person("Ada Lovelace", 36, "ada@example.org"), result.Value);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/api/chat", request.Path);
        Assert.Equal("llama-test", (string?)request.Json["model"]);
        Assert.Equal("json", (string?)request.Json["format"]);
        Assert.False((bool)request.Json["stream"]!); // OllamaSharp asks for one object, not the NDJSON stream
        Assert.Equal("system", request.Role(0));
        Assert.Equal(LlmContract<Person>.Prompt + "\n\n" + Wire.InputRule, request.Text(0));
        Assert.Equal("user", request.Role(1));
        Assert.Equal(AdaText, Wire.DelimitedInput(request.Text(1), out _));
        Assert.Equal(ChatFinishReason.Stop, result.Attempts[0].FinishReason); // done_reason stop
        Assert.Equal(120, result.Usage?.InputTokenCount); // prompt_eval_count
        Assert.Equal(30, result.Usage?.OutputTokenCount); // eval_count
    }

    [Fact]
    public async Task Strict_mode_sends_the_strict_schema_as_format()
    {
        _server.EnqueueReply(GoodShipment);

        var shipment = await _client.ExtractAsync<Shipment>(ShipmentText);

        Assert.Equal(1, shipment.Parcels);
        var request = Assert.Single(_server.Requests);
        // Ollama turns the schema into a grammar; OllamaSharp sends the strict schema exactly as generated.
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(LlmContract<Shipment>.StrictJsonSchema!), request.Json["format"]),
            request.Json["format"]?.ToJsonString());
        Assert.Equal(LlmContract<Shipment>.Prompt + "\n\n" + Wire.InputRule, request.Text(0));
    }

    [Fact]
    public async Task A_flawed_answer_is_re_asked_with_the_answer_and_its_errors()
    {
        _server.EnqueueReply(AgeAsWord);
        _server.EnqueueReply(GoodAda);

        var result = await _client.TryExtractAsync<Person>(AdaText);

        Assert.True(result.IsSuccess);
        Assert.Equal("$.age", Assert.Single(result.Attempts[0].Errors).Path);
        var first = _server.Requests[0];
        var reask = _server.Requests[1];
        Assert.Equal(new[] { "system", "user", "assistant", "user" }, reask.Conversation.Select(m => m.Role).ToArray());
        Assert.Equal(first.Conversation[0], reask.Conversation[0]);
        Assert.Equal(first.Conversation[1], reask.Conversation[1]);
        Assert.Equal(AgeAsWord, reask.Text(2));
        Assert.Contains("- $.age: ", reask.Text(3), StringComparison.Ordinal);
        Assert.Equal("json", (string?)reask.Json["format"]);
    }

    [Fact]
    public async Task Strict_mode_re_asks_with_the_schema_again()
    {
        _server.EnqueueReply(LongCarrierShipment);
        _server.EnqueueReply(GoodShipment);

        var result = await _client.TryExtractAsync<Shipment>(ShipmentText);

        Assert.True(result.IsSuccess);
        Assert.Equal("$.carrier", Assert.Single(result.Attempts[0].Errors).Path); // the grammar does not enforce maxLength
        Assert.Equal(_server.Requests[0].Json["format"]!.ToJsonString(), _server.Requests[1].Json["format"]!.ToJsonString());
    }

    [Fact]
    public async Task Done_reason_length_ends_as_Truncated_and_max_output_tokens_is_num_predict()
    {
        _server.EnqueueReply(CutAda, doneReason: "length");
        var options = new ExtractOptions { ChatOptions = new ChatOptions { MaxOutputTokens = 20, Temperature = 0 } };

        var result = await _client.TryExtractAsync<Person>(AdaText, options);

        Assert.Equal(ExtractionFailureKind.Truncated, result.FailureKind);
        Assert.Equal(ChatFinishReason.Length, result.Attempts[0].FinishReason);
        Assert.Equal(CutAda, result.Attempts[0].RawResponse);
        var request = Assert.Single(_server.Requests);
        Assert.Equal(20, (int)request.Json["options"]!["num_predict"]!);
        Assert.Equal(0, (double)request.Json["options"]!["temperature"]!);
    }

    [Fact]
    public async Task A_tool_call_is_read_as_a_tool_call_and_the_tools_are_on_the_wire()
    {
        _server.EnqueueToolCall("lookup_person", """{"name":"Ada"}""");
        _server.EnqueueReply(GoodAda);
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
        Assert.StartsWith("the answer is a call of the tool \"lookup_person\"", Assert.Single(result.Attempts[0].Errors).Message, StringComparison.Ordinal);
        var first = _server.Requests[0].Json;
        var function = Assert.Single(first["tools"]!.AsArray())!["function"]!;
        Assert.Equal("lookup_person", (string?)function["name"]);
        Assert.Equal("string", (string?)function["parameters"]!["properties"]!["name"]!["type"]);
        // Ollama's API has no tool_choice: a required tool cannot be forced, only offered.
        Assert.False(first.ContainsKey("tool_choice"), first.ToJsonString());
        Assert.Equal("(no text: a call of the tool \"lookup_person\")", _server.Requests[1].Text(2));
    }

    [Fact]
    public async Task A_streamed_answer_arrives_in_NDJSON_chunks_and_joins_to_the_whole_answer()
    {
        _server.EnqueueReply(GoodAda, doneReason: "stop", evalCount: 9);

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in _client.GetStreamingResponseAsync(new[] { new ChatMessage(ChatRole.User, AdaText) }))
        {
            text.Append(update.Text);
            finish ??= update.FinishReason;
        }

        Assert.Equal(GoodAda, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotEqual(false, (bool?)Assert.Single(_server.Requests).Json["stream"]);
        var lines = _server.LastResponseBody!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 2, _server.LastResponseBody);
        Assert.Equal(9, (int)JsonNode.Parse(lines[^1])!["eval_count"]!);
    }

    [Fact]
    public async Task An_HTTP_error_propagates_as_OllamaSharps_exception_with_the_answers_before_it()
    {
        _server.EnqueueReply(AgeAsWord);
        _server.Enqueue(new OllamaError(404, "model \"llama-test\" not found, try pulling it first"));

        // OllamaSharp reports a 404 by its status alone; Ollama's {"error": …} text is not in the exception.
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => _client.ExtractAsync<Person>(AdaText));

        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        var attempts = Assert.IsAssignableFrom<IReadOnlyList<ExtractionAttempt>>(e.Data[ExtractionException.AttemptsDataKey]);
        Assert.Equal(AgeAsWord, Assert.Single(attempts).RawResponse);
    }

    private static ExtractOptions ToolCallMode => new() { Mode = ExtractionMode.ToolCall };

    [Fact]
    public async Task Tool_call_mode_offers_the_contract_as_one_tool_without_format_and_reads_its_call()
    {
        _server.EnqueueToolCall("Person", """{ "name": "Ada Lovelace", "age": 36, "email": "ada@example.org" }""");

        var result = await _client.TryExtractAsync<Person>(AdaText, ToolCallMode);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(new Person("Ada Lovelace", 36, "ada@example.org"), result.Value);
        Assert.Equal(GoodAda, result.Attempts[0].RawResponse); // the call's arguments written out again
        var request = Assert.Single(_server.Requests);
        Assert.False(request.Json.ContainsKey("format"), request.Raw);
        var tool = Assert.Single(request.Json["tools"]!.AsArray())!;
        Assert.Equal("function", (string?)tool["type"]);
        Assert.Equal("Person", (string?)tool["function"]!["name"]);
        Assert.Equal("Extract the person from the document.", (string?)tool["function"]!["description"]);
        // OllamaSharp sends the strict schema exactly as generated (no strictness flag: Ollama has none).
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(LlmContract<Person>.StrictJsonSchema!), tool["function"]!["parameters"]),
            tool.ToJsonString());
        Assert.False(tool["function"]!.AsObject().ContainsKey("strict"), tool.ToJsonString());
        // Ollama's API has no tool_choice: the tool is offered, not forced; the prompt asks for it.
        Assert.False(request.Json.ContainsKey("tool_choice"), request.Raw);
        Assert.Equal(new[] { "system", "user" }, request.Conversation.Select(m => m.Role).ToArray());
        Assert.Equal(LlmContract<Person>.Prompt + "\n\n" + Wire.InputRule + "\n\n" + Wire.ToolRule("Person"), request.Text(0));
    }

    [Fact]
    public async Task An_invalid_tool_call_is_re_asked_with_the_call_echoed_and_a_tool_message_that_OllamaSharp_wraps()
    {
        _server.EnqueueToolCall("Person", AgeAsWord);
        _server.EnqueueToolCall("Person", GoodAda);

        var result = await _client.TryExtractAsync<Person>(AdaText, ToolCallMode);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(2, result.Attempts.Count);
        Assert.Equal(AgeAsWord, result.Attempts[0].RawResponse);
        Assert.Equal("$.age", Assert.Single(result.Attempts[0].Errors).Path);
        var first = _server.Requests[0];
        var reask = _server.Requests[1];
        Assert.Equal(new[] { "system", "user", "assistant", "tool" }, reask.Messages.Select(m => (string)m!["role"]!).ToArray());
        Assert.Equal(first.Messages[0]!.ToJsonString(), reask.Messages[0]!.ToJsonString());
        Assert.Equal(first.Messages[1]!.ToJsonString(), reask.Messages[1]!.ToJsonString());

        // The failed call is echoed with its arguments as a JSON object. Ollama's calls have no id (OllamaSharp makes
        // one up for the FunctionCallContent and sends id null), so the tool message answers the call by position.
        var assistant = reask.Messages[2]!;
        Assert.Equal(string.Empty, (string?)assistant["content"]);
        var call = Assert.Single(assistant["tool_calls"]!.AsArray())!;
        Assert.Null(call["id"]);
        Assert.Equal("Person", (string?)call["function"]!["name"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(AgeAsWord), call["function"]!["arguments"]), call.ToJsonString());

        // OllamaSharp 5.5.2 writes the whole FunctionResultContent as the tool message's content: a JSON object with
        // the made-up CallId and the errors as Result. The model sees the errors, wrapped; no tool_name is sent.
        var tool = reask.Messages[3]!.AsObject();
        Assert.False(tool.ContainsKey("tool_name"), tool.ToJsonString());
        Assert.False(tool.ContainsKey("tool_call_id"), tool.ToJsonString());
        var content = JsonNode.Parse((string)tool["content"]!)!.AsObject();
        Assert.Equal(new[] { "CallId", "Result" }, content.Select(p => p.Key).ToArray());
        Assert.False(string.IsNullOrEmpty((string?)content["CallId"]));
        Assert.Equal(
            "Your answer could not be used:\n- $.age: expected an integer, found \"thirty-six\"\nCall \"Person\" again, once, with the complete corrected JSON object as its arguments.",
            (string?)content["Result"]);

        // The re-ask offers the same tool again, still without format or tool_choice.
        Assert.Equal(first.Json["tools"]!.ToJsonString(), reask.Json["tools"]!.ToJsonString());
        Assert.False(reask.Json.ContainsKey("format"), reask.Raw);
        Assert.False(reask.Json.ContainsKey("tool_choice"), reask.Raw);
    }

    [Fact]
    public async Task A_text_answer_instead_of_the_call_which_Ollama_cannot_force_is_re_asked()
    {
        _server.EnqueueReply(GoodAda);
        _server.EnqueueToolCall("Person", GoodAda);

        var result = await _client.TryExtractAsync<Person>(AdaText, ToolCallMode);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(2, result.Attempts.Count);
        Assert.Equal(GoodAda, result.Attempts[0].RawResponse);
        Assert.Equal(ExtractionErrorKind.NoJson, Assert.Single(result.Attempts[0].Errors).Kind);
        var reask = _server.Requests[1];
        Assert.Equal(new[] { "system", "user", "assistant", "user" }, reask.Conversation.Select(m => m.Role).ToArray());
        Assert.Equal(GoodAda, reask.Text(2));
        Assert.False(reask.Messages[2]!.AsObject().ContainsKey("tool_calls"), reask.Raw);
        Assert.Equal(
            "Your answer could not be used:\n- $: the answer is text instead of a call of the tool \"Person\"; call it with the JSON object as its arguments\n"
            + "Call \"Person\" again, once, with the complete corrected JSON object as its arguments.",
            reask.Text(3));
        Assert.Equal("Person", (string?)reask.Json["tools"]![0]!["function"]!["name"]);
    }

    [Fact]
    public async Task Prompt_only_mode_sends_no_format_and_re_asks_in_text()
    {
        _server.EnqueueReply(AgeAsWord);
        _server.EnqueueReply(GoodAda);

        var result = await _client.TryExtractAsync<Person>(AdaText, new ExtractOptions { Mode = ExtractionMode.PromptOnly });

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(2, _server.Requests.Count);
        foreach (var request in _server.Requests)
        {
            Assert.False(request.Json.ContainsKey("format"), request.Raw);
            Assert.False(request.Json.ContainsKey("tools"), request.Raw);
            Assert.Equal(LlmContract<Person>.Prompt + "\n\n" + Wire.InputRule, request.Text(0));
        }

        var reask = _server.Requests[1];
        Assert.Equal(new[] { "system", "user", "assistant", "user" }, reask.Conversation.Select(m => m.Role).ToArray());
        Assert.Equal(AgeAsWord, reask.Text(2));
        Assert.Equal(
            "Your answer could not be used:\n- $.age: expected an integer, found \"thirty-six\"\nAnswer again with the complete corrected JSON object only.",
            reask.Text(3));
    }
}
