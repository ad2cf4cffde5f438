using System.Collections.Generic;
using System.ComponentModel;
using StructuredOutput;

namespace StructuredOutput.Benchmarks.Payloads;

// Three more representative extraction targets beside Recipe and Invoice: enums and nullable text (a support ticket),
// nested records and lists of them (a contact card), and a short record list with dates as text (meeting minutes).

[LlmExtract(Instructions = "Classify the support ticket in the document.")]
[Description("A customer support ticket, classified for routing.")]
public partial record SupportTicket(
    [property: Description("A one-line summary of the problem.")] string Summary,
    [property: Description("The area of the product the ticket is about.")] TicketCategory Category,
    [property: Description("How urgent the ticket is.")] TicketPriority Priority,
    [property: Description("The customer's mood.")] Sentiment Sentiment,
    [property: Description("The product name; null when not mentioned.")] string? Product,
    [property: Description("The order number; null when not mentioned.")] string? OrderNumber,
    [property: Description("Whether the customer asks for a refund.")] bool WantsRefund,
    [property: Description("Short keywords for search.")] List<string> Tags);

public enum TicketCategory
{
    Billing,
    Shipping,
    Account,
    Defect,
    FeatureRequest,
    Other,
}

public enum TicketPriority
{
    Low,
    Normal,
    High,
    Urgent,
}

public enum Sentiment
{
    Negative,
    Neutral,
    Positive,
}

[LlmExtract(Instructions = "Extract the contact card from the document.")]
[Description("A person's contact details.")]
public partial record ContactCard(
    [property: Description("The full name as written.")] string FullName,
    [property: Description("The job title; null when not given.")] string? JobTitle,
    [property: Description("The employer; null when not given.")] string? Company,
    [property: Description("Every email address.")] List<string> Emails,
    [property: Description("Every phone number.")] List<Phone> Phones,
    [property: Description("Every postal address.")] List<Address> Addresses);

[Description("A phone number.")]
public record Phone(
    [property: Description("The number in international format, such as +44 20 7946 0958.")] string Number,
    [property: Description("What the number is for.")] PhoneKind Kind);

public enum PhoneKind
{
    Mobile,
    Work,
    Home,
    Fax,
}

[Description("A postal address.")]
public record Address(
    [property: Description("Street and number.")] string Street,
    [property: Description("The city.")] string City,
    [property: Description("The postal code; null when not given.")] string? PostalCode,
    [property: Description("The ISO 3166-1 alpha-2 country code.")] string Country);

[LlmExtract(Instructions = "Extract the meeting minutes from the document.")]
[Description("The minutes of a meeting.")]
public partial record MeetingMinutes(
    [property: Description("The meeting's title.")] string Title,
    [property: Description("The date as YYYY-MM-DD.")] string Date,
    [property: Description("How long it lasted in minutes; null when not recorded.")] int? DurationMinutes,
    [property: Description("The names of those present.")] List<string> Attendees,
    [property: Description("The decisions taken, one sentence each.")] List<string> Decisions,
    [property: Description("The follow-up tasks.")] List<ActionItem> ActionItems);

[Description("A follow-up task.")]
public record ActionItem(
    [property: Description("What must be done.")] string Task,
    [property: Description("Who must do it.")] string Owner,
    [property: Description("The due date as YYYY-MM-DD; null when none.")] string? Due,
    [property: Description("Whether it blocks other work.")] bool Blocking);
