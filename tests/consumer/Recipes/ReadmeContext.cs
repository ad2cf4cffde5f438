// What the README's run-time snippets take as given: a chat client, as the set-up recipes make it, and the
// [LlmExtract] records they extract. tests/consumer/run.sh compiles this file beside the snippets (never runs it).
global using static ReadmeContext;
using Microsoft.Extensions.AI;
using StructuredOutput;

internal static class ReadmeContext
{
    /// <summary>The chat client the snippets call.</summary>
    public static IChatClient chatClient => OpenAIEndpoint.FromEnvironment().CreateChatClient();
}

/// <summary>A till receipt.</summary>
/// <param name="Merchant">The shop's name.</param>
/// <param name="Total">The amount paid.</param>
/// <param name="Items">What was bought, in the order listed.</param>
[LlmExtract(Instructions = "Extract the receipt.")]
public partial record Receipt(string Merchant, decimal Total, List<string> Items);

/// <summary>An invoice.</summary>
/// <param name="Number">The invoice number.</param>
/// <param name="Total">The grand total.</param>
/// <param name="DueDate">When it is due; null when not stated.</param>
[LlmExtract(Instructions = "Extract the invoice.")]
public partial record Invoice(string Number, decimal Total, DateOnly? DueDate);

/// <summary>A customer's support request.</summary>
/// <param name="OrderNumber">The order it is about; null when not named.</param>
/// <param name="Problem">What went wrong, in one sentence.</param>
/// <param name="WantsReplacement">Whether the customer asks for a replacement rather than a refund.</param>
[LlmExtract(Instructions = "Extract the support case.")]
public partial record SupportCase(int? OrderNumber, string Problem, bool WantsReplacement);
