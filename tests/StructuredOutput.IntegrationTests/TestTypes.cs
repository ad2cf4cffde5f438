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

/// <summary>A shipment, sent in strict json_schema mode.</summary>
/// <param name="Id">The shipment id.</param>
/// <param name="Weight">Weight in kilograms.</param>
/// <param name="Carrier">The carrier's name; at most 20 characters.</param>
/// <param name="Stops">Where it stops on the way.</param>
/// <param name="Note">A remark; null when none.</param>
/// <param name="Parcels">How many parcels; 1 when not stated.</param>
// LLMX012 is the point here: the length limit stays out of the strict schema and is checked on the client.
#pragma warning disable LLMX012
[LlmExtract(Mode = ExtractionMode.StrictJsonSchema, Instructions = "Extract the shipment.")]
public partial record Shipment(
    string Id,
    [property: System.ComponentModel.DataAnnotations.Range(0.1, 1000.0)] double Weight,
    [property: System.ComponentModel.DataAnnotations.MaxLength(20)] string Carrier,
    List<Stop> Stops,
    string? Note,
    int Parcels = 1);
#pragma warning restore LLMX012

/// <summary>A stop of a shipment.</summary>
/// <param name="City">The city.</param>
/// <param name="Day">The day it stops there.</param>
public record Stop(string City, System.DateOnly Day);

/// <summary>How often each word occurs: a dictionary, so the type has no strict schema.</summary>
/// <param name="Counts">Each word and its count.</param>
[LlmExtract(Mode = ExtractionMode.ToolCall)]
public partial record WordCount(Dictionary<string, int> Counts);
/// <summary>A delivery, sent to providers with schema dialects of their own.</summary>
/// <param name="Id">The delivery id.</param>
/// <param name="Day">The day it arrives.</param>
/// <param name="Recipient">Who receives it.</param>
/// <param name="Sender">Who sends it; null when not stated.</param>
/// <param name="Tags">Labels.</param>
/// <param name="Attempts">Delivery attempts; 1 when not stated.</param>
[LlmExtract(Mode = ExtractionMode.StrictJsonSchema, Instructions = "Extract the delivery.", Dialects = [SchemaDialect.Gemini, SchemaDialect.Mistral])]
public partial record Delivery(string Id, System.DateOnly Day, Contact Recipient, Contact? Sender, List<string> Tags, int Attempts = 1);

/// <summary>A person to contact.</summary>
/// <param name="Name">The name.</param>
/// <param name="Phone">A phone number; null when none.</param>
public record Contact(string Name, string? Phone);
