using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Linq;
using System.Text.Json.Serialization;
using StructuredOutput;

namespace StructuredOutput.Tests.TypeSpace;

public enum Shade
{
    Light,
    [JsonStringEnumMemberName("dark-ish")]
    Dark,
    Neon,
}

[LlmExtract]
public partial record Scalars(
    sbyte SByte, byte Byte, short Int16, ushort UInt16, int Int32, uint UInt32, long Int64, ulong UInt64,
    float Single, double Double, decimal Decimal, bool Bool, char Char, string Text,
    DateTime When, DateTimeOffset At, DateOnly Day, TimeOnly Time, TimeSpan Duration, Guid Id, Uri Link, Shade Shade);

public record Point(int X, int Y);

[LlmExtract]
public partial record Collections(
    int[] Array,
    List<int> List,
    IList<int> IList,
    IReadOnlyList<int> IReadOnlyList,
    ICollection<int> ICollection,
    IReadOnlyCollection<int> IReadOnlyCollection,
    IEnumerable<int> IEnumerable,
    ImmutableArray<int> Immutable,
    HashSet<string> Set,
    ISet<Shade> Shades,
    Dictionary<string, int> Map,
    IReadOnlyDictionary<string, Point> Points,
    IDictionary<string, List<DateOnly>?> Calendar,
    ImmutableArray<Point>? MaybePoints);

[LlmExtract]
public partial record Optionals(
    int? Count,
    DateOnly? Day,
    Guid? Id,
    Uri? Link,
    Shade? Shade,
    List<DateTime>? Times,
    char? Initial);

[LlmExtract]
public partial record Defaults(string Name, int Count = 3, Shade Shade = Shade.Dark, string? Note = null, string Unit = "g", [property: JsonRequired] int Must = 1);

/// <summary>A class with settable, init, required and inherited members.</summary>
public class Base
{
    /// <summary>The id.</summary>
    public required string Id { get; init; }
}

[LlmExtract]
public partial class Derived : Base
{
    public int Level { get; set; }

    public DateTimeOffset? Seen { get; init; }

    public string Shout => Id.ToUpperInvariant();
}

[LlmExtract]
public partial struct Measure
{
    public double Value { get; set; }

    public string Unit { get; set; }
}

[LlmExtract]
public partial record Constrained(
    [Range(1, 5)] int Stars,
    [Range(0.0, 1.0, MinimumIsExclusive = true)] double Ratio,
    [Range(typeof(decimal), "0.01", "999.99")] decimal Price,
    [StringLength(10, MinimumLength = 2)] string Code,
    [MinLength(1), MaxLength(3)] List<string> Tags,
    [Length(2, 2)] int[] Pair,
    [RegularExpression("[A-Z]{3}")] string Currency,
    [EmailAddress] string Email,
    [Url] string Homepage,
    [AllowedValues("draft", "final")] string Status,
    [DeniedValues(0)] int NonZero,
    [Required] string Title,
    [AllowedValues(Shade.Light, Shade.Neon)] Shade Primary,
    [Required] string? MustHave,
    [Range(10, 20)] int? MaybeInRange);

public record LineItem(string Description, decimal Amount);

[LlmExtract]
public partial record CheckedInvoice(List<LineItem> Items, decimal Total) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Items.Sum(i => i.Amount) != Total)
        {
            yield return new ValidationResult("total must equal the sum of line items", new[] { nameof(Total) });
        }

        if (Items.Count == 0)
        {
            yield return new ValidationResult("an invoice needs at least one line item");
        }
    }
}

// LLMX012 is expected here: this type holds constraints strict mode leaves out, to test that the client still checks them.
#pragma warning disable LLMX012
[LlmExtract(Mode = ExtractionMode.StrictJsonSchema, Name = "strict_order")]
public partial record StrictOrder(
    string Id,
    [MaxLength(20)] string Customer,
    [Range(1, 100)] int Quantity,
    HashSet<string> Labels,
    StrictNode Root,
    string? Note,
    int Priority = 2);
#pragma warning restore LLMX012

public record StrictNode(string Label, List<StrictNode> Children);

[LlmExtract]
public partial record WithMap(Dictionary<string, int> Counts);

[LlmExtract]
public partial record Rating([Range(1, 5)] int Stars);
