using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using OpenAI;

namespace StructuredOutput.Batching;

/// <summary>
/// Writes the request lines of a Batch API input file: <c>custom_id</c>, <c>method</c>, <c>url</c> and, as
/// <c>body</c>, the chat completion request exactly as the official SDK writes it for the conversation's messages and
/// chat options. The body is not composed here: the request is made through the SDK's chat client (via
/// Microsoft.Extensions.AI.OpenAI, as <see cref="ChatClientExtractExtensions.ExtractAsync{T}(Microsoft.Extensions.AI.IChatClient, string, ExtractOptions?, System.Threading.CancellationToken)"/> makes it), and taken
/// from the SDK's transport before it would leave the process. Nothing is sent.
/// </summary>
internal sealed class BatchRequestWriter : IDisposable
{
    /// <summary>The <c>url</c> of every line: the chat completions endpoint.</summary>
    public const string ChatCompletionsUrl = "/v1/chat/completions";

    private readonly CaptureHandler _capture = new();
    private readonly HttpClient _http;
    private readonly IChatClient _client;

    public BatchRequestWriter(string model)
    {
        _http = new HttpClient(_capture);
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1/v1"), // never reached: the handler answers in process
            Transport = new HttpClientPipelineTransport(_http),
            RetryPolicy = new ClientRetryPolicy(0),
        };
        _client = new OpenAI.Chat.ChatClient(model, new ApiKeyCredential("unused"), options).AsIChatClient();
    }

    /// <summary>The request body the SDK writes for <paramref name="messages"/> and <paramref name="options"/>.</summary>
    public async Task<byte[]> BodyAsync(IReadOnlyList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        await _client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return _capture.TakeBody();
    }

    /// <summary>One line of the input file (without its line feed).</summary>
    public static byte[] Line(string customId, ReadOnlySpan<byte> body)
    {
        using var buffer = new MemoryStream(body.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("custom_id", customId);
            writer.WriteString("method", "POST");
            writer.WriteString("url", ChatCompletionsUrl);
            writer.WritePropertyName("body");
            writer.WriteRawValue(body, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }

    /// <summary>Keeps the request body and answers with an empty completion, so the SDK's call returns.</summary>
    private sealed class CaptureHandler : HttpMessageHandler
    {
        private const string EmptyCompletion =
            "{\"id\":\"capture\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"capture\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\"}]}";

        private byte[]? _last;

        public byte[] TakeBody()
        {
            byte[] body = _last ?? throw new InvalidOperationException("The SDK sent no chat completion request.");
            _last = null;
            return body;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _last = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(EmptyCompletion, Encoding.UTF8, "application/json"),
                RequestMessage = request,
            };
        }
    }
}
