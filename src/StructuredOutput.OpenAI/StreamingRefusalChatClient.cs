using System.Collections.Generic;
using System.Threading.Tasks;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace StructuredOutput;

/// <summary>
/// Gives a streamed refusal the same shape as a refusal in a whole response. Microsoft.Extensions.AI.OpenAI turns
/// <c>choices[].message.refusal</c> of a whole response into an <see cref="ErrorContent"/> with the code
/// <c>Refusal</c>, which the extractor reads as <see cref="ExtractionFailureKind.Refusal"/>; the <c>delta.refusal</c>
/// pieces of a stream reach only the SDK's raw updates. This client passes every update through unchanged and, when the
/// stream held refusal pieces, adds one last update with the joined refusal as that <see cref="ErrorContent"/>, so a
/// streamed extraction ends as a refusal too. Requests that are not streamed pass through untouched.
/// <see cref="OpenAIEndpoint.CreateChatClient"/> adds it.
/// </summary>
/// <example>
/// <code>
/// IChatClient client = new StreamingRefusalChatClient(sdkChatClient.AsIChatClient());
/// </code>
/// </example>
public sealed class StreamingRefusalChatClient : DelegatingChatClient
{
    // The code Microsoft.Extensions.AI.OpenAI gives the ErrorContent of a whole response's refusal.
    private const string RefusalCode = "Refusal";

    /// <summary>Wraps <paramref name="innerClient"/>, an <see cref="IChatClient"/> over the OpenAI SDK's chat completions.</summary>
    /// <param name="innerClient">The client that sends the requests.</param>
    public StreamingRefusalChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StringBuilder? refusal = null;
        bool givenAsContent = false;
        ChatResponseUpdate? last = null;
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (update.RawRepresentation is StreamingChatCompletionUpdate { RefusalUpdate: { Length: > 0 } piece })
            {
                (refusal ??= new StringBuilder()).Append(piece);
            }

            givenAsContent |= HasRefusal(update.Contents);
            last = update;
            yield return update;
        }

        // A later Microsoft.Extensions.AI.OpenAI may give the refusal itself; then it is not added a second time.
        if (refusal is not null && !givenAsContent)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, new List<AIContent> { new ErrorContent(refusal.ToString()) { ErrorCode = RefusalCode } })
            {
                ResponseId = last?.ResponseId,
                MessageId = last?.MessageId,
                ModelId = last?.ModelId,
                CreatedAt = last?.CreatedAt,
            };
        }
    }

    private static bool HasRefusal(IList<AIContent> contents)
    {
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is ErrorContent { ErrorCode: RefusalCode })
            {
                return true;
            }
        }

        return false;
    }
}
