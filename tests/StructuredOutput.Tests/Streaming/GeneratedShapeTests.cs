using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Linq;
using System.Text;
using System.Text.Json;
using StructuredOutput.Reading;
using StructuredOutput.Streaming;

namespace StructuredOutput.Tests.Streaming;

public enum StreamedUnit
{
    Gram,
    Piece,
}

public record StreamedIngredient(string Name, double Quantity, StreamedUnit? Unit);

public record StreamedNutrition(int Calories) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Calories == 13)
        {
            yield return new ValidationResult("Unlucky.", new[] { nameof(Calories) });
        }
    }
}

[LlmExtract]
public partial record StreamedRecipe(
    string Name,
    [Range(1, 12)] int Servings,
    StreamedUnit Unit,
    [MinLength(1)] List<StreamedIngredient> Ingredients,
    string[] Steps,
    List<int> Timers,
    StreamedNutrition? Nutrition,
    Dictionary<string, string> Notes,
    string? Source,
    bool Vegetarian = true);

/// <summary>
/// The shape the generator emits for a contract, as the streaming reader uses it: members, kinds, JSON names and
/// flags; each member's and element's reader reads one value exactly as <c>Parse</c> does in a whole answer; views read
/// their slots through typed properties.
/// </summary>
public class GeneratedShapeTests
{
    private const string ValidAnswer = """
        {"name": "Soup", "servings": 4, "unit": "Gram",
         "ingredients": [{"name": "leek", "quantity": 2, "unit": "Piece"}],
         "steps": ["Chop.", "Boil."], "timers": [10, 20], "nutrition": {"calories": 300},
         "notes": {"tip": "salt late"}, "source": null, "vegetarian": false}
        """;

    private static PartialShape Shape => ShapeOf<StreamedRecipe>() ?? throw new InvalidOperationException("No shape.");

    private static PartialShape? ShapeOf<T>()
        where T : ILlmExtractable<T> => T.StreamingShape;

    [Fact]
    public void TheShapeListsEveryMemberWithItsKindNameAndFlags()
    {
        Assert.Equal("StreamedRecipe", Shape.TypeName);
        var members = Shape.Members.Select(m => (m.MemberName, m.JsonName, m.Kind, m.IsRequired, m.ReadWhenClosed, m.Element?.Kind, m.Expected)).ToArray();
        Assert.Equal(
            new (string, string, PartialKind, bool, bool, PartialKind?, string)[]
            {
                ("Name", "name", PartialKind.Text, true, false, null, "a string"),
                ("Servings", "servings", PartialKind.Value, true, false, null, "an integer"),
                ("Unit", "unit", PartialKind.Value, true, false, null, "one of \"Gram\", \"Piece\""),
                ("Ingredients", "ingredients", PartialKind.List, true, true, PartialKind.Object, "an array"),
                ("Steps", "steps", PartialKind.List, true, false, PartialKind.Text, "an array"),
                ("Timers", "timers", PartialKind.List, true, false, PartialKind.Value, "an array"),
                ("Nutrition", "nutrition", PartialKind.Object, false, true, null, "an object or null"),
                ("Notes", "notes", PartialKind.Value, true, false, null, "an object"),
                ("Source", "source", PartialKind.Text, false, false, null, "a string or null"),
                ("Vegetarian", "vegetarian", PartialKind.Value, false, false, null, "true or false"),
            },
            members);

        Assert.Equal(typeof(StreamedIngredient), Shape.Members[3].Element!.ItemType);
        Assert.Equal(typeof(string), Shape.Members[4].Element!.ItemType);
        Assert.Equal(typeof(int), Shape.Members[5].Element!.ItemType);
        Assert.IsType<StreamedRecipe.StreamedNutritionPartial>(Shape.Members[6].CreateObject!());
        Assert.IsType<StreamedRecipe.StreamedIngredientPartial>(Shape.Members[3].Element!.CreateObject!());
        Assert.IsType<PartialList<StreamedRecipe.StreamedIngredientPartial>>(Shape.Members[3].Element!.CreateList());
        Assert.IsType<PartialList<string?>>(Shape.Members[4].Element!.CreateList());
        Assert.IsType<PartialList<int>>(Shape.Members[5].Element!.CreateList());
    }

