using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StructuredOutput.Tests.Streaming;

/// <summary>Random valid Dish answers, and one text form for a view and for a value so that the two can be compared.</summary>
internal static class DishAnswers
{
    private static readonly string[] Pieces =
    {
        "salt", "Crème brûlée", "naïve café", "🍅 tomato", "emoji 😀 pair", "quote \" inside", "back\\slash", "tab\tand\nnewline",
        "𝄞 clef", "日本語のテキスト", "a/b", "<tag>&amp;", "\u00e9\u0301", "control \u0001 char", "", " ", "long " + new string('x', 120),
    };

    /// <summary>A random valid Dish.</summary>
    public static Dish Random(Random random)
    {
        string Text() => Pieces[random.Next(Pieces.Length)] + (random.Next(3) == 0 ? Pieces[random.Next(Pieces.Length)] : string.Empty);
        var ingredients = Enumerable.Range(0, random.Next(5))
            .Select(_ => new Ingredient(Text(), random.Next(3) == 0 ? null : Math.Round(random.NextDouble() * 1000, random.Next(4)), random.Next(3) == 0 ? null : Text()))
            .ToList();
        var steps = Enumerable.Range(0, random.Next(5)).Select(_ => Text()).ToList();
        var scores = Enumerable.Range(0, random.Next(6)).Select(_ => random.Next(11)).ToList();
        List<string>? tags = random.Next(3) == 0 ? null : Enumerable.Range(0, random.Next(4)).Select(_ => Text()).ToList();
        return new Dish(
            Text(),
            random.Next(1, 101),
            random.Next(3) switch { 0 => null, 1 => DishLevel.Easy, _ => DishLevel.Hard },
            new Chef(Text(), random.Next(2) == 0 ? null : random.Next(-5, 6)),
            ingredients,
            steps,
            scores,
            random.Next(3) == 0 ? null : Text(),
            tags);
    }

    /// <summary>The answer's JSON: escaped (\u escapes for non-ASCII, surrogate pairs as two escapes) or raw UTF-8, compact or indented, sometimes with prose and a fence around it.</summary>
    public static string Json(Dish dish, Random random)
    {
        var options = new JsonWriterOptions
        {
            Encoder = random.Next(2) == 0 ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : JavaScriptEncoder.Default,
            Indented = random.Next(2) == 0,
        };
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            Dish.Write(writer, dish);
        }

        string json = Encoding.UTF8.GetString(stream.ToArray());
        return random.Next(3) switch
        {
            0 => "Here is the dish:\n```json\n" + json + "\n```",
            _ => json,
        };
    }

    /// <summary>A view in text: each member as its value when complete, else "~" and what it shows so far.</summary>
    public static string Describe(Dish.Partial? view)
    {
        if (view is null)
        {
            return "null";
        }

        var sb = new StringBuilder("{");
        Member(sb, view, "Name", Str(view.Name));
        Member(sb, view, "Servings", view.Servings?.ToString(CultureInfo.InvariantCulture) ?? "null");
        Member(sb, view, "Level", view.Level?.ToString() ?? "null");
        Member(sb, view, "Chef", view.Chef is null ? "null" : Chef(view.Chef));
        Member(sb, view, "Ingredients", List(view.Ingredients, i => Ingredient(i)));
        Member(sb, view, "Steps", List(view.Steps, Str));
        Member(sb, view, "Scores", List(view.Scores, s => s.ToString(CultureInfo.InvariantCulture)));
        Member(sb, view, "Note", Str(view.Note));
        Member(sb, view, "Tags", List(view.Tags, Str));
        return sb.Append(view.IsComplete ? "}" : "}~").ToString();
    }

    /// <summary>A value in the text form of a complete view.</summary>
    public static string Describe(Dish dish)
    {
        var sb = new StringBuilder("{");
        Value(sb, "Name", Str(dish.Name));
        Value(sb, "Servings", dish.Servings.ToString(CultureInfo.InvariantCulture));
        Value(sb, "Level", dish.Level?.ToString() ?? "null");
        Value(sb, "Chef", "{Name=" + Str(dish.Chef.Name) + ";Stars=" + (dish.Chef.Stars?.ToString(CultureInfo.InvariantCulture) ?? "null") + ";}");
        Value(sb, "Ingredients", "[" + string.Join(",", dish.Ingredients.Select(i => "{Name=" + Str(i.Name) + ";Quantity=" + Num(i.Quantity) + ";Unit=" + Str(i.Unit) + ";}")) + "]");
        Value(sb, "Steps", "[" + string.Join(",", dish.Steps.Select(Str)) + "]");
        Value(sb, "Scores", "[" + string.Join(",", dish.Scores.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]");
        Value(sb, "Note", Str(dish.Note));
        Value(sb, "Tags", dish.Tags is null ? "null" : "[" + string.Join(",", dish.Tags.Select(Str)) + "]");
        return sb.Append('}').ToString();
    }

    private static string Chef(Dish.ChefPartial chef)
    {
        var sb = new StringBuilder("{");
        Member(sb, chef, "Name", Str(chef.Name));
        Member(sb, chef, "Stars", chef.Stars?.ToString(CultureInfo.InvariantCulture) ?? "null");
        return sb.Append(chef.IsComplete ? "}" : "}~").ToString();
    }

    private static string Ingredient(Dish.IngredientPartial item)
    {
        var sb = new StringBuilder("{");
        Member(sb, item, "Name", Str(item.Name));
        Member(sb, item, "Quantity", Num(item.Quantity));
        Member(sb, item, "Unit", Str(item.Unit));
        return sb.Append(item.IsComplete ? "}" : "}~").ToString();
    }

    private static string List<TItem>(PartialList<TItem>? list, Func<TItem, string> describe)
    {
        if (list is null)
        {
            return "null";
        }

        var parts = new List<string>();
        for (int i = 0; i < list.Count; i++)
        {
            parts.Add((i < list.CompleteCount ? string.Empty : "~") + describe(list[i]));
        }

        return "[" + string.Join(",", parts) + (list.IsComplete ? "]" : "]~");
    }

    private static void Member(StringBuilder sb, PartialObject view, string name, string shown) =>
        sb.Append(name).Append('=').Append(view.IsMemberComplete(name) ? string.Empty : "~").Append(shown).Append(';');

    private static void Value(StringBuilder sb, string name, string shown) => sb.Append(name).Append('=').Append(shown).Append(';');

    private static string Str(string? s) => s is null ? "null" : JsonSerializer.Serialize(s);

    private static string Num(double? d) => d?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
}
