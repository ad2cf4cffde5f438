using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;
using StructuredOutput.Benchmarks.Payloads;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// One extraction call on a zero-latency in-process chat client: <c>ExtractAsync&lt;T&gt;</c> against
/// Microsoft.Extensions.AI's <c>GetResponseAsync&lt;T&gt;</c> (its default options; the typed value read through
/// <c>Result</c>), same client, same answer text. The ratio column is ours over theirs.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ExtractBenchmarks
{
    private static readonly ChatMessage[] FloorMessages = { new(ChatRole.User, PayloadTexts.Input) };

    private FakeChatClient _recipeClient = null!;
    private FakeChatClient _invoiceClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        _recipeClient = new FakeChatClient(PayloadTexts.Recipe);
        _invoiceClient = new FakeChatClient(PayloadTexts.Invoice);

        // Both sides must read the same values, and all of them, or the comparison means nothing.
        Recipe ours = Ours_Recipe().GetAwaiter().GetResult();
        Equality.AssertSame(ours, Meai_Recipe().GetAwaiter().GetResult(), nameof(Recipe));
        Equality.AssertRoundTrips(PayloadTexts.Recipe, System.Text.Json.JsonSerializer.Serialize(ours, PayloadJsonContext.Default.Recipe), nameof(Recipe));
        Invoice invoice = Ours_Invoice().GetAwaiter().GetResult();
        Equality.AssertSame(invoice, Meai_Invoice().GetAwaiter().GetResult(), nameof(Invoice));
        Equality.AssertRoundTrips(PayloadTexts.Invoice, System.Text.Json.JsonSerializer.Serialize(invoice, PayloadJsonContext.Default.Invoice), nameof(Invoice));
    }

    /// <summary>The floor under both: the fake client's own answer (response, message, content and task).</summary>
    [Benchmark, BenchmarkCategory("Floor: the fake client alone")]
    public Task<ChatResponse> FakeClientAlone() => _recipeClient.GetResponseAsync(FloorMessages);

    [Benchmark(Baseline = true), BenchmarkCategory("Recipe (10 ingredients)")]
    public async Task<Recipe> Meai_Recipe() => (await _recipeClient.GetResponseAsync<Recipe>(PayloadTexts.Input).ConfigureAwait(false)).Result;

    [Benchmark, BenchmarkCategory("Recipe (10 ingredients)")]
    public Task<Recipe> Ours_Recipe() => _recipeClient.ExtractAsync<Recipe>(PayloadTexts.Input);

    [Benchmark(Baseline = true), BenchmarkCategory("Invoice (100 lines)")]
    public async Task<Invoice> Meai_Invoice() => (await _invoiceClient.GetResponseAsync<Invoice>(PayloadTexts.Input).ConfigureAwait(false)).Result;

    [Benchmark, BenchmarkCategory("Invoice (100 lines)")]
    public Task<Invoice> Ours_Invoice() => _invoiceClient.ExtractAsync<Invoice>(PayloadTexts.Input);
}
