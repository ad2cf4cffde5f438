using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static StructuredOutput.Tests.Telemetry.ScriptedClient;

namespace StructuredOutput.Tests.Telemetry;

/// <summary>One <c>extract {Type}</c> span per extraction, with what only the extractor knows, above the chat spans.</summary>
[Collection(TelemetryCollection.Name)]
public class ExtractionSpanTests
{
    // Invalid (x is a word) and repaired (a trailing comma); then valid, repaired (taken out of a fence).
    private const string BadWithComma = """{"x":"one","y":2,}""";
    private const string GoodInFence = "```json\n{\"x\":1,\"y\":2}\n```";
    private const string Good = """{"x":1,"y":2}""";

    [Fact]
    public async Task A_reasked_extraction_is_one_span_with_attempts_reasks_repairs_and_usage_summed()
    {
        using var spans = new SpanRecorder();
        var client = new ScriptedClient(Answer(BadWithComma, (10, 5)), Answer(GoodInFence, (20, 6)));

        var result = await client.TryExtractAsync<TelemetryPoint>("x one, y two", new ExtractOptions { ChatOptions = new ChatOptions { ModelId = "model-a" } });

        Assert.True(result.IsSuccess);
        Activity span = spans.Extraction;
        Assert.Equal("extract TelemetryPoint", span.DisplayName);
        Assert.Equal(ActivityKind.Internal, span.Kind);
        Assert.Equal(spans.Root.SpanId, span.ParentSpanId);
        Assert.Equal("extract", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("json", span.GetTagItem("gen_ai.output.type"));
        Assert.Equal("model-a", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal(typeof(TelemetryPoint).FullName, span.GetTagItem("structured_output.contract.type"));
        Assert.Equal("json_object", span.GetTagItem("structured_output.mode"));
        Assert.Equal("success", span.GetTagItem("structured_output.outcome"));
        Assert.Equal(2, span.GetTagItem("structured_output.attempts"));
        Assert.Equal(1, span.GetTagItem("structured_output.reasks"));
        Assert.Equal(2L, span.GetTagItem("structured_output.repairs"));
        Assert.Equal(30L, span.GetTagItem("structured_output.usage.input_tokens"));
        Assert.Equal(11L, span.GetTagItem("structured_output.usage.output_tokens"));
        Assert.Equal(41L, span.GetTagItem("structured_output.usage.total_tokens"));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // The chat client's token attributes are not repeated on the extraction span.
        Assert.DoesNotContain(span.TagObjects, t => t.Key.StartsWith("gen_ai.usage.", StringComparison.Ordinal));

        var events = span.Events.ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal("structured_output.attempt", e.Name));
        Assert.Equal(new object?[] { 1, "invalid_answer", 1, 1L }, AttemptTags(events[0]));
        Assert.Equal(new object?[] { 2, "accepted", 0, 1L }, AttemptTags(events[1]));
    }

    [Fact]
    public async Task The_extraction_span_parents_each_chat_span_of_Microsoft_Extensions_AI()
    {
        using var spans = new SpanRecorder();
        IChatClient client = new ScriptedClient(Answer(BadWithComma, (10, 5)), Answer(Good, (20, 6)))
            .AsBuilder()
            .UseOpenTelemetry()
            .Build();

        await client.ExtractAsync<TelemetryPoint>("x one, y two", new ExtractOptions { ChatOptions = new ChatOptions { ModelId = "model-b" } });

        Activity extraction = spans.Extraction;
        var chats = spans.Chats;
        Assert.Equal(2, chats.Count);
        Assert.All(chats, chat =>
        {
            Assert.Equal(extraction.SpanId, chat.ParentSpanId);
            Assert.Same(extraction, chat.Parent);
            Assert.Equal("chat model-b", chat.DisplayName);
        });

        // The tokens stay counted once, on the chat spans; the extraction span sums them under its own names.
        Assert.Equal(new object?[] { 10L, 20L }, chats.Select(c => c.GetTagItem("gen_ai.usage.input_tokens")).Select(v => (object?)Convert.ToInt64(v)).ToArray());
        Assert.Equal(30L, extraction.GetTagItem("structured_output.usage.input_tokens"));
        Assert.Null(extraction.GetTagItem("gen_ai.usage.input_tokens"));

        // Once the extraction has returned, its span is no longer current.
        Assert.Same(spans.Root, Activity.Current);
    }

    [Theory]
    [InlineData(ExtractionMode.JsonObject, "json_object")]
    [InlineData(ExtractionMode.StrictJsonSchema, "json_schema")]
    [InlineData(ExtractionMode.ToolCall, "tool_call")]
    [InlineData(ExtractionMode.PromptOnly, "prompt_only")]
    public async Task The_span_names_the_mode_of_the_request(ExtractionMode mode, string expected)
    {
        using var spans = new SpanRecorder();
        var client = new ScriptedClient(Answer(Good));

        await client.TryExtractAsync<TelemetryPoint>("x one, y two", new ExtractOptions { Mode = mode, MaxRetries = 0 });

        Assert.Equal(expected, spans.Extraction.GetTagItem("structured_output.mode"));
    }

    [Fact]
    public async Task Model_and_provider_come_from_the_clients_metadata_when_the_options_name_no_model()
    {
        using var spans = new SpanRecorder();
        var client = new ScriptedClient(Answer(Good)) { Metadata = new ChatClientMetadata("test-provider", null, "default-model") };

        await client.ExtractAsync<TelemetryPoint>("x one, y two", new ExtractOptions { Mode = ExtractionMode.StrictJsonSchema });

        Activity span = spans.Extraction;
        Assert.Equal("default-model", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("test-provider", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("json_schema", span.GetTagItem("structured_output.mode"));
        Assert.Equal(1, span.GetTagItem("structured_output.attempts"));
        Assert.Equal(0, span.GetTagItem("structured_output.reasks"));
        Assert.Equal(0L, span.GetTagItem("structured_output.repairs"));
        Assert.Null(span.GetTagItem("structured_output.usage.input_tokens")); // no attempt reported usage
    }

    [Fact]
    public async Task A_failed_extraction_sets_the_failure_kind_as_outcome_and_error_type_and_an_error_status()
    {
        using var spans = new SpanRecorder();
        var client = new ScriptedClient(Answer(BadWithComma), Answer(BadWithComma));

        var result = await client.TryExtractAsync<TelemetryPoint>("x one, y two");

        Assert.Equal(ExtractionFailureKind.InvalidAnswer, result.FailureKind);
        Activity span = spans.Extraction;
        Assert.Equal("invalid_answer", span.GetTagItem("structured_output.outcome"));
        Assert.Equal("invalid_answer", span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(2, span.GetTagItem("structured_output.attempts"));
        Assert.Equal(1, span.GetTagItem("structured_output.reasks"));
    }

    [Fact]
    public async Task A_refusal_is_its_own_outcome()
    {
        using var spans = new SpanRecorder();
        var refusal = new ChatResponse(new ChatMessage(ChatRole.Assistant, new List<AIContent> { new ErrorContent("I can't help with that.") { ErrorCode = "Refusal" } }));
        var client = new ScriptedClient(refusal);

        var result = await client.TryExtractAsync<TelemetryPoint>("x one, y two");

        Assert.Equal(ExtractionFailureKind.Refusal, result.FailureKind);
        Assert.Equal("refusal", spans.Extraction.GetTagItem("error.type"));
        Assert.Equal("refusal", Assert.Single(spans.Extraction.Events).Tags.Single(t => t.Key == "structured_output.attempt.outcome").Value);
    }

    [Fact]
    public async Task An_unreadable_response_is_a_recorded_attempt_and_its_own_outcome()
    {
        using var spans = new SpanRecorder();
        var client = new ScriptedClient(Answer(BadWithComma, (10, 5)), new UnreadableResponseException("the body has no choices", "{}"));

        var result = await client.TryExtractAsync<TelemetryPoint>("x one, y two");

        Assert.Equal(ExtractionFailureKind.UnreadableResponse, result.FailureKind);
        Activity span = spans.Extraction;
        Assert.Equal("unreadable_response", span.GetTagItem("error.type"));
        Assert.Equal(2, span.GetTagItem("structured_output.attempts"));
        Assert.Equal(10L, span.GetTagItem("structured_output.usage.input_tokens"));
        Assert.Equal(new[] { "invalid_answer", "unreadable_response" }, span.Events.Select(e => (string)e.Tags.Single(t => t.Key == "structured_output.attempt.outcome").Value!).ToArray());
    }

    [Fact]
    public async Task A_client_exception_passes_unchanged_and_the_span_records_its_type()
    {
        using var spans = new SpanRecorder();
        var thrown = new HttpRequestException("boom");
        var client = new ScriptedClient(Answer(BadWithComma), thrown);

        var caught = await Assert.ThrowsAsync<HttpRequestException>(() => client.ExtractAsync<TelemetryPoint>("x one, y two"));

        Assert.Same(thrown, caught);
        Activity span = spans.Extraction;
        Assert.Equal("exception", span.GetTagItem("structured_output.outcome"));
        Assert.Equal("System.Net.Http.HttpRequestException", span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(1, span.GetTagItem("structured_output.attempts")); // the answered attempt; the failed request is the client's
    }

    [Fact]
    public async Task A_cancelled_extraction_is_recorded_as_cancelled()
    {
        using var spans = new SpanRecorder();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ScriptedClient(Answer(Good)).ExtractAsync<TelemetryPoint>("x", cancellationToken: cts.Token));

        Activity span = spans.Extraction;
        Assert.Equal("cancelled", span.GetTagItem("structured_output.outcome"));
        Assert.Equal("System.OperationCanceledException", span.GetTagItem("error.type"));
        Assert.Equal(0, span.GetTagItem("structured_output.attempts"));
    }

    [Fact]
    public async Task Spans_never_carry_the_models_text()
    {
        using var spans = new SpanRecorder();
        const string secret = "Zanzibar-7";
        var client = new ScriptedClient(Answer("{\"x\":\"" + secret + "\",\"y\":2,}"), Answer(Good));

        await client.ExtractAsync<TelemetryPoint>("x one, y two", new ExtractOptions { EnableSensitiveData = true });

        Activity span = spans.Extraction;
        var values = span.TagObjects.Select(t => t.Value?.ToString())
            .Concat(span.Events.SelectMany(e => e.Tags).Select(t => t.Value is string[] a ? string.Join(",", a) : t.Value?.ToString()));
        Assert.DoesNotContain(values, v => v is not null && v.Contains(secret, StringComparison.Ordinal));
    }

    // Number, outcome, errors and repairs of an attempt event.
    private static object?[] AttemptTags(ActivityEvent e)
    {
        var tags = e.Tags.ToDictionary(t => t.Key, t => t.Value);
        return new[]
        {
            tags["structured_output.attempt.number"],
            tags["structured_output.attempt.outcome"],
            tags["structured_output.attempt.errors"],
            tags["structured_output.attempt.repairs"],
        };
    }
}
