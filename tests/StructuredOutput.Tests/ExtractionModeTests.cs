using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;

namespace StructuredOutput.Tests;

[LlmExtract(Mode = ExtractionMode.ToolCall, Name = "point", Instructions = "Extract the point.")]
public partial record ToolPoint([property: System.ComponentModel.DataAnnotations.Range(0, 10)] int X, int Y);

[LlmExtract(Mode = ExtractionMode.ToolCall)]
public partial record ToolTally(Dictionary<string, int> Counts);

[LlmExtract(Mode = ExtractionMode.PromptOnly)]
public partial record PromptPoint(int X, int Y);

/// <summary>
/// The modes against an in-process chat client: what each asks for, where the answer is read from, how tool-call mode
/// judges what came back instead of the one call, and the shape of its re-ask.
/// </summary>
public class ExtractionModeTests
{
    private const string Good = """{"x":1,"y":2}""";

    [Fact]
    public void The_attribute_sets_the_types_mode_and_instructions()
    {
        Assert.Equal(ExtractionMode.ToolCall, LlmContract<ToolPoint>.Mode);
        Assert.Equal("Extract the point.", LlmContract<ToolPoint>.Instructions);
        Assert.Equal(ExtractionMode.PromptOnly, LlmContract<PromptPoint>.Mode);
        Assert.Null(LlmContract<PromptPoint>.Instructions);
        Assert.Equal(ExtractionMode.JsonObject, LlmContract<Point>.Mode);
        Assert.Null(LlmContract<ToolTally>.StrictJsonSchema);
    }

    [Fact]
    public async Task Tool_call_mode_sends_the_contract_as_the_one_forced_strict_function()
    {
        var callerTool = AIFunctionFactory.CreateDeclaration("lookup", "the caller's own", JsonDocument.Parse("""{"type":"object"}""").RootElement);
        var client = new Client(Call("point", Good));
        var options = new ExtractOptions { ChatOptions = new ChatOptions { ResponseFormat = ChatResponseFormat.Json, Tools = [callerTool], ModelId = "m" } };

        ToolPoint point = await client.ExtractAsync<ToolPoint>("(1, 2)", options);

        Assert.Equal(new ToolPoint(1, 2), point);
        ChatOptions sent = Assert.Single(client.Requests).Options!;
        Assert.Null(sent.ResponseFormat);
        Assert.Equal("m", sent.ModelId);
        var function = Assert.IsAssignableFrom<AIFunctionDeclaration>(Assert.Single(sent.Tools!));
        Assert.Equal("point", function.Name);
        Assert.Equal("Extract the point.", function.Description);
        Assert.Equal(LlmContract<ToolPoint>.StrictJsonSchema, function.JsonSchema.GetRawText());
        Assert.Equal(true, function.AdditionalProperties["strict"]);
        Assert.Equal("point", Assert.IsType<RequiredChatToolMode>(sent.ToolMode).RequiredFunctionName);
        Assert.False(sent.AllowMultipleToolCalls);

        // The caller's options are a template: not changed.
        Assert.Same(callerTool, Assert.Single(options.ChatOptions.Tools!));
        Assert.Same(ChatResponseFormat.Json, options.ChatOptions.ResponseFormat);
        Assert.Null(options.ChatOptions.ToolMode);
    }

    [Fact]
    public async Task A_type_without_a_strict_schema_is_sent_its_plain_schema_not_strict_and_without_instructions_a_stated_purpose()
    {
        var client = new Client(Call("ToolTally", """{"counts":{"a":1}}"""));

        ToolTally tally = await client.ExtractAsync<ToolTally>("a once");

        Assert.Equal(1, tally.Counts["a"]);
        var function = Assert.IsAssignableFrom<AIFunctionDeclaration>(Assert.Single(client.Requests[0].Options!.Tools!));
        Assert.Equal(LlmContract<ToolTally>.JsonSchema, function.JsonSchema.GetRawText());
        Assert.Equal(false, function.AdditionalProperties["strict"]);
        Assert.Equal("Gives the answer: call it once with the complete ToolTally JSON object as the arguments.", function.Description);
    }

