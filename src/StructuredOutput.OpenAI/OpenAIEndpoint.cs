using System;
using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace StructuredOutput;

/// <summary>
/// Where a chat model is served: OpenAI itself or any OpenAI-compatible endpoint (Azure OpenAI's v1 endpoint, Ollama,
/// vLLM, llama.cpp's server, LM Studio, a gateway), with its key and the model name. <see cref="CreateChatClient"/>
/// turns it into an <see cref="IChatClient"/> on the official OpenAI .NET SDK, with the response check
/// (<see cref="ChatResponseCheckPolicy"/>) always added; HTTP, authentication and transport retries are the SDK's.
/// </summary>
/// <example>
/// <code>
/// IChatClient chatClient = OpenAIEndpoint.FromEnvironment().CreateChatClient();
/// IChatClient local = new OpenAIEndpoint("llama3.1", baseUrl: new Uri("http://localhost:11434/v1")).CreateChatClient();
/// </code>
/// </example>
public sealed class OpenAIEndpoint
{
    /// <summary>The environment variable that holds the API key: <c>OPENAI_API_KEY</c>.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>The environment variable that holds the base URL of a compatible endpoint: <c>OPENAI_BASE_URL</c>.</summary>
    public const string BaseUrlVariable = "OPENAI_BASE_URL";

    /// <summary>The environment variable that holds the model name: <c>OPENAI_MODEL</c>.</summary>
    public const string ModelVariable = "OPENAI_MODEL";

    /// <summary>The model used when none is named: <c>gpt-4o-mini</c>.</summary>
    public const string DefaultModel = "gpt-4o-mini";

    /// <summary>
    /// The key sent to an endpoint given without one: servers that need no key (Ollama, llama.cpp, vLLM started
    /// without <c>--api-key</c>) ignore it.
    /// </summary>
    public const string NoKey = "no-key";

    /// <summary>Creates the settings of an endpoint.</summary>
    /// <param name="model">The model name (for Azure OpenAI's v1 endpoint, the deployment name).</param>
    /// <param name="apiKey">The API key; optional when <paramref name="baseUrl"/> is given (see <see cref="NoKey"/>).</param>
    /// <param name="baseUrl">
    /// The base URL of an OpenAI-compatible endpoint, the part before <c>/chat/completions</c> (for example
    /// <c>http://localhost:11434/v1</c>); null for OpenAI's own API.
    /// </param>
    /// <exception cref="ArgumentException">
    /// <paramref name="model"/> is empty; <paramref name="baseUrl"/> is not an absolute http or https URL; or no
    /// <paramref name="apiKey"/> is given for OpenAI's own API, which needs one.
    /// </exception>
    public OpenAIEndpoint(string model, string? apiKey = null, Uri? baseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new ArgumentException("The model name is empty.", nameof(model));
        }

        if (baseUrl is not null && (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"The base URL '{baseUrl}' is not an absolute http or https URL.", nameof(baseUrl));
        }

        if (baseUrl is null && string.IsNullOrWhiteSpace(apiKey))
        {
            throw new ArgumentException("OpenAI's API needs an API key; give one, or the base URL of an endpoint that needs none.", nameof(apiKey));
        }

        Model = model;
        ApiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;
        BaseUrl = baseUrl;
    }

    /// <summary>The model name sent with every request.</summary>
    public string Model { get; }

    /// <summary>The API key, or null when the endpoint is used without one.</summary>
    public string? ApiKey { get; }

    /// <summary>The base URL of a compatible endpoint, or null for OpenAI's own API.</summary>
    public Uri? BaseUrl { get; }

    /// <summary>
    /// Reads the endpoint from the environment variables <c>OPENAI_API_KEY</c>, <c>OPENAI_BASE_URL</c> (optional) and
    /// <c>OPENAI_MODEL</c> (optional, default <see cref="DefaultModel"/>). Empty values count as unset.
    /// </summary>
    /// <param name="getVariable">
    /// Reads one variable; null reads the process environment (<see cref="Environment.GetEnvironmentVariable(string)"/>).
    /// </param>
    /// <returns>The endpoint the variables describe.</returns>
    /// <exception cref="InvalidOperationException">
    /// <c>OPENAI_API_KEY</c> is unset and so is <c>OPENAI_BASE_URL</c>, or <c>OPENAI_BASE_URL</c> is not an absolute
    /// http or https URL; the message names the variable.
    /// </exception>
    public static OpenAIEndpoint FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        string? apiKey = Value(getVariable, ApiKeyVariable);
        string? baseUrlText = Value(getVariable, BaseUrlVariable);
        string model = Value(getVariable, ModelVariable) ?? DefaultModel;

        Uri? baseUrl = null;
        if (baseUrlText is not null
            && (!Uri.TryCreate(baseUrlText, UriKind.Absolute, out baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)))
        {
            throw new InvalidOperationException($"{BaseUrlVariable} is '{baseUrlText}', which is not an absolute http or https URL.");
        }

        if (apiKey is null && baseUrl is null)
        {
            throw new InvalidOperationException(
                $"{ApiKeyVariable} is not set: set it to call OpenAI, or set {BaseUrlVariable} to an OpenAI-compatible endpoint that needs no key.");
        }

        return new OpenAIEndpoint(model, apiKey, baseUrl);
    }

    /// <summary>
    /// An <see cref="IChatClient"/> for this endpoint and model on the OpenAI .NET SDK, with
    /// <see cref="ChatResponseCheckPolicy"/> added to its pipeline.
    /// </summary>
    /// <param name="options">
    /// SDK options to start from (network time-out, retry policy, extra policies…); their endpoint is replaced by
    /// <see cref="BaseUrl"/> when one is set. Null for the SDK's defaults.
    /// </param>
    /// <returns>
    /// A new chat client, which sends a provider dialect's schema as generated (<see cref="SchemaDialectChatClient"/>),
    /// ends a streamed refusal as a refusal (<see cref="StreamingRefusalChatClient"/>) and streams a tool call's arguments
    /// piece by piece (<see cref="StreamingToolArgumentsChatClient"/>); dispose it when done.
    /// </returns>
    public IChatClient CreateChatClient(OpenAIClientOptions? options = null) =>
        new StreamingToolArgumentsChatClient(new StreamingRefusalChatClient(new SchemaDialectChatClient(CreateSdkChatClient(options).AsIChatClient())));

    /// <summary>
    /// The SDK's own <see cref="ChatClient"/> for this endpoint and model, with <see cref="ChatResponseCheckPolicy"/>
    /// added to its pipeline, for code that uses the SDK directly.
    /// </summary>
    /// <param name="options">As for <see cref="CreateChatClient"/>.</param>
    /// <returns>A new SDK chat client.</returns>
    public ChatClient CreateSdkChatClient(OpenAIClientOptions? options = null)
    {
        options ??= new OpenAIClientOptions();
        if (BaseUrl is not null)
        {
            options.Endpoint = BaseUrl;
        }

        options.AddResponseCheck();
        return new ChatClient(Model, new ApiKeyCredential(ApiKey ?? NoKey), options);
    }

    /// <summary>The model and where it is served, without the key: <c>gpt-4o-mini at https://api.openai.com/v1</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{Model} at {BaseUrl?.ToString() ?? "https://api.openai.com/v1"}";

    private static string? Value(Func<string, string?> getVariable, string name) =>
        getVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
