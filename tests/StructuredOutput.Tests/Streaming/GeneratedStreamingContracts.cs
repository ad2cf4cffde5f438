using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace StructuredOutput.Tests.Streaming;

/// <summary>The kinds a streamed document can be of.</summary>
public enum StreamedKind
{
    Alpha,
    Beta,
    Gamma,
}

/// <summary>A label with a bounded weight: a list item with a constraint.</summary>
public record StreamedTag(string Label, [Range(0, 99)] int Weight);

/// <summary>A point whose rule refuses x = 13 once the object closes.</summary>
public record StreamedPoint([Range(-1000, 1000)] int X, int Y) : System.ComponentModel.DataAnnotations.IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (X == 13)
        {
            yield return new ValidationResult("x must not be 13.", new[] { nameof(X) });
        }
    }
}

/// <summary>Where an owner lives.</summary>
public record StreamedAddress(string Street, string City);

/// <summary>A nested object with a nested nullable object.</summary>
public record StreamedOwner(string Name, StreamedAddress? Address);

/// <summary>A union member.</summary>
[JsonDerivedType(typeof(StreamedCircle), "circle")]
[JsonDerivedType(typeof(StreamedBox), "box")]
public abstract record StreamedFigure;

/// <summary>A circle.</summary>
public record StreamedCircle(double Radius) : StreamedFigure;

/// <summary>A box.</summary>
public record StreamedBox(int Width, int Height) : StreamedFigure;

/// <summary>A recursive type: children and a next sibling of its own type.</summary>
public record StreamedNode(string Name, List<StreamedNode> Children, StreamedNode? Next);

/// <summary>A generated contract with every member kind the streaming reader handles.</summary>
[LlmExtract]
public partial record StreamedDocument(
    string Title,
    [RegularExpression("^[A-Z]{2}-[0-9]{3}$")] string Code,
    [Range(1, 100)] int Count,
    StreamedKind Kind,
    StreamedOwner Owner,
    StreamedPoint? Origin,
    [MinLength(1), MaxLength(5)] List<StreamedTag> Tags,
    List<string> Lines,
    int[] Numbers,
    List<StreamedKind> Kinds,
    Dictionary<string, int> Scores,
    StreamedFigure Figure,
    StreamedNode Tree,
    string? Comment,
    double? Ratio,
    bool Active = true);
