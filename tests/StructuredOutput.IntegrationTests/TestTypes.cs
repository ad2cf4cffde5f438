using System.Collections.Generic;

namespace StructuredOutput.IntegrationTests;

/// <summary>A person named in a text.</summary>
/// <param name="Name">The person's full name.</param>
/// <param name="Age">Age in years.</param>
/// <param name="Email">E-mail address; null when none is given.</param>
[LlmExtract(Instructions = "Extract the person from the document.")]
public partial record Person(string Name, int Age, string? Email);

/// <summary>An invoice.</summary>
/// <param name="Number">The invoice number.</param>
/// <param name="Total">The grand total.</param>
/// <param name="Paid">Whether it has been paid.</param>
/// <param name="Status">The invoice's status.</param>
/// <param name="DueInDays">Days until due; null when not stated.</param>
/// <param name="Items">The invoice lines.</param>
[LlmExtract(Instructions = "Extract the invoice from the document.")]
public partial record Invoice(string Number, decimal Total, bool Paid, InvoiceStatus Status, int? DueInDays, List<InvoiceLine> Items);

/// <summary>One invoice line.</summary>
/// <param name="Description">What was sold.</param>
/// <param name="Qty">How many.</param>
/// <param name="UnitPrice">Price of one.</param>
public record InvoiceLine(string Description, int Qty, decimal UnitPrice);

/// <summary>The state of an invoice.</summary>
public enum InvoiceStatus
{
    Draft,
    Sent,
    Overdue,
}
