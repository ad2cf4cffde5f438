using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.AI;

namespace RecipeExtractor;

/// <summary>
/// The canned answers of the offline demo, one script per bundled text: mostly a flawed answer first, of the kind real
/// models give, then a corrected one. They were written by hand; no model produced them.
/// </summary>
public static class OfflineDemo
{
    private static readonly Dictionary<string, string[]> Scripts = new(StringComparer.Ordinal)
    {
        // The first answer spells the servings as a word and invents a cuisine the type does not have.
        ["carbonara.txt"] = new[]
        {
            """
            {"name": "Spaghetti alla Carbonara", "servings": "two", "cuisine": "Roman",
             "ingredients": [
               {"name": "spaghetti", "quantity": 200, "unit": "g", "note": null},
               {"name": "guanciale", "quantity": 100, "unit": "g", "note": null},
               {"name": "eggs", "quantity": 2, "unit": null, "note": "large"},
               {"name": "Pecorino Romano", "quantity": 50, "unit": "g", "note": "grated"},
               {"name": "black pepper", "quantity": null, "unit": null, "note": null}],
             "steps": ["Cook the spaghetti.", "Fry the guanciale until crispy.", "Whisk the eggs, Pecorino and pepper.",
                       "Combine.", "Serve immediately."],
             "totalMinutes": 25}
            """,
            """
            {"name": "Spaghetti alla Carbonara", "servings": 2, "cuisine": "Italian",
             "ingredients": [
               {"name": "spaghetti", "quantity": 200, "unit": "g", "note": null},
               {"name": "guanciale", "quantity": 100, "unit": "g", "note": null},
               {"name": "eggs", "quantity": 2, "unit": null, "note": "large"},
               {"name": "Pecorino Romano", "quantity": 50, "unit": "g", "note": "grated"},
               {"name": "black pepper", "quantity": null, "unit": null, "note": null}],
             "steps": ["Cook the spaghetti in well-salted boiling water until al dente.",
                       "Fry the guanciale in a dry pan until crispy.",
                       "Whisk the eggs with the Pecorino and plenty of black pepper.",
                       "Drain the pasta and combine it off the heat with the guanciale and the egg mixture, loosening with pasta water.",
                       "Serve immediately."],
             "totalMinutes": 25}
            """,
        },

        // The first answer comes in a markdown fence (repaired without a re-ask), gives "a pinch" as a quantity and
        // forgets the steps.
        ["pancakes.txt"] = new[]
        {
            """
            Here is the recipe:
            ```json
            {"name": "Fluffy American Pancakes", "servings": 4, "cuisine": "American",
             "ingredients": [
               {"name": "plain flour", "quantity": 200, "unit": "g", "note": null},
               {"name": "baking powder", "quantity": 2, "unit": "tsp", "note": null},
               {"name": "caster sugar", "quantity": 1, "unit": "tbsp", "note": null},
               {"name": "salt", "quantity": "a pinch", "unit": null, "note": null},
               {"name": "milk", "quantity": 300, "unit": "ml", "note": null},
               {"name": "egg", "quantity": 1, "unit": null, "note": null},
               {"name": "butter", "quantity": 25, "unit": "g", "note": "melted, plus extra for the pan"}],
             "totalMinutes": 30}
            ```
            """,
            """
            {"name": "Fluffy American Pancakes", "servings": 4, "cuisine": "American",
             "ingredients": [
               {"name": "plain flour", "quantity": 200, "unit": "g", "note": null},
               {"name": "baking powder", "quantity": 2, "unit": "tsp", "note": null},
               {"name": "caster sugar", "quantity": 1, "unit": "tbsp", "note": null},
               {"name": "salt", "quantity": null, "unit": null, "note": "a pinch"},
               {"name": "milk", "quantity": 300, "unit": "ml", "note": null},
               {"name": "egg", "quantity": 1, "unit": null, "note": null},
               {"name": "butter", "quantity": 25, "unit": "g", "note": "melted, plus extra for the pan"}],
             "steps": ["Mix the flour, baking powder, sugar and salt in a large bowl.",
                       "Whisk the milk, egg and melted butter, pour into the dry ingredients and whisk until smooth.",
                       "Heat a knob of butter in a non-stick frying pan over a medium heat.",
                       "Cook a ladle of batter until bubbles appear, about 1 minute, then flip and cook another minute.",
                       "Repeat with the rest of the batter and serve warm with maple syrup."],
             "totalMinutes": 30}
            """,
        },

        // The first answer stops in the middle of the JSON.
        ["dal.txt"] = new[]
        {
            """
            {"name": "Weeknight red lentil dal", "servings": 4, "cuisine": "Indian",
             "ingredients": [
               {"name": "red lentils", "quantity": 250, "unit": "g", "note": "rinsed"},
               {"name": "water", "quantity": 750, "unit": "ml", "note": null},
               {"name": "turmeric", "quantity": 1, "unit": "tsp", "note":
            """,
            """
            {"name": "Weeknight red lentil dal", "servings": 4, "cuisine": "Indian",
             "ingredients": [
               {"name": "red lentils", "quantity": 250, "unit": "g", "note": "rinsed"},
               {"name": "water", "quantity": 750, "unit": "ml", "note": null},
               {"name": "turmeric", "quantity": 1, "unit": "tsp", "note": null},
               {"name": "oil", "quantity": 2, "unit": "tbsp", "note": null},
               {"name": "onion", "quantity": 1, "unit": null, "note": "chopped"},
               {"name": "garlic cloves", "quantity": 2, "unit": null, "note": "crushed"},
               {"name": "ginger", "quantity": null, "unit": null, "note": "a thumb, grated"},
               {"name": "cumin seeds", "quantity": 1, "unit": "tsp", "note": null},
               {"name": "salt", "quantity": null, "unit": null, "note": "to taste"},
               {"name": "lemon", "quantity": 0.5, "unit": null, "note": "juiced"}],
             "steps": ["Simmer the rinsed lentils in the water with the turmeric for about 20 minutes, until soft.",
                       "Fry the onion in the oil until golden, then add the garlic, ginger and cumin seeds for a minute.",
                       "Stir the onion mixture into the lentils, season with salt and add the lemon juice.",
                       "Serve with rice."],
             "totalMinutes": null}
            """,
        },

        // The only answer is right the first time: a batch run shows an item accepted at once beside the re-asked ones.
        ["gazpacho.txt"] = new[]
        {
            """
            {"name": "Gazpacho", "servings": 4, "cuisine": "Spanish",
             "ingredients": [
               {"name": "ripe tomatoes", "quantity": 1, "unit": "kg", "note": "roughly chopped"},
               {"name": "cucumber", "quantity": 1, "unit": null, "note": "roughly chopped"},
               {"name": "green pepper", "quantity": 1, "unit": null, "note": "roughly chopped"},
               {"name": "onion", "quantity": 1, "unit": null, "note": "small, roughly chopped"},
               {"name": "garlic", "quantity": 1, "unit": "clove", "note": null},
               {"name": "stale bread", "quantity": 50, "unit": "g", "note": null},
               {"name": "olive oil", "quantity": 100, "unit": "ml", "note": null},
               {"name": "sherry vinegar", "quantity": 2, "unit": "tbsp", "note": null},
               {"name": "salt", "quantity": null, "unit": null, "note": "to taste"}],
             "steps": ["Roughly chop the tomatoes, cucumber, pepper, onion and garlic.",
                       "Blend them with the bread, olive oil and vinegar until smooth.",
                       "Season with salt and chill for at least an hour.",
                       "Serve cold."],
             "totalMinutes": 80}
            """,
        },

        // Not a recipe: both answers say so in prose instead of JSON, so the item ends as a failure after its re-ask.
        ["shopping-list.txt"] = new[]
        {
            """
            This is a shopping list, not a recipe: it names no dish and gives no method, so there is no recipe to extract.
            """,
            """
            I am sorry, but the document is a shopping list. It has no dish, quantities or steps to put into a recipe.
            """,
        },
    };

