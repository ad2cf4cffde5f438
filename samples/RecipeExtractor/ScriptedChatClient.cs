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
/// batch run), each answered from its own script in order. Streamed, a canned answer arrives in small chunks with a
/// short pause between them (<see cref="ChunkSize"/>, <see cref="Pace"/>), the way a model's tokens do; the pauses
/// are only there to make the demo watchable, and a cancelled request stops at once.
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

    /// <summary>How many characters each streamed chunk holds (a model's token is about four).</summary>
    public int ChunkSize { get; init; } = 6;

    /// <summary>The pause before each streamed chunk after the first; zero streams as fast as the reader reads.</summary>
    public TimeSpan Pace { get; init; } = DefaultPace;

    /// <summary>The pause between streamed chunks when none is given: 15 ms, about 400 characters a second.</summary>
    public static readonly TimeSpan DefaultPace = TimeSpan.FromMilliseconds(15);

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
        string answer = response.Text;
        string id = "scripted-" + Guid.NewGuid().ToString("N")[..8];
        for (int i = 0; i < answer.Length; i += ChunkSize)
        {
            if (i > 0 && Pace > TimeSpan.Zero)
            {
                await Task.Delay(Pace, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, answer.Substring(i, Math.Min(ChunkSize, answer.Length - i)))
            {
                ResponseId = id,
                MessageId = id,
                ModelId = response.ModelId,
            };
        }

        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = id, MessageId = id, FinishReason = response.FinishReason, ModelId = response.ModelId };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
