// A consumer of the StructuredOutput packages: extracts an order through the real OpenAI SDK from the loopback server
// given as the first argument, which answers first with a flawed order and then with a corrected one.
using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using StructuredOutput;

using IChatClient chatClient = new OpenAIEndpoint("consumer-model", "consumer-key", new Uri(args[0])).CreateChatClient();
ExtractionResult<Order> result = await chatClient.TryExtractAsync<Order>(
    "Order A-7 for Ada Lovelace: 2 x Earl Grey tea at 3.50, 1 x scone at 2.25. Ship express by 1 December 2026.");

var failures = new List<string>();
void Check(bool ok, string what)
{
    if (!ok)
    {
        failures.Add(what);
    }
}

foreach (var attempt in result.Attempts)
{
    Console.WriteLine($"Attempt {attempt.Number}: {(attempt.IsSuccess ? "accepted" : "rejected")}");
    foreach (var error in attempt.Errors)
    {
        Console.WriteLine($"  error  {error}");
    }
}

Check(result.Attempts.Count == 2, "two attempts");
Check(!result.Attempts[0].IsSuccess, "the first answer is rejected");
Check(result.Attempts[0].Errors.Any(e => e.Path == "$.shipping"), "an error at $.shipping");
Check(result.Attempts[0].Errors.Any(e => e.Path == "$.lines[1].quantity"), "an error at $.lines[1].quantity");
Check(result.IsSuccess, "the second answer is accepted");
if (result.Value is { } order)
{
    Check(order.Number == "A-7" && order.Customer == "Ada Lovelace", "number and customer");
    Check(order.Lines.Count == 2 && order.Lines[0] == new OrderLine("Earl Grey tea", 2, 3.50m), "the order lines");
    Check(order.Shipping == Shipping.Express && order.ShipBy == new DateOnly(2026, 12, 1), "shipping and date");
}

Check(LlmContract<Order>.JsonSchema.Contains("\"shipBy\"", StringComparison.Ordinal), "the generated schema names shipBy");
Check(LlmContract<Order>.Prompt.Contains("Extract the order", StringComparison.Ordinal), "the generated prompt");

string runtime = RuntimeInformation.FrameworkDescription + (RuntimeFeature.IsDynamicCodeSupported ? "" : ", NativeAOT");
if (failures.Count > 0)
{
    Console.WriteLine($"CONSUMER FAILED on {runtime}: " + string.Join("; ", failures));
    return 1;
}

Console.WriteLine($"CONSUMER OK on {runtime}: {result.Value!.Lines.Count} lines, {result.Value.Shipping}, {result.Value.ShipBy:yyyy-MM-dd}");
return 0;

/// <summary>An order.</summary>
/// <param name="Number">The order number.</param>
/// <param name="Customer">Who ordered.</param>
/// <param name="Lines">What was ordered.</param>
/// <param name="Shipping">How it ships.</param>
/// <param name="ShipBy">The date it must ship by.</param>
[LlmExtract(Instructions = "Extract the order from the document.")]
public partial record Order(string Number, string Customer, List<OrderLine> Lines, Shipping Shipping, DateOnly ShipBy);

/// <summary>One order line.</summary>
/// <param name="Item">What was ordered.</param>
/// <param name="Quantity">How many.</param>
/// <param name="UnitPrice">The price of one.</param>
public record OrderLine(string Item, [Range(1, 1000)] int Quantity, decimal UnitPrice);

/// <summary>How an order ships.</summary>
public enum Shipping
{
    Standard,
    Express,
}
