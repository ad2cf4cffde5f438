using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Benchmarks.Payloads;

/// <summary>
/// An in-process chat client with zero latency: every request gets the same fixed answer. It remembers the last
/// request's messages and options, so a caller can see what an extractor sends.
/// </summary>
public sealed class FakeChatClient : IChatClient
{
    private readonly string _answer;

    public FakeChatClient(string answer) => _answer = answer;

    /// <summary>The messages of the last request.</summary>
    public List<ChatMessage>? LastMessages { get; private set; }

    /// <summary>The options of the last request.</summary>
    public ChatOptions? LastOptions { get; private set; }

    /// <summary>When set, each request's messages and options are copied into <see cref="LastMessages"/>/<see cref="LastOptions"/>.</summary>
    public bool Capture { get; set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Capture)
        {
            LastMessages = new List<ChatMessage>(messages);
            LastOptions = options;
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, _answer)) { FinishReason = ChatFinishReason.Stop });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
