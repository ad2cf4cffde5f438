using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace RecipeExtractor;

/// <summary>
/// The offline demo's stand-in for a model: it returns canned answers in order and generates nothing. It reports no
/// token usage, since no tokens are spent. Given a way to find a request's script, it serves many inputs at once (a
/// batch run), each answered from its own script in order.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Func<IEnumerable<ChatMessage>, IReadOnlyList<string>?> _scriptFor;
    private readonly ConcurrentDictionary<IReadOnlyList<string>, int> _answered = new(ReferenceEqualityComparer.Instance);

    /// <summary>Answers every request from one script.</summary>
    public ScriptedChatClient(IReadOnlyList<string> answers)
        : this(_ => answers)
    {
    }

    /// <summary>Answers each request from the script <paramref name="scriptFor"/> finds for its messages.</summary>
    public ScriptedChatClient(Func<IEnumerable<ChatMessage>, IReadOnlyList<string>?> scriptFor) => _scriptFor = scriptFor;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<string> answers = _scriptFor(messages)
            ?? throw new InvalidOperationException("The offline demo has no scripted answer for this input.");
        int index = _answered.AddOrUpdate(answers, 1, (_, n) => n + 1) - 1;
        string answer = answers[Math.Min(index, answers.Count - 1)];
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
