using System.Collections.Generic;
using System.Text;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>
/// Keeps what a streamed answer's updates hold beyond their text, so that the response judged at the end is the one
/// <c>ToChatResponse</c> would make of every update, without keeping a thousand text pieces to join again: the text is
/// already joined once as it arrives. Updates that carry only text are kept as one placeholder (the first of them,
/// whose message the text belongs to); updates that carry more are kept, with their text taken out. The pieces of a
/// tool call's arguments (<see cref="ToolArgumentsPieceContent"/>) are read as they arrive and taken out too: the whole
/// call comes at the end, and a piece kept beside it would be the arguments twice.
/// </summary>
internal static class AnswerUpdates
{
    /// <summary>Keeps <paramref name="update"/> in <paramref name="kept"/> as far as it holds more than text; <paramref name="textAt"/> is where the joined text goes.</summary>
    public static void Keep(List<ChatResponseUpdate> kept, ChatResponseUpdate update, ref int textAt)
    {
        IList<AIContent> contents = update.Contents;
        int texts = 0;
        int pieces = 0;
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent)
            {
                texts++;
            }
            else if (contents[i] is ToolArgumentsPieceContent)
            {
                pieces++;
            }
        }

        if (texts > 0 && textAt < 0)
        {
            textAt = kept.Count;
            kept.Add(WithHeaderOf(update, new ChatResponseUpdate { Role = update.Role }));
        }

        int taken = texts + pieces;
        bool onlyTaken = taken == contents.Count && update.FinishReason is null && update.AdditionalProperties is null;
        if (taken == 0)
        {
            kept.Add(update);
        }
        else if (!onlyTaken)
        {
            var others = new List<AIContent>(contents.Count - taken);
            for (int i = 0; i < contents.Count; i++)
            {
                if (contents[i] is not (TextContent or ToolArgumentsPieceContent))
                {
                    others.Add(contents[i]);
                }
            }

            ChatResponseUpdate rest = WithHeaderOf(update, new ChatResponseUpdate(update.Role, others));
            rest.FinishReason = update.FinishReason;
            rest.AdditionalProperties = update.AdditionalProperties;
            rest.RawRepresentation = update.RawRepresentation;
            rest.ContinuationToken = update.ContinuationToken;
            kept.Add(rest);
        }
    }

    // Copies what places an update in its response and message (ids, model, time, author) onto 'target'.
    private static ChatResponseUpdate WithHeaderOf(ChatResponseUpdate update, ChatResponseUpdate target)
    {
        target.MessageId = update.MessageId;
        target.ResponseId = update.ResponseId;
        target.ConversationId = update.ConversationId;
        target.ModelId = update.ModelId;
        target.CreatedAt = update.CreatedAt;
        target.AuthorName = update.AuthorName;
        return target;
    }

    /// <summary>The response of the kept updates, the joined <paramref name="text"/> in the placeholder at <paramref name="textAt"/>.</summary>
    public static ChatResponse ToResponse(List<ChatResponseUpdate> kept, int textAt, StringBuilder text)
    {
        if (textAt >= 0)
        {
            kept[textAt].Contents = new List<AIContent> { new TextContent(text.ToString()) };
        }

        return kept.ToChatResponse();
    }
}
