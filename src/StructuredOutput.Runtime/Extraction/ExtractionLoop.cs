using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>
/// The extraction loop behind <see cref="ChatClientExtractExtensions"/>: one <see cref="ExtractionConversation{T}"/>
/// (the request, the judging of each answer, the re-asks) run on the chat client by <see cref="ConversationRunner"/>,
/// which types the client's failures (the attempt time-out, responses it cannot read), attaches the attempts to every
/// other exception, and reports to the extraction's span, metrics and logs. Batch runs use the same two pieces.
/// </summary>
internal static class ExtractionLoop
{
    public static async Task<ExtractionResult<T>> RunAsync<T>(IChatClient client, ExtractionInput input, ExtractOptions? options, CancellationToken cancellationToken)
        where T : ILlmExtractable<T>
    {
        var conversation = new ExtractionConversation<T>(input, options);
        return await ConversationRunner.RunAsync(client, conversation, options, observer: null, cancellationToken).ConfigureAwait(false);
    }
}
