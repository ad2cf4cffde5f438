using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// The extraction span through the official OpenAI SDK, with Microsoft.Extensions.AI's OpenTelemetry chat client
/// beneath it: one extraction span over one chat span per request, and the usage the server reported summed once.
/// </summary>
public sealed class TelemetryWireTests : ServerTestBase
{
    private const string ChatSource = "Experimental.Microsoft.Extensions.AI";
    private const string AdaText = "Ada Lovelace, 36, can be reached at ada@example.org.";
    private const string GoodAda = """{"name":"Ada Lovelace","age":36,"email":"ada@example.org"}""";
    private const string AgeAsWord = """{"name":"Ada Lovelace","age":"thirty-six","email":"ada@example.org"}""";

    [Fact]
    public async Task A_reask_over_the_wire_is_one_extraction_span_over_two_chat_spans_with_the_usage_summed()
    {
        _server.EnqueueCompletion(AgeAsWord, promptTokens: 120, completionTokens: 21);
        _server.EnqueueCompletion(GoodAda, promptTokens: 190, completionTokens: 19);
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is ExtractionTelemetry.SourceName or ChatSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var root = new Activity("wire test").SetIdFormat(ActivityIdFormat.W3C).Start();
        IChatClient client = _client.AsBuilder().UseOpenTelemetry().Build();

        Person person = await client.ExtractAsync<Person>(AdaText);

        Assert.Equal(36, person.Age);
        Assert.Equal(2, _server.Requests.Count);
        var spans = stopped.Where(a => a.TraceId == root.TraceId).ToList();
        Activity extraction = Assert.Single(spans, a => a.Source.Name == ExtractionTelemetry.SourceName);
        Assert.Equal("extract Person", extraction.DisplayName);
        Assert.Equal(root.SpanId, extraction.ParentSpanId);
        Assert.Equal("extract", extraction.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("json", extraction.GetTagItem("gen_ai.output.type"));
        Assert.Equal("test-model", extraction.GetTagItem("gen_ai.request.model")); // the SDK client's default model
        Assert.Equal("openai", extraction.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("json_object", extraction.GetTagItem("structured_output.mode"));
        Assert.Equal("success", extraction.GetTagItem("structured_output.outcome"));
        Assert.Equal(2, extraction.GetTagItem("structured_output.attempts"));
        Assert.Equal(1, extraction.GetTagItem("structured_output.reasks"));
        Assert.Equal(310L, extraction.GetTagItem("structured_output.usage.input_tokens"));
        Assert.Equal(40L, extraction.GetTagItem("structured_output.usage.output_tokens"));
        Assert.Equal(350L, extraction.GetTagItem("structured_output.usage.total_tokens"));
        Assert.Equal(new[] { "invalid_answer", "accepted" }, extraction.Events.Select(e => (string)e.Tags.Single(t => t.Key == "structured_output.attempt.outcome").Value!).ToArray());

        var chats = spans.Where(a => a.Source.Name == ChatSource).ToList();
        Assert.Equal(2, chats.Count);
        Assert.All(chats, chat => Assert.Equal(extraction.SpanId, chat.ParentSpanId));
        Assert.Equal(new long[] { 120, 190 }, chats.Select(c => Convert.ToInt64(c.GetTagItem("gen_ai.usage.input_tokens"))).ToArray());
        Assert.DoesNotContain(extraction.TagObjects, t => t.Key.StartsWith("gen_ai.usage.", StringComparison.Ordinal));
    }
}
