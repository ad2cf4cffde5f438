using System.Collections.Generic;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace StructuredOutput.Tests.Unions;

/// <summary>A shape on the drawing.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(Circle), "circle")]
[JsonDerivedType(typeof(Square), "square")]
[JsonDerivedType(typeof(Group), "group")]
public abstract record Shape;

/// <summary>A circle.</summary>
/// <param name="Radius">The radius in millimetres.</param>
public record Circle([Range(0, 1000)] double Radius) : Shape;

/// <summary>A square, optionally labelled.</summary>
/// <param name="Side">The side in millimetres.</param>
/// <param name="Label">The label written inside, if any.</param>
public record Square(double Side, string? Label) : Shape, IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Side <= 0)
        {
            yield return new ValidationResult("side must be positive", new[] { nameof(Side) });
        }
    }
}

/// <summary>Shapes drawn together: a union inside a member of the same union.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Items">The shapes in the group.</param>
public record Group(string Name, List<Shape> Items) : Shape;

/// <summary>An arithmetic expression.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(Num), "num")]
[JsonDerivedType(typeof(Add), "add")]
[JsonDerivedType(typeof(Neg), "neg")]
public abstract record Expr;

/// <param name="Value">The number.</param>
public record Num(int Value) : Expr;

/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public record Add(Expr Left, Expr Right) : Expr;

/// <param name="Operand">The negated expression.</param>
public record Neg(Expr Operand) : Expr;

/// <summary>How to reach someone: an interface union with System.Text.Json's default discriminator, "$type".</summary>
[JsonDerivedType(typeof(EmailContact), "email")]
[JsonDerivedType(typeof(PhoneContact), "phone")]
public interface IContact
{
}

public class EmailContact : IContact
{
    /// <summary>The e-mail address.</summary>
    public required string Address { get; init; }
}

public class PhoneContact : IContact
{
    /// <summary>The phone number.</summary>
    public required string Number { get; init; }

    /// <summary>When to call.</summary>
    public required List<string> Hours { get; init; }
}

/// <param name="Title">The drawing's title.</param>
/// <param name="Main">The main shape.</param>
/// <param name="Shapes">Every other shape.</param>
/// <param name="Spare">A spare shape, if any.</param>
/// <param name="Formula">The area formula.</param>
/// <param name="Contact">The author's contact.</param>
[LlmExtract(Mode = ExtractionMode.StrictJsonSchema)]
public partial record Drawing(string Title, Shape Main, List<Shape> Shapes, Shape? Spare, Expr Formula, IContact Contact);

/// <param name="ByName">Shapes by name.</param>
/// <param name="Steps">Expressions, some missing.</param>
[LlmExtract]
public partial record Catalog(Dictionary<string, Shape> ByName, IReadOnlyList<Expr?> Steps);
