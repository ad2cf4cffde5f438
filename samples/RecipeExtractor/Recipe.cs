using System.Collections.Generic;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using StructuredOutput;

namespace RecipeExtractor;

/// <summary>A recipe as written in a cookbook or on a web page.</summary>
/// <param name="Name">The dish's name, as the recipe gives it.</param>
/// <param name="Servings">How many people it serves; null when the text does not say.</param>
/// <param name="Cuisine">The cuisine the dish belongs to.</param>
/// <param name="Ingredients">Every ingredient, in the order the recipe lists them.</param>
/// <param name="Steps">The method, one step per entry, in order.</param>
/// <param name="TotalMinutes">Preparation plus cooking time in minutes; null when the text does not say.</param>
[LlmExtract(Instructions = "Extract the recipe from the document.")]
public partial record Recipe(
    [Required] string Name,
    [Range(1, 100)] int? Servings,
    Cuisine Cuisine,
    List<Ingredient> Ingredients,
    List<string> Steps,
    [Range(1, 7 * 24 * 60)] int? TotalMinutes);

/// <summary>One ingredient line.</summary>
/// <param name="Name">The ingredient, without its quantity (for example "spaghetti").</param>
/// <param name="Quantity">The amount as a number; null for "to taste" or when none is given.</param>
/// <param name="Unit">The unit of the quantity (g, ml, tbsp, piece…); null when the quantity is a count.</param>
/// <param name="Note">Preparation or size notes such as "large" or "grated"; null when there are none.</param>
public record Ingredient([Required] string Name, [Range(0, 100000)] decimal? Quantity, string? Unit, string? Note);

/// <summary>The cuisine of a dish.</summary>
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
    [Description("Any cuisine not listed, or a mix of several.")]
    Other,
}
