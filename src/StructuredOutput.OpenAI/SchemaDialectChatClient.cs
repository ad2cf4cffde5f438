using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace StructuredOutput;

/// <summary>
/// Sends a provider dialect's schema (<see cref="ExtractOptions.Dialect"/> other than OpenAI's) exactly as generated
/// through an <see cref="IChatClient"/> of Microsoft.Extensions.AI.OpenAI. That client rewrites every <c>json_schema</c>
/// response format into OpenAI's strict form (it adds <c>"additionalProperties": false</c> to each object, and moves
/// keywords into descriptions), which is right for OpenAI and rejected by Gemini. For a request whose chat options name
/// a dialect under <see cref="ExtractOptions.SchemaDialectKey"/>, this client hands the SDK the response format itself
/// (through <see cref="ChatOptions.RawRepresentationFactory"/>), so the schema goes out untouched; any other request
/// passes through unchanged. <see cref="OpenAIEndpoint.CreateChatClient"/> adds it.
/// </summary>
/// <example>
/// <code>
/// IChatClient gemini = new SchemaDialectChatClient(sdkChatClient.AsIChatClient());
/// </code>
/// </example>
public sealed class SchemaDialectChatClient : DelegatingChatClient
{
    /// <summary>Wraps <paramref name="innerClient"/>, an <see cref="IChatClient"/> over the OpenAI SDK.</summary>
    /// <param name="innerClient">The client that sends the requests.</param>
    public SchemaDialectChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Verbatim(options), cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Verbatim(options), cancellationToken);

    // A copy of the options whose SDK options carry the dialect's schema as it is; the options themselves when they
    // name no dialect.
    private static ChatOptions? Verbatim(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(ExtractOptions.SchemaDialectKey, out object? dialect) != true
            || dialect is null
            || options.ResponseFormat is not ChatResponseFormatJson { Schema: { } schema } json)
        {
            return options;
        }

        bool? strict = options.AdditionalProperties.TryGetValue("strict", out object? s) && s is bool b ? b : null;
        var format = ChatResponseFormat.CreateJsonSchemaFormat(
            json.SchemaName ?? "json_schema",
            BinaryData.FromString(schema.GetRawText()),
            json.SchemaDescription,
            strict);
        var callerFactory = options.RawRepresentationFactory;
        var copy = options.Clone();
        copy.RawRepresentationFactory = client =>
        {
            var sdkOptions = callerFactory?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
            sdkOptions.ResponseFormat = format;
            return sdkOptions;
        };
        return copy;
    }
}
