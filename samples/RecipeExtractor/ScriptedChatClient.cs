using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace RecipeExtractor;

/// <summary>
/// The offline demo's stand-in for a model: it returns canned answers in order and generates nothing. It reports no
/// token usage, since no tokens are spent.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly IReadOnlyList<string> _answers;
    private int _next;

    public ScriptedChatClient(IReadOnlyList<string> answers) => _answers = answers;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int index = Interlocked.Increment(ref _next) - 1;
        string answer = _answers[Math.Min(index, _answers.Count - 1)];
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            FinishReason = ChatFinishReason.Stop,
            ModelId = "scripted-offline-demo",
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
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