    private static readonly Lazy<IReadOnlyList<(string Text, string[] Answers)>> BundledTexts = new(() =>
    {
        var texts = new List<(string, string[])>();
        foreach (var (file, answers) in Scripts)
        {
            string path = Path.Combine(AppContext.BaseDirectory, "recipes", file);
            if (File.Exists(path))
            {
                texts.Add((Normalize(File.ReadAllText(path)), answers));
            }
        }

        return texts;
    });

    /// <summary>The script for a bundled recipe's text, or null when the text is not one of them.</summary>
    public static IReadOnlyList<string>? ScriptFor(string input)
    {
        string wanted = Normalize(input);
        foreach (var (text, answers) in BundledTexts.Value)
        {
            if (text == wanted)
            {
                return answers;
            }
        }

        return null;
    }

    /// <summary>
    /// The script for a request: the one whose bundled recipe the request's input message holds, or null. A batch run
    /// asks about many recipes through one stand-in, so each request finds its own script.
    /// </summary>
    public static IReadOnlyList<string>? ScriptForRequest(IEnumerable<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            if (message.Role != ChatRole.User)
            {
                continue;
            }

            string text = Normalize(message.Text);
            foreach (var (recipe, answers) in BundledTexts.Value)
            {
                if (text.Contains(recipe, StringComparison.Ordinal))
                {
                    return answers;
                }
            }
        }

        return null;
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Trim();
}
