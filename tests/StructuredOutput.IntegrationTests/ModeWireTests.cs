using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// Each extraction mode on the wire, through the official OpenAI SDK: the exact request it makes (response format,
/// tools, tool choice, strictness) and the messages of its re-ask.
/// </summary>
public sealed class ModeWireTests : ServerTestBase
{
    private const string Text = "Ada Lovelace, 36, no e-mail.";
    private const string Good = """{"name":"Ada Lovelace","age":36,"email":null}""";
    private const string Bad = """{"name":"Ada Lovelace","age":"thirty-six","email":null}""";

    [Theory]
    [InlineData(ExtractionMode.JsonObject)]
    [InlineData(ExtractionMode.StrictJsonSchema)]
    [InlineData(ExtractionMode.PromptOnly)]
    public async Task A_text_mode_asks_in_its_own_way_and_re_asks_with_the_answer_and_its_errors(ExtractionMode mode)
    {
        _server.EnqueueCompletion(Bad);
        _server.EnqueueCompletion(Good);

        Person person = await _client.ExtractAsync<Person>(Text, new ExtractOptions { Mode = mode });

        Assert.Equal(36, person.Age);
        Assert.Equal(2, _server.Requests.Count);
        foreach (RecordedRequest request in _server.Requests)
        {
            AssertResponseFormat(mode, request);
            Assert.False(request.Json.ContainsKey("tools"), request.Raw);
            Assert.False(request.Json.ContainsKey("tool_choice"), request.Raw);
            Assert.Equal(LlmContract<Person>.Prompt + "\n\n" + Wire.InputRule, request.Text(0));
        }

        RecordedRequest reask = _server.Requests[1];
        Assert.Equal(new[] { "system", "user", "assistant", "user" }, reask.Conversation.Select(m => m.Role));
        Assert.Equal(Bad, reask.Text(2));
        Assert.Equal(
            "Your answer could not be used:\n- $.age: expected an integer, found \"thirty-six\"\nAnswer again with the complete corrected JSON object only.",
            reask.Text(3));
    }

