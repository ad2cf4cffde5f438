using System.Collections.Generic;
using System.ComponentModel;
#if !PEER_ONLY
using StructuredOutput;
#endif

namespace StructuredOutput.Benchmarks.Payloads;

// The two payload types every benchmark uses. Descriptions are [Description] attributes on the properties, so that
// the generator (which also reads XML docs) and Microsoft.Extensions.AI's schema builder (which reads only the
// attributes) see the same information. PEER_ONLY builds them without the attribute, for a process that must not
// load this library at all.

#if !PEER_ONLY
[LlmExtract(Instructions = "Extract the recipe from the document.")]
#endif
[Description("A recipe as written in a cookbook or on a web page.")]
public partial record Recipe(
    [property: Description("The dish's name, as the recipe gives it.")] string Name,
    [property: Description("How many people it serves; null when the text does not say.")] int? Servings,
    [property: Description("The cuisine the dish belongs to.")] Cuisine Cuisine,
    [property: Description("Every ingredient, in the order the recipe lists them.")] List<Ingredient> Ingredients,
    [property: Description("The method, one step per entry, in order.")] List<string> Steps,
    [property: Description("Preparation plus cooking time in minutes; null when the text does not say.")] int? TotalMinutes);

[Description("One ingredient line.")]
public record Ingredient(
    [property: Description("The ingredient, without its quantity (for example \"spaghetti\").")] string Name,
    [property: Description("The amount as a number; null for \"to taste\" or when none is given.")] decimal? Quantity,
    [property: Description("The unit of the quantity (g, ml, tbsp, piece…); null when the quantity is a count.")] string? Unit,
    [property: Description("Preparation or size notes such as \"large\" or \"grated\"; null when there are none.")] string? Note);

[Description("The cuisine of a dish.")]
public enum Cuisine
{
    Italian,
    French,
    Spanish,
    Greek,
    Indian,
    Chinese,
    Japanese,
    Thai,
    Mexican,
    American,
    Other,
}

#if !PEER_ONLY
[LlmExtract(Instructions = "Extract the invoice from the document.")]
#endif
[Description("An invoice issued by a supplier to a customer.")]
public partial record Invoice(
    [property: Description("The invoice number as printed.")] string Number,
    [property: Description("The supplier's legal name.")] string Supplier,
    [property: Description("The customer's legal name.")] string Customer,
    [property: Description("The issue date as YYYY-MM-DD.")] string IssueDate,
    [property: Description("The payment due date as YYYY-MM-DD; null when none is printed.")] string? DueDate,
    [property: Description("The currency of every amount.")] Currency Currency,
    [property: Description("Whether the invoice is paid.")] InvoiceStatus Status,
    [property: Description("Every line item, in printed order.")] List<InvoiceLine> Lines,
    [property: Description("The sum of the line amounts before tax.")] decimal Subtotal,
    [property: Description("The tax amount.")] decimal Tax,
    [property: Description("The amount due, tax included.")] decimal Total,
    [property: Description("Free-text remarks printed on the invoice; null when there are none.")] string? Notes);

[Description("One line item of an invoice.")]
public record InvoiceLine(
    [property: Description("The line's position, from 1.")] int Position,
    [property: Description("The supplier's article number.")] string Sku,
    [property: Description("What was sold.")] string Description,
    [property: Description("How many units.")] decimal Quantity,
    [property: Description("The unit (piece, hour, kg…); null for a plain count.")] string? Unit,
    [property: Description("The price of one unit before tax.")] decimal UnitPrice,
    [property: Description("The discount in percent; null when none.")] double? DiscountPercent,
    [property: Description("The line total before tax.")] decimal Amount,
    [property: Description("Whether tax applies to the line.")] bool Taxable);

[Description("An ISO 4217 currency.")]
public enum Currency
{
    EUR,
    USD,
    GBP,
    CHF,
    JPY,
}

[Description("The payment state of an invoice.")]
public enum InvoiceStatus
{
    Draft,
    Issued,
    Paid,
    Overdue,
    Cancelled,
}