    [Fact]
    public void TheWholeAnswerParses()
    {
        var result = LlmContract<StreamedRecipe>.Parse(ValidAnswer);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData("name", "\"Soup\"")]
    [InlineData("servings", "4")]
    [InlineData("servings", "40")]
    [InlineData("servings", "\"four\"")]
    [InlineData("unit", "\"Piece\"")]
    [InlineData("unit", "\"x\"")]
    [InlineData("unit", "null")]
    [InlineData("ingredients", "[]")]
    [InlineData("ingredients", "[{\"name\": \"leek\", \"quantity\": 2, \"unit\": null}]")]
    [InlineData("ingredients", "[{\"name\": \"leek\", \"quantity\": \"lots\", \"unit\": null}]")]
    [InlineData("steps", "[\"Chop.\", 3]")]
    [InlineData("timers", "[1, 2]")]
    [InlineData("nutrition", "{\"calories\": 13}")]
    [InlineData("nutrition", "null")]
    [InlineData("notes", "{\"a\": \"b\"}")]
    [InlineData("source", "null")]
    [InlineData("vegetarian", "null")]
    [InlineData("vegetarian", "true")]
    public void AMemberReaderReadsAsTheParserDoes(string jsonName, string json)
    {
        var member = Shape.Members.Single(m => m.JsonName == jsonName);
        var (ok, value, errors) = ReadOne(member.Read, json, jsonName);

        // The same value in a whole answer: the parser's value and its errors at that member.
        var parsed = LlmContract<StreamedRecipe>.Parse(WithMember(jsonName, json));
        var parsedErrors = parsed.Errors.Where(e => e.Path == "$." + jsonName || e.Path.StartsWith("$." + jsonName + "[", StringComparison.Ordinal) || e.Path.StartsWith("$." + jsonName + ".", StringComparison.Ordinal)).ToList();
        Assert.Equal(parsedErrors.Select(e => (e.Path, e.Kind, e.Message)), errors.Select(e => (e.Path, e.Kind, e.Message)));
        Assert.Equal(parsedErrors.Count == 0, ok);
        if (ok)
        {
            Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors));
            object? expected = typeof(StreamedRecipe).GetProperty(member.MemberName)!.GetValue(parsed.Value);
            Assert.Equal(Json(expected), Json(value));
        }
        else
        {
            Assert.Null(value);
            Assert.NotEmpty(errors);
        }
    }

    [Fact]
    public void AnOptionalMemberTakesItsDefaultForNull()
    {
        var (ok, value, errors) = ReadOne(Shape.Members.Single(m => m.MemberName == "Vegetarian").Read, "null", "vegetarian");
        Assert.True(ok);
        Assert.Empty(errors);
        Assert.Equal(true, value);
    }

    [Fact]
    public void AnUnknownEnumNameFailsAtTheMembersPath()
    {
        var (ok, value, errors) = ReadOne(Shape.Members[2].Read, "\"x\"", "unit");
        Assert.False(ok);
        Assert.Null(value);
        var error = Assert.Single(errors);
        Assert.Equal("$.unit", error.Path);
    }

    [Theory]
    [InlineData(3, "{\"name\": \"leek\", \"quantity\": 2, \"unit\": \"Gram\"}", "ingredients")]
    [InlineData(3, "{\"name\": \"leek\", \"unit\": \"Gram\"}", "ingredients")]
    [InlineData(4, "\"Chop.\"", "steps")]
    [InlineData(4, "null", "steps")]
    [InlineData(5, "7", "timers")]
    [InlineData(5, "7.5", "timers")]
    public void AnElementReaderReadsAsTheListReaderDoes(int memberIndex, string json, string jsonName)
    {
        var member = Shape.Members[memberIndex];
        var context = new JsonReadContext();
        context.EnterProperty(jsonName);
        context.EnterIndex(0);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        bool ok = member.Element!.Read(ref reader, context, out object? value);

        var parsed = LlmContract<StreamedRecipe>.Parse(WithMember(jsonName, "[" + json + "]"));
        var parsedErrors = parsed.Errors.Where(e => e.Path.StartsWith("$." + jsonName + "[0]", StringComparison.Ordinal)).ToList();
        Assert.Equal(parsedErrors.Select(e => (e.Path, e.Kind, e.Message)), context.Errors.Select(e => (e.Path, e.Kind, e.Message)));
        Assert.Equal(parsedErrors.Count == 0, ok);
        if (ok)
        {
            var list = (System.Collections.IEnumerable)typeof(StreamedRecipe).GetProperty(member.MemberName)!.GetValue(parsed.Value)!;
            Assert.Equal(Json(list.Cast<object?>().Single()), Json(value));
            Assert.IsAssignableFrom(member.Element.ItemType, value);
        }
        else
        {
            Assert.Null(value);
        }
    }

    [Fact]
    public void ViewsReadTheirSlotsThroughTypedProperties()
    {
        var view = new StreamedRecipe.Partial();
        Assert.Null(view.Name);
        Assert.Null(view.Servings);
        Assert.Null(view.Ingredients);
        Assert.False(view.IsMemberComplete(nameof(StreamedRecipe.Servings)));

        view.Complete(0, "Soup");
        view.Complete(1, 4);
        view.Complete(2, StreamedUnit.Piece);
        var ingredients = (PartialList<StreamedRecipe.StreamedIngredientPartial>)Shape.Members[3].Element!.CreateList();
        var ingredient = (StreamedRecipe.StreamedIngredientPartial)Shape.Members[3].Element!.CreateObject!();
        ingredient.Complete(0, "leek");
        ingredient.Complete(1, 2.5);
        ((IPartialList)ingredients).Add(ingredient);
        view.SetSlot(3, ingredients);
        var steps = (PartialList<string?>)Shape.Members[4].Element!.CreateList();
        ((IPartialList)steps).AddComplete("Chop.");
        view.SetSlot(4, steps);
        var nutrition = (StreamedRecipe.StreamedNutritionPartial)Shape.Members[6].CreateObject!();
        nutrition.Complete(0, 300);
        view.Complete(6, nutrition);
        var notes = new Dictionary<string, string> { ["tip"] = "salt late" };
        view.Complete(7, notes);
        view.Complete(9, false);

        Assert.Equal("Soup", view.Name);
        Assert.Equal(4, view.Servings);
        Assert.Equal(StreamedUnit.Piece, view.Unit);
        Assert.Same(ingredients, view.Ingredients);
        Assert.Equal("leek", view.Ingredients![0].Name);
        Assert.Equal(2.5, view.Ingredients[0].Quantity);
        Assert.Null(view.Ingredients[0].Unit);
        Assert.Equal(new[] { "Chop." }, view.Steps!);
        Assert.Null(view.Timers);
        Assert.Equal(300, view.Nutrition!.Calories);
        Assert.Same(notes, view.Notes);
        Assert.Null(view.Source);
        Assert.False(view.Vegetarian);
        Assert.True(view.IsMemberComplete(nameof(StreamedRecipe.Servings)));
        Assert.False(view.IsMemberComplete(nameof(StreamedRecipe.Ingredients)));
        Assert.Throws<ArgumentException>(() => view.IsMemberComplete("Calories"));
    }

    // Reads one value with a member reader, the context inside the member as the object reader would be.
    private static (bool Ok, object? Value, IReadOnlyList<ExtractionError> Errors) ReadOne(PartialValueReader read, string json, string jsonName)
    {
        var context = new JsonReadContext();
        context.EnterProperty(jsonName);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        bool ok = read(ref reader, context, out object? value);
        return (ok, value, context.Errors);
    }

    // The valid answer with one member's value replaced.
    private static string WithMember(string jsonName, string json)
    {
        using var document = JsonDocument.Parse(ValidAnswer);
        var sb = new StringBuilder("{");
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (sb.Length > 1)
            {
                sb.Append(", ");
            }

            sb.Append(JsonSerializer.Serialize(property.Name)).Append(": ").Append(property.Name == jsonName ? json : property.Value.GetRawText());
        }

        return sb.Append('}').ToString();
    }

    private static string Json(object? value) => value is null ? "null" : JsonSerializer.Serialize(value, value.GetType());
}