    private static void AssertResponseFormat(ExtractionMode mode, RecordedRequest request)
    {
        switch (mode)
        {
            case ExtractionMode.JsonObject:
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"json_object"}"""), request.Json["response_format"]), request.Raw);
                break;
            case ExtractionMode.StrictJsonSchema:
                Assert.Equal("json_schema", (string?)request.Json["response_format"]!["type"]);
                Assert.Equal("Person", (string?)request.Json["response_format"]!["json_schema"]!["name"]);
                Assert.True((bool?)request.Json["response_format"]!["json_schema"]!["strict"]);
                break;
            default:
                Assert.False(request.Json.ContainsKey("response_format"), request.Raw);
                break;
        }
    }

    [Fact]
    public async Task Tool_call_mode_sends_the_contract_as_one_strict_function_and_forces_its_call()
    {
        _server.EnqueueToolCall("Person", """{ "name": "Ada Lovelace", "age": 36, "email": null }""");

        ExtractionResult<Person> result = await _client.TryExtractAsync<Person>(Text, new ExtractOptions { Mode = ExtractionMode.ToolCall });

        Assert.True(result.IsSuccess);
        Assert.Equal(36, result.Value!.Age);
        Assert.Equal(Good, result.Attempts[0].RawResponse); // the arguments written out again: the provider's spacing is gone
        RecordedRequest request = Assert.Single(_server.Requests);
        Assert.False(request.Json.ContainsKey("response_format"), request.Raw);
        var tool = Assert.Single(request.Json["tools"]!.AsArray())!.AsObject();
        Assert.Equal("function", (string?)tool["type"]);
        var function = tool["function"]!.AsObject();
        Assert.Equal("Person", (string?)function["name"]);
        Assert.Equal("Extract the person from the document.", (string?)function["description"]);
        Assert.True((bool?)function["strict"], request.Raw);
        var parameters = function["parameters"]!.AsObject();
        var ours = JsonNode.Parse(LlmContract<Person>.StrictJsonSchema!)!.AsObject();
        Assert.Equal("object", (string?)parameters["type"]);
        Assert.Equal(Keys(ours["properties"]!), Keys(parameters["properties"]!));
        Assert.Equal(Keys(ours["properties"]!), parameters["required"]!.AsArray().Select(n => (string)n!).ToArray());
        Assert.False((bool)parameters["additionalProperties"]!);
        Assert.Equal("[\"string\",\"null\"]", parameters["properties"]!["email"]!["type"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"function","function":{"name":"Person"}}"""), request.Json["tool_choice"]), request.Raw);
        Assert.False((bool?)request.Json["parallel_tool_calls"], request.Raw);
        Assert.Equal(
            LlmContract<Person>.Prompt + "\n\n" + Wire.InputRule + "\n\n" + Wire.ToolRule("Person"),
            request.Text(0));
    }

    private static string[] Keys(JsonNode node) => node.AsObject().Select(p => p.Key).ToArray();

    [Fact]
    public async Task A_type_with_a_dictionary_is_sent_its_plain_schema_as_a_function_that_is_not_strict()
    {
        _server.EnqueueToolCall("WordCount", """{"counts":{"the":2,"cat":1}}""");

        WordCount count = await _client.ExtractAsync<WordCount>("the cat the");

        Assert.Equal(2, count.Counts["the"]);
        var function = _server.Requests[0].Json["tools"]![0]!["function"]!.AsObject();
        Assert.Equal("WordCount", (string?)function["name"]);
        Assert.NotEqual(true, (bool?)function["strict"]);
        Assert.Equal("integer", (string?)function["parameters"]!["properties"]!["counts"]!["additionalProperties"]!["type"]);
    }

    [Fact]
    public async Task Invalid_arguments_are_re_asked_as_the_echoed_call_and_a_tool_message_with_its_id()
    {
        _server.EnqueueToolCall("Person", Bad, "call_a");
        _server.EnqueueToolCall("Person", Good, "call_b");

        ExtractionResult<Person> result = await _client.TryExtractAsync<Person>(Text, new ExtractOptions { Mode = ExtractionMode.ToolCall });

        Assert.True(result.IsSuccess);
        Assert.Equal("$.age", Assert.Single(result.Attempts[0].Errors).Path);
        RecordedRequest reask = _server.Requests[1];
        Assert.Equal(new[] { "system", "user", "assistant", "tool" }, reask.Conversation.Select(m => m.Role));
        var call = Assert.Single(reask.Messages[2]!["tool_calls"]!.AsArray())!;
        Assert.Equal("call_a", (string?)call["id"]);
        Assert.Equal("function", (string?)call["type"]);
        Assert.Equal("Person", (string?)call["function"]!["name"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Bad), JsonNode.Parse((string)call["function"]!["arguments"]!)));
        Assert.Equal("call_a", (string?)reask.Messages[3]!["tool_call_id"]);
        Assert.Equal(
            "Your answer could not be used:\n- $.age: expected an integer, found \"thirty-six\"\nCall \"Person\" again, once, with the complete corrected JSON object as its arguments.",
            reask.Text(3));

        // The re-ask still offers the one function and still forces it.
        Assert.Equal("Person", (string?)reask.Json["tools"]![0]!["function"]!["name"]);
        Assert.Equal("Person", (string?)reask.Json["tool_choice"]!["function"]!["name"]);
    }

    [Fact]
    public async Task Malformed_arguments_are_re_asked_with_the_call_echoed_with_an_empty_object()
    {
        _server.EnqueueToolCall("Person", """{"name":"Ada Lovelace","age":""", "call_m");
        _server.EnqueueToolCall("Person", Good, "call_n");

        ExtractionResult<Person> result = await _client.TryExtractAsync<Person>(Text, new ExtractOptions { Mode = ExtractionMode.ToolCall });

        Assert.True(result.IsSuccess);
        ExtractionError error = Assert.Single(result.Attempts[0].Errors);
        Assert.Equal(ExtractionErrorKind.InvalidJson, error.Kind);
        Assert.StartsWith("the arguments of the call of \"Person\" are not a JSON object", error.Message);
        RecordedRequest reask = _server.Requests[1];
        var call = reask.Messages[2]!["tool_calls"]![0]!;
        Assert.Equal("call_m", (string?)call["id"]);
        Assert.Equal("{}", (string?)call["function"]!["arguments"]);
        Assert.Equal("call_m", (string?)reask.Messages[3]!["tool_call_id"]);
        Assert.Contains("are not a JSON object", reask.Text(3));
    }

    [Fact]
    public async Task A_text_answer_instead_of_the_call_is_re_asked()
    {
        _server.EnqueueCompletion(Good);
        _server.EnqueueToolCall("Person", Good);

        ExtractionResult<Person> result = await _client.TryExtractAsync<Person>(Text, new ExtractOptions { Mode = ExtractionMode.ToolCall });

        Assert.True(result.IsSuccess);
        Assert.Equal(2, result.Attempts.Count);
        Assert.Equal(Good, result.Attempts[0].RawResponse);
        Assert.Equal(ExtractionErrorKind.NoJson, Assert.Single(result.Attempts[0].Errors).Kind);
        RecordedRequest reask = _server.Requests[1];
        Assert.Equal(new[] { "system", "user", "assistant", "user" }, reask.Conversation.Select(m => m.Role));
        Assert.Equal(Good, reask.Text(2));
        Assert.False(reask.Messages[2]!.AsObject().ContainsKey("tool_calls"));
        Assert.Equal(
            "Your answer could not be used:\n- $: the answer is text instead of a call of the tool \"Person\"; call it with the JSON object as its arguments\n"
            + "Call \"Person\" again, once, with the complete corrected JSON object as its arguments.",
            reask.Text(3));
    }

    [Fact]
    public async Task A_call_of_another_tool_is_re_asked_with_a_tool_message_for_that_call()
    {
        _server.EnqueueToolCall("lookup_person", """{"q":"Ada"}""", "call_w");
        _server.EnqueueToolCall("Person", Good);

        ExtractionResult<Person> result = await _client.TryExtractAsync<Person>(Text, new ExtractOptions { Mode = ExtractionMode.ToolCall });

        Assert.True(result.IsSuccess);
        Assert.Equal(
            "the answer is a call of the tool \"lookup_person\" instead of one call of the tool \"Person\"",
            Assert.Single(result.Attempts[0].Errors).Message);
        Assert.Equal("""{"q":"Ada"}""", result.Attempts[0].RawResponse);
        RecordedRequest reask = _server.Requests[1];
        Assert.Equal("lookup_person", (string?)reask.Messages[2]!["tool_calls"]![0]!["function"]!["name"]);
        Assert.Equal("call_w", (string?)reask.Messages[3]!["tool_call_id"]);
    }

    [Fact]
    public async Task Without_retries_a_wrong_answer_in_tool_mode_fails_with_the_same_kind_as_every_mode()
    {
        _server.EnqueueToolCall("Person", Bad);

        var e = await Assert.ThrowsAsync<ExtractionException>(() =>
            _client.ExtractAsync<Person>(Text, new ExtractOptions { Mode = ExtractionMode.ToolCall, MaxRetries = 0 }));

        Assert.Equal(ExtractionFailureKind.InvalidAnswer, e.FailureKind);
        Assert.Equal(Bad, Assert.Single(e.Attempts).RawResponse);
    }
}
