using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace StructuredOutput.IntegrationTests;

/// <summary>Strict json_schema mode on the wire, through the official OpenAI SDK.</summary>
public sealed class StrictModeWireTests : ServerTestBase
{
    private const string Text = "Shipment S-1, 12.5 kg with Acme Freight, stopping in Lyon on 2026-03-02.";
    private const string Good = """{"id":"S-1","weight":12.5,"carrier":"Acme Freight","stops":[{"city":"Lyon","day":"2026-03-02"}],"note":null,"parcels":null}""";

    [Fact]
    public async Task A_strict_type_sends_its_strict_schema_with_strict_true()
    {
        _server.EnqueueCompletion(Good);

        var shipment = await _client.ExtractAsync<Shipment>(Text);

        Assert.Equal(1, shipment.Parcels); // null in strict mode means the default
        var request = Assert.Single(_server.Requests);
        var format = request.Json["response_format"]!.AsObject();
        Assert.Equal("json_schema", (string?)format["type"]);
        var schema = format["json_schema"]!.AsObject();
        Assert.Equal("Shipment", (string?)schema["name"]);
        Assert.True((bool?)schema["strict"], request.Raw);
        // Microsoft.Extensions.AI.OpenAI passes a strict schema through its own strict transform, which moves
        // "minimum", "maximum" and "format" into the description; everything else arrives as generated.
        var sent = schema["schema"]!.AsObject();
        var ours = JsonNode.Parse(LlmContract<Shipment>.StrictJsonSchema!)!.AsObject();
        Assert.DoesNotContain("$schema", sent.ToJsonString());
        Assert.Equal(Keys(ours["properties"]!), Keys(sent["properties"]!));
        Assert.Equal(Keys(ours["properties"]!), sent["required"]!.AsArray().Select(n => (string)n!).ToArray());
        Assert.False((bool)sent["additionalProperties"]!);
        Assert.Equal("[\"integer\",\"null\"]", sent["properties"]!["parcels"]!["type"]!.ToJsonString());
        Assert.Equal("[\"string\",\"null\"]", sent["properties"]!["note"]!["type"]!.ToJsonString());
        Assert.Contains("At most 20 characters.", (string)sent["properties"]!["carrier"]!["description"]!);
        Assert.Contains("minimum: 0.1", (string)sent["properties"]!["weight"]!["description"]!);
        var stop = sent["properties"]!["stops"]!["items"]!.AsObject();
        Assert.False((bool)stop["additionalProperties"]!);
        Assert.Equal(new[] { "city", "day" }, stop["required"]!.AsArray().Select(n => (string)n!).ToArray());
        Assert.Contains("format: date", (string)stop["properties"]!["day"]!["description"]!);

        // The prompt still describes the shape: servers that turn the schema into a grammar do not show it to the model.
        Assert.Equal(LlmContract<Shipment>.Prompt + "\n\n" + Wire.InputRule, request.Text(0));
    }

    private static string[] Keys(JsonNode node) => node.AsObject().Select(p => p.Key).ToArray();

    [Fact]
    public async Task What_strict_mode_does_not_enforce_is_still_checked_and_re_asked()
    {
        _server.EnqueueCompletion(Good.Replace("Acme Freight", "Acme Freight International Logistics"));
        _server.EnqueueCompletion(Good);

        var result = await _client.TryExtractAsync<Shipment>(Text);

        Assert.True(result.IsSuccess);
        Assert.Equal(2, _server.Requests.Count);
        var error = Assert.Single(result.Attempts[0].Errors);
        Assert.Equal("$.carrier", error.Path);
        Assert.Equal(ExtractionErrorKind.ConstraintViolated, error.Kind);
        Assert.Contains("$.carrier: expected at most 20 characters", _server.Requests[1].Text(_server.Requests[1].Messages.Count - 1));
        Assert.Equal("json_schema", (string?)_server.Requests[1].Json["response_format"]!["type"]);
    }

    [Fact]
    public async Task The_option_turns_strict_mode_on_for_any_type_and_off_for_a_strict_one()
    {
        _server.EnqueueCompletion("""{"name":"Ada","age":36,"email":null}""");
        _server.EnqueueCompletion(Good);

        await _client.ExtractAsync<Person>("Ada, 36", new ExtractOptions { Mode = ExtractionMode.StrictJsonSchema });
        await _client.ExtractAsync<Shipment>(Text, new ExtractOptions { Mode = ExtractionMode.JsonObject });

        var first = _server.Requests[0].Json["response_format"]!;
        Assert.Equal("json_schema", (string?)first["type"]);
        Assert.Equal("Person", (string?)first["json_schema"]!["name"]);
        Assert.True((bool?)first["json_schema"]!["strict"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"json_object"}"""), _server.Requests[1].Json["response_format"]));
    }
}