    [Fact]
    public async Task Prompt_only_mode_sends_no_response_format_and_reads_the_text()
    {
        var client = new Client(Text(Good));
        var options = new ExtractOptions { ChatOptions = new ChatOptions { ResponseFormat = ChatResponseFormat.Json } };

        PromptPoint point = await client.ExtractAsync<PromptPoint>("(1, 2)", options);

        Assert.Equal(new PromptPoint(1, 2), point);
        ChatOptions sent = client.Requests[0].Options!;
        Assert.Null(sent.ResponseFormat);
        Assert.Null(sent.Tools);
        Assert.Null(sent.ToolMode);
    }

    [Theory]
    [InlineData(ExtractionMode.JsonObject)]
    [InlineData(ExtractionMode.StrictJsonSchema)]
    [InlineData(ExtractionMode.ToolCall)]
    [InlineData(ExtractionMode.PromptOnly)]
    public async Task The_option_overrides_the_types_mode(ExtractionMode mode)
    {
        var client = new Client(mode == ExtractionMode.ToolCall ? Call("ToolTally", Good) : Text(Good));

        ExtractionResult<PromptPoint> result = await client.TryExtractAsync<PromptPoint>("(1, 2)", new ExtractOptions { Mode = mode, MaxRetries = 0 });

        ChatOptions sent = client.Requests[0].Options!;
        switch (mode)
        {
            case ExtractionMode.JsonObject:
                Assert.Same(ChatResponseFormat.Json, sent.ResponseFormat);
                break;
            case ExtractionMode.StrictJsonSchema:
                Assert.Equal("PromptPoint", Assert.IsType<ChatResponseFormatJson>(sent.ResponseFormat).SchemaName);
                break;
            case ExtractionMode.ToolCall:
                Assert.Null(sent.ResponseFormat);
                Assert.Equal("PromptPoint", Assert.Single(sent.Tools!).Name);
                Assert.Equal(ExtractionErrorKind.NoJson, Assert.Single(result.Attempts[0].Errors).Kind); // a call of ToolTally
                return;
        }

        Assert.True(result.IsSuccess);
        Assert.Null(sent.Tools);
    }

    [Fact]
    public async Task A_mode_that_is_not_a_member_is_refused_before_any_request()
    {
        var client = new Client();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ExtractAsync<Point>("x", new ExtractOptions { Mode = (ExtractionMode)7 }));

