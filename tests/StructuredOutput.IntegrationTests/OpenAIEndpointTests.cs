using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// The one-line set-up of <c>StructuredOutput.OpenAI</c> (<see cref="OpenAIEndpoint"/>) against the fake server: the
/// model, key and base URL reach the wire, the response check is always in the pipeline, and bad settings are typed
/// errors that name the setting.
/// </summary>
public sealed class OpenAIEndpointTests
{
    private const string PersonJson = """{"name":"Ada Lovelace","age":36,"email":null}""";

    private static Func<string, string?> Variables(params (string Name, string Value)[] values)
    {
        var map = new Dictionary<string, string>();
        foreach (var (name, value) in values)
        {
            map[name] = value;
        }

        return name => map.TryGetValue(name, out var value) ? value : null;
    }

    [Fact]
    public async Task Explicit_values_reach_the_wire_and_the_extraction_succeeds()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.EnqueueCompletion(PersonJson);

        using IChatClient client = new OpenAIEndpoint("explicit-model", "explicit-key", new Uri(server.BaseUrl)).CreateChatClient();
        Person person = await client.ExtractAsync<Person>("Ada Lovelace, 36.");

        Assert.Equal(new Person("Ada Lovelace", 36, null), person);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("explicit-model", (string?)request.Json["model"]);
        Assert.Equal("Bearer explicit-key", request.Authorization);
    }

    [Fact]
    public async Task Environment_variables_choose_endpoint_key_and_model()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.EnqueueCompletion(PersonJson);
        var endpoint = OpenAIEndpoint.FromEnvironment(Variables(
            ("OPENAI_API_KEY", "env-key"), ("OPENAI_BASE_URL", server.BaseUrl), ("OPENAI_MODEL", "env-model")));

        Assert.Equal("env-model", endpoint.Model);
        Assert.Equal($"env-model at {server.BaseUrl}", endpoint.ToString());
        using IChatClient client = endpoint.CreateChatClient();
        var result = await client.TryExtractAsync<Person>("Ada Lovelace, 36.");

        Assert.True(result.IsSuccess, result.FailureKind.ToString());
        var request = Assert.Single(server.Requests);
        Assert.Equal("env-model", (string?)request.Json["model"]);
        Assert.Equal("Bearer env-key", request.Authorization);
    }

    [Fact]
    public void Without_a_model_variable_the_default_model_is_used()
    {
        var endpoint = OpenAIEndpoint.FromEnvironment(Variables(("OPENAI_API_KEY", "secret-key"), ("OPENAI_MODEL", "  ")));

        Assert.Equal(OpenAIEndpoint.DefaultModel, endpoint.Model);
        Assert.Null(endpoint.BaseUrl);
        Assert.Equal("secret-key", endpoint.ApiKey);
        Assert.Equal("gpt-4o-mini at https://api.openai.com/v1", endpoint.ToString());
    }

    [Fact]
    public async Task A_keyless_compatible_endpoint_is_called_with_the_placeholder_key()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.EnqueueCompletion(PersonJson);
        var endpoint = OpenAIEndpoint.FromEnvironment(Variables(("OPENAI_BASE_URL", server.BaseUrl), ("OPENAI_MODEL", "llama3.1")));

        Assert.Null(endpoint.ApiKey);
        using IChatClient client = endpoint.CreateChatClient();
        await client.ExtractAsync<Person>("Ada Lovelace, 36.");

        Assert.Equal("Bearer " + OpenAIEndpoint.NoKey, Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task The_response_check_is_always_in_the_pipeline()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        const string body = """{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[]}""";
        server.Enqueue(new RawResponse(200, body));

        using IChatClient client = new OpenAIEndpoint("m", "k", new Uri(server.BaseUrl)).CreateChatClient();
        var result = await client.TryExtractAsync<Person>("Ada Lovelace, 36.");

        Assert.Equal(ExtractionFailureKind.UnreadableResponse, result.FailureKind);
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(body, attempt.ResponseBody);
        Assert.Contains("\"choices\" is empty", attempt.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finish_reason_of_a_compatible_server_reads_as_the_sdk_value()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.EnqueueCompletion(PersonJson, finishReason: "eos");

        using IChatClient client = new OpenAIEndpoint("m", "k", new Uri(server.BaseUrl)).CreateChatClient();
        var result = await client.TryExtractAsync<Person>("Ada Lovelace, 36.");

        Assert.True(result.IsSuccess, result.FailureKind.ToString());
        Assert.Equal(ChatFinishReason.Stop, Assert.Single(result.Attempts).FinishReason);
    }

    [Fact]
    public void Neither_key_nor_base_url_names_the_missing_variable()
    {
        var e = Assert.Throws<InvalidOperationException>(() => OpenAIEndpoint.FromEnvironment(Variables(("OPENAI_MODEL", "m"))));

        Assert.Contains("OPENAI_API_KEY", e.Message, StringComparison.Ordinal);
        Assert.Contains("OPENAI_BASE_URL", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:11434/v1")]
    [InlineData("ftp://127.0.0.1/v1")]
    [InlineData("not a url")]
    public void A_base_url_that_is_not_http_names_the_variable_and_the_value(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => OpenAIEndpoint.FromEnvironment(Variables(("OPENAI_API_KEY", "k"), ("OPENAI_BASE_URL", value))));

        Assert.StartsWith("OPENAI_BASE_URL is '" + value + "'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_settings_are_checked_with_the_parameter_named()
    {
        Assert.Equal("apiKey", Assert.Throws<ArgumentException>(() => new OpenAIEndpoint("m")).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentException>(() => new OpenAIEndpoint(" ", "k")).ParamName);
        Assert.Equal("baseUrl", Assert.Throws<ArgumentException>(() => new OpenAIEndpoint("m", "k", new Uri("file:///tmp/x"))).ParamName);
    }
}
