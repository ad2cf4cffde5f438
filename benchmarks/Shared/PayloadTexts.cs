using System.Globalization;
using System.Text;

namespace StructuredOutput.Benchmarks.Payloads;

/// <summary>The model answers both sides receive, as JSON text: the object itself, camelCase, compact.</summary>
public static class PayloadTexts
{
    // Declared first: static fields initialize in order, and the payloads below use it.
    private static readonly string[] Items =
    {
        "Hex bolt M8x40, zinc plated", "Flat washer M8", "Hydraulic hose 1/2\" 2 m", "Bearing 6204-2RS",
        "Cutting disc 125 mm", "Nitrile gloves, box of 100", "Threadlocker, medium strength", "Cable ties 300 mm",
    };

    /// <summary>A recipe with 10 ingredients and 6 steps.</summary>
    public static readonly string Recipe = BuildRecipe();

    /// <summary>A recipe of about a megabyte: the same shape, with 12,000 ingredients and 3,000 steps.</summary>
    public static readonly string LargeRecipe = BuildRecipe(12_000, 3_000);

    /// <summary>
    /// A recipe of about 40 KB (about 10,000 tokens), the streaming benchmark's answer: 400 ingredients and 250 steps.
    /// </summary>
    public static readonly string StreamingRecipe = BuildRecipe(400, 250);

    /// <summary>An invoice with 100 line items.</summary>
    public static readonly string Invoice = BuildInvoice(100);

    /// <summary>A short input document; the fake client ignores it, so its content does not matter.</summary>
    public const string Input = "Spaghetti carbonara for 4: 400 g spaghetti, 150 g guanciale, 4 egg yolks, 60 g pecorino, pepper.";

    private static string BuildRecipe() => BuildRecipe(10, 6);

    // The first 10 ingredients and 6 steps are the short recipe's; more repeat them, numbered.
    private static string BuildRecipe(int ingredients, int stepCount)
    {
        string[] names = { "spaghetti", "guanciale", "egg yolks", "pecorino romano", "black pepper", "salt", "olive oil", "garlic", "parsley", "lemon zest" };
        string?[] units = { "g", "g", null, "g", null, "g", "tbsp", "clove", "g", null };
        string?[] quantities = { "400", "150", "4", "60", null, "10", "1.5", "1", "5", null };
        string?[] notes = { null, "cut into strips", "large", "grated", "freshly ground", null, null, "crushed", "chopped", "of one lemon" };
        var sb = new StringBuilder();
        sb.Append("{\"name\":\"Spaghetti alla carbonara\",\"servings\":4,\"cuisine\":\"Italian\",\"ingredients\":[");
        for (int n = 0; n < ingredients; n++)
        {
            int i = n % names.Length;
            if (n > 0)
            {
                sb.Append(',');
            }

            string name = n < names.Length ? names[i] : names[i] + " " + (n / names.Length).ToString(CultureInfo.InvariantCulture);
            sb.Append("{\"name\":\"").Append(name).Append("\",\"quantity\":").Append(quantities[i] ?? "null")
              .Append(",\"unit\":").Append(Str(units[i])).Append(",\"note\":").Append(Str(notes[i])).Append('}');
        }

        sb.Append("],\"steps\":[");
        string[] steps =
        {
            "Bring a large pot of salted water to the boil.",
            "Fry the guanciale in its own fat until crisp.",
            "Whisk the yolks with the pecorino and plenty of pepper.",
            "Cook the spaghetti until al dente and keep a cup of the water.",
            "Toss the pasta with the guanciale off the heat, then with the egg mixture, loosening with the water.",
            "Serve at once with more pecorino.",
        };
        for (int n = 0; n < stepCount; n++)
        {
            string step = n < steps.Length ? steps[n % steps.Length] : steps[n % steps.Length] + " (" + (n / steps.Length).ToString(CultureInfo.InvariantCulture) + ")";
            sb.Append(n > 0 ? "," : string.Empty).Append(Str(step));
        }

        sb.Append("],\"totalMinutes\":25}");
        return sb.ToString();
    }

    private static string BuildInvoice(int lines)
    {
        var sb = new StringBuilder();
        sb.Append("{\"number\":\"INV-2026-00417\",\"supplier\":\"Nordwind Industrial Supplies GmbH\",\"customer\":\"Acme Fabrication Ltd\",")
          .Append("\"issueDate\":\"2026-03-14\",\"dueDate\":\"2026-04-13\",\"currency\":\"EUR\",\"status\":\"Issued\",\"lines\":[");
        decimal subtotal = 0;
        decimal tax = 0;
        for (int i = 1; i <= lines; i++)
        {
            decimal quantity = 1 + (i % 7);
            decimal unitPrice = 3.25m + (i * 1.75m);
            double? discount = i % 5 == 0 ? 10 : i % 9 == 0 ? 2.5 : null;
            decimal amount = decimal.Round(quantity * unitPrice * (1 - (decimal)(discount ?? 0) / 100), 2);
            bool taxable = i % 4 != 0;
            subtotal += amount;
            if (taxable)
            {
                tax += decimal.Round(amount * 0.19m, 2);
            }

            if (i > 1)
            {
                sb.Append(',');
            }

            sb.Append("{\"position\":").Append(i.ToString(CultureInfo.InvariantCulture))
              .Append(",\"sku\":\"NW-").Append((10000 + (i * 37)).ToString(CultureInfo.InvariantCulture)).Append('"')
              .Append(",\"description\":").Append(Str(Items[i % Items.Length] + ", lot " + i.ToString(CultureInfo.InvariantCulture)))
              .Append(",\"quantity\":").Append(quantity.ToString(CultureInfo.InvariantCulture))
              .Append(",\"unit\":").Append(i % 3 == 0 ? "\"kg\"" : i % 3 == 1 ? "\"piece\"" : "null")
              .Append(",\"unitPrice\":").Append(unitPrice.ToString(CultureInfo.InvariantCulture))
              .Append(",\"discountPercent\":").Append(discount is double d ? d.ToString(CultureInfo.InvariantCulture) : "null")
              .Append(",\"amount\":").Append(amount.ToString(CultureInfo.InvariantCulture))
              .Append(",\"taxable\":").Append(taxable ? "true" : "false").Append('}');
        }

        sb.Append("],\"subtotal\":").Append(subtotal.ToString(CultureInfo.InvariantCulture))
          .Append(",\"tax\":").Append(tax.ToString(CultureInfo.InvariantCulture))
          .Append(",\"total\":").Append((subtotal + tax).ToString(CultureInfo.InvariantCulture))
          .Append(",\"notes\":\"Payment by bank transfer; quote the invoice number.\"}");
        return sb.ToString();
    }


    private static string Str(string? s) => s is null ? "null" : "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