        Assert.Contains("mode 7, which is not an ExtractionMode", e.Message);
        Assert.Empty(client.Requests);
    }

    [Fact]
    public async Task The_raw_response_of_a_call_is_its_arguments_written_out_again()
    {
        var client = new Client(Call("point", """{ "x" : 1, "y":2 }"""));

        ExtractionResult<ToolPoint> result = await client.TryExtractAsync<ToolPoint>("(1, 2)");

        Assert.True(result.IsSuccess);
        Assert.Equal(Good, result.Attempts[0].RawResponse);
        Assert.Equal(ChatFinishReason.ToolCalls, result.Attempts[0].FinishReason);
    }

    [Fact]
    public async Task Invalid_arguments_are_re_asked_as_a_function_result_after_the_echoed_call()
    {
        var client = new Client(Call("point", """{"x":11,"y":2}""", "call_a"), Call("point", Good, "call_b"), Call("point", Good, "call_c"));

        ExtractionResult<ToolPoint> result = await client.TryExtractAsync<ToolPoint>("(1, 2)", new ExtractOptions { MaxRetries = 2 });

        Assert.True(result.IsSuccess);
        ExtractionAttempt first = result.Attempts[0];
        Assert.Equal(ExtractionFailureKind.InvalidAnswer, first.FailureKind);
        Assert.Equal("""{"x":11,"y":2}""", first.RawResponse);
        Assert.True(first.Errors.Count == 1 && first.Errors[0].Path == "$.x", string.Join("; ", first.Errors));

        IList<ChatMessage> reask = client.Requests[1].Messages;
        Assert.Equal(4, reask.Count);
        var echoed = Assert.IsType<FunctionCallContent>(Assert.Single(reask[2].Contents));
        Assert.Equal(ChatRole.Assistant, reask[2].Role);
        Assert.Equal(("call_a", "point"), (echoed.CallId, echoed.Name));
        Assert.Equal(11, ((JsonElement)echoed.Arguments!["x"]!).GetInt32());
        Assert.Equal(ChatRole.Tool, reask[3].Role);
        var answered = Assert.IsType<FunctionResultContent>(Assert.Single(reask[3].Contents));
        Assert.Equal("call_a", answered.CallId);
        string errors = Assert.IsType<string>(answered.Result);
        Assert.StartsWith("Your answer could not be used:\n- $.x: ", errors);
        Assert.EndsWith("Call \"point\" again, once, with the complete corrected JSON object as its arguments.", errors);
    }

    [Fact]
    public async Task Re_asks_keep_only_the_newest_failed_call()
    {
        var client = new Client(Call("point", """{"x":11,"y":2}""", "call_a"), Call("point", """{"x":12,"y":2}""", "call_b"), Call("point", Good, "call_c"));

        await client.ExtractAsync<ToolPoint>("(1, 2)", new ExtractOptions { MaxRetries = 2 });

        IList<ChatMessage> third = client.Requests[2].Messages;
        Assert.Equal(4, third.Count);
        Assert.Equal("call_b", Assert.IsType<FunctionCallContent>(Assert.Single(third[2].Contents)).CallId);
        Assert.Equal("call_b", Assert.IsType<FunctionResultContent>(Assert.Single(third[3].Contents)).CallId);
    }

    [Fact]
    public async Task A_text_answer_instead_of_the_call_is_re_asked_as_text()
    {
        var client = new Client(Text(Good), Call("point", Good));

        ExtractionResult<ToolPoint> result = await client.TryExtractAsync<ToolPoint>("(1, 2)");

        Assert.True(result.IsSuccess);
        ExtractionAttempt first = result.Attempts[0];
        ExtractionError error = Assert.Single(first.Errors);
        Assert.Equal((ExtractionErrorKind.NoJson, "$"), (error.Kind, error.Path));
        Assert.Equal("the answer is text instead of a call of the tool \"point\"; call it with the JSON object as its arguments", error.Message);
        Assert.Equal(Good, first.RawResponse);

        IList<ChatMessage> reask = client.Requests[1].Messages;
        Assert.Equal((ChatRole.Assistant, Good), (reask[2].Role, reask[2].Text));
        Assert.Equal(ChatRole.User, reask[3].Role);
        Assert.EndsWith("Call \"point\" again, once, with the complete corrected JSON object as its arguments.", reask[3].Text);
    }

    [Fact]
    public async Task A_call_of_another_tool_is_rejected_and_answered()
    {
        var client = new Client(Call("lookup", """{"q":"x"}""", "call_l"), Call("point", Good));

        ExtractionResult<ToolPoint> result = await client.TryExtractAsync<ToolPoint>("(1, 2)");

        ExtractionAttempt first = result.Attempts[0];
        ExtractionError error = Assert.Single(first.Errors);
        Assert.Equal(ExtractionErrorKind.NoJson, error.Kind);
        Assert.Equal("the answer is a call of the tool \"lookup\" instead of one call of the tool \"point\"", error.Message);
        Assert.Equal("""{"q":"x"}""", first.RawResponse);
        IList<ChatMessage> reask = client.Requests[1].Messages;
        Assert.Equal("lookup", Assert.IsType<FunctionCallContent>(Assert.Single(reask[2].Contents)).Name);
        Assert.Equal("call_l", Assert.IsType<FunctionResultContent>(Assert.Single(reask[3].Contents)).CallId);
    }

    [Fact]
    public async Task Several_calls_are_rejected_and_each_is_answered()
    {
        var twice = new ChatResponse(new ChatMessage(ChatRole.Assistant, [CallContent("point", Good, "c1"), CallContent("point", """{"x":3,"y":4}""", "c2")]))
        {
            FinishReason = ChatFinishReason.ToolCalls,
        };
        var client = new Client(twice, Call("point", Good));

        ExtractionResult<ToolPoint> result = await client.TryExtractAsync<ToolPoint>("(1, 2)");

        ExtractionAttempt first = result.Attempts[0];
        ExtractionError error = Assert.Single(first.Errors);
        Assert.Equal(ExtractionErrorKind.MultipleValues, error.Kind);
        Assert.Equal("the answer is 2 tool calls (of the tools \"point\", \"point\") instead of one call of the tool \"point\"", error.Message);
        Assert.Equal(Good + "\n" + """{"x":3,"y":4}""", first.RawResponse);
        IList<ChatMessage> reask = client.Requests[1].Messages;
        Assert.Equal(new[] { "c1", "c2" }, reask[2].Contents.Cast<FunctionCallContent>().Select(c => c.CallId));
        Assert.Equal(new[] { "c1", "c2" }, reask[3].Contents.Cast<FunctionResultContent>().Select(c => c.CallId));
    }

    [Fact]
    public async Task Arguments_the_client_could_not_read_are_an_invalid_answer_echoed_as_an_empty_object()
    {
        var broken = new FunctionCallContent("call_x", "point")
        {
            Exception = new InvalidOperationException("Error parsing function call arguments.", new JsonException("'{' is invalid after a value.")),
        };
        var client = new Client(new ChatResponse(new ChatMessage(ChatRole.Assistant, [broken])) { FinishReason = ChatFinishReason.ToolCalls }, Call("point", Good));

        ExtractionResult<ToolPoint> result = await client.TryExtractAsync<ToolPoint>("(1, 2)");

        Assert.True(result.IsSuccess);
        ExtractionAttempt first = result.Attempts[0];
        ExtractionError error = Assert.Single(first.Errors);
        Assert.Equal(ExtractionErrorKind.InvalidJson, error.Kind);
        Assert.Equal("the arguments of the call of \"point\" are not a JSON object ('{' is invalid after a value.)", error.Message);
        Assert.Null(first.RawResponse); // the provider's text is not reachable through the chat client's types
        var echoed = Assert.IsType<FunctionCallContent>(Assert.Single(client.Requests[1].Messages[2].Contents));
        Assert.Empty(echoed.Arguments!);
    }

    [Fact]
    public async Task A_refusal_and_a_cut_off_call_end_the_loop_as_in_every_mode()
    {
        var refusing = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new ErrorContent("no") { ErrorCode = "Refusal" }])) { FinishReason = ChatFinishReason.Stop };
        var cut = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c", "point") { Exception = new InvalidOperationException("cut") }]))
        {
            FinishReason = ChatFinishReason.Length,
        };
        var client = new Client(refusing, cut);

        ExtractionResult<ToolPoint> refused = await client.TryExtractAsync<ToolPoint>("x");
        ExtractionResult<ToolPoint> truncated = await client.TryExtractAsync<ToolPoint>("x");

        Assert.Equal(ExtractionFailureKind.Refusal, refused.FailureKind);
        Assert.Equal(ExtractionFailureKind.Truncated, truncated.FailureKind);
        Assert.Equal(new[] { ExtractionErrorKind.Truncated, ExtractionErrorKind.InvalidJson }, truncated.Attempts[0].Errors.Select(e => e.Kind));
        Assert.Equal(2, client.Requests.Count);
    }

    [Fact]
    public void Arguments_built_from_plain_values_are_written_as_the_json_they_stand_for()
    {
        var call = new FunctionCallContent("c", "f", new Dictionary<string, object?>
        {
            ["s"] = "é \"q\"",
            ["i"] = 3,
            ["d"] = 2.5m,
            ["b"] = true,
            ["n"] = null,
            ["list"] = new List<object?> { 1L, "two", null },
            ["nested"] = new Dictionary<string, object?> { ["k"] = JsonDocument.Parse("[1,{\"a\":null}]").RootElement },
            ["node"] = JsonNode.Parse("{\"z\":0.5}"),
        });

        string? text = ResponseReader.ArgumentsText(call);

        Assert.Equal("""{"s":"é \"q\"","i":3,"d":2.5,"b":true,"n":null,"list":[1,"two",null],"nested":{"k":[1,{"a":null}]},"node":{"z":0.5}}""", text);
        Assert.Null(ResponseReader.ArgumentsText(new FunctionCallContent("c", "f")));
    }

    private static ChatResponse Text(string text) =>
        new(new ChatMessage(ChatRole.Assistant, text)) { FinishReason = ChatFinishReason.Stop };

    private static ChatResponse Call(string name, string arguments, string callId = "call_1") =>
        new(new ChatMessage(ChatRole.Assistant, [CallContent(name, arguments, callId)])) { FinishReason = ChatFinishReason.ToolCalls };

    // As Microsoft.Extensions.AI's clients build it: the arguments parsed into JsonElement values.
    private static FunctionCallContent CallContent(string name, string arguments, string callId) =>
        FunctionCallContent.CreateFromParsedArguments(arguments, callId, name, static json =>
            JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone()));

    private sealed record Request(IList<ChatMessage> Messages, ChatOptions? Options);

    private sealed class Client(params ChatResponse[] responses) : IChatClient
    {
        private readonly Queue<ChatResponse> _responses = new(responses);

        public List<Request> Requests { get; } = new();

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Requests.Add(new Request(messages.ToList(), options));
            return Task.FromResult(_responses.Dequeue());
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
