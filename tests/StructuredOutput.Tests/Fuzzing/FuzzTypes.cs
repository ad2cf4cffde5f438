using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>An enum with a renamed member, so that JSON names and C# names differ.</summary>
public enum Priority
{
    Low,
    Normal,
    [JsonStringEnumMemberName("urgent-now")]
    Urgent,
}

/// <summary>Nested objects, lists of objects and of nullable numbers, arrays, enums, every number type, nullable members.</summary>
[LlmExtract]
public partial record Order(
    string Id,
    Priority Priority,
    Priority? Escalation,
    decimal Total,
    double? Discount,
    long Sequence,
    bool Paid,
    List<OrderLine> Lines,
    Address? ShipTo,
    string[] Tags,
    List<int?> Scores);

/// <summary>One line of an order.</summary>
public record OrderLine(string Sku, int Quantity, decimal? UnitPrice, List<string> Notes);

/// <summary>A postal address.</summary>
public record Address(string Street, string? City, IReadOnlyList<string> Extra);

/// <summary>A settable class with recursion through a nullable member and a list.</summary>
[LlmExtract]
public partial class Outline
{
    public string Title { get; set; } = string.Empty;

    public int Level { get; set; }

    public Outline? Next { get; set; }

    public List<Outline> Sections { get; set; } = new();

    public List<List<double>> Grid { get; set; } = new();
}
