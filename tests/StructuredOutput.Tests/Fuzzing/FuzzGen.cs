using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CsCheck;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>Generators of valid values for the fuzzed types, of JSON-like noise, and of mutations of valid answers.</summary>
internal static class FuzzGen
{
    /// <summary>Valid Unicode text: mostly plain, sometimes any non-surrogate character, quotes, escapes, emoji, tags.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz ABC0123456789-_.,"], 0, 12]),
        (2, Gen.Char.Where(c => !char.IsSurrogate(c)).Array[0, 8].Select(chars => new string(chars))),
        (1, Gen.OneOf("", "\"", "\\", "\\u0041", "{\"x\":1}", "```json", "</document>", "😀 ünïcödé", "\u0000\u001f", "\u2028", "null")));

    /// <summary>Finite doubles, with the edges: zero, negative zero, tiny and huge magnitudes.</summary>
    public static readonly Gen<double> FiniteDouble = Gen.Frequency(
        (6, Gen.Double.Where(double.IsFinite)),
        (1, Gen.OneOf(0.0, -0.0, double.Epsilon, double.MaxValue, double.MinValue, 0.1, 1e-300)));

    public static readonly Gen<Color> Color = Gen.Enum<Color>();

    public static readonly Gen<Priority> Priority = Gen.Enum<Priority>();

    public static readonly Gen<Inner> Inner = Gen.Select(Text, Gen.Int, (label, value) => new Inner(label, value));

    public static readonly Gen<AllScalars> AllScalars = Gen.Select(
        Text, Gen.Bool, Gen.Int, Gen.Long, FiniteDouble, Gen.Decimal, Color,
        (text, flag, count, big, ratio, price, color) => new AllScalars(text, flag, count, big, ratio, price, color));

    public static readonly Gen<Nullables> Nullables = Gen.Select(
        Text.Null(), Gen.Bool.Nullable(), Gen.Int.Nullable(), Gen.Long.Nullable(), FiniteDouble.Nullable(), Gen.Decimal.Nullable(),
        Color.Nullable(), Inner.Null(), Gen.Int.List[0, 4].Null(),
        (text, flag, count, big, ratio, price, color, inner, numbers) => new Nullables(text, flag, count, big, ratio, price, color, inner, numbers));

    public static readonly Gen<Profile> Profile = Gen.Select(
        Text, Gen.Int, Inner.Null(),
        (name, age, favourite) => new Profile { FullName = name, Age = age, Favourite = favourite });

    public static readonly Gen<TreeNode> TreeNode = Gen.Recursive<TreeNode>((depth, tree) =>
        Gen.Select(Text, depth < 4 ? tree.List[0, 3] : Gen.Const(() => new List<TreeNode>()), (label, children) => new TreeNode(label, children)));

    public static readonly Gen<Point> Point = Gen.Select(Gen.Int, Gen.Int, (x, y) => new Point(x, y));

    public static readonly Gen<OrderLine> OrderLine = Gen.Select(
        Text, Gen.Int, Gen.Decimal.Nullable(), Text.List[0, 3],
        (sku, quantity, price, notes) => new OrderLine(sku, quantity, price, notes));

    public static readonly Gen<Address> Address = Gen.Select(
        Text, Text.Null(), Text.Array[0, 2],
        (street, city, extra) => new Address(street, city, extra));

    public static readonly Gen<Order> Order = Gen.Select(
        Gen.Select(Text, Priority, Priority.Nullable(), Gen.Decimal, FiniteDouble.Nullable(), Gen.Long, Gen.Bool),
        Gen.Select(OrderLine.List[0, 3], Address.Null(), Text.Array[0, 3], Gen.Int.Nullable().List[0, 4]),
        (a, b) => new Order(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7, b.Item1, b.Item2, b.Item3, b.Item4));

    public static readonly Gen<Outline> Outline = Gen.Recursive<Outline>((depth, outline) =>
        Gen.Select(
            Text,
            Gen.Int,
            depth < 2 ? outline.Null() : Gen.Const(() => (Outline?)null),
            depth < 2 ? outline.List[0, 2] : Gen.Const(() => new List<Outline>()),
            FiniteDouble.List[0, 3].List[0, 3],
            (title, level, next, sections, grid) => new Outline { Title = title, Level = level, Next = next, Sections = sections, Grid = grid }));

    /// <summary>Pieces an answer is made of: JSON tokens, the contracts' property names, prose and fences.</summary>
    private static readonly string[] Pieces =
    {
        "{", "}", "[", "]", ":", ",", "\"", "\\", "null", "true", "false", "0", "-1", "2.5", "1e400", "-0", "1e-40",
        "9223372036854775808", "\"x\"", "\"y\"", "\"text\"", "\"label\"", "\"children\"", "\"full_name\"", "\"lines\"",
        "\"priority\"", "\"urgent-now\"", "\"Red\"", "\"\\ud800\"", "\"\\u00e9\"", " ", "\n", "\t", "```json\n", "\n```",
        "Here is the JSON:", "//", "/*", "*/", "'", "NaN", "Infinity", "\uFEFF", "😀", "\ud800",
    };

    /// <summary>Random text: arbitrary characters (lone surrogates included), or a soup of JSON pieces, often in braces.</summary>
    public static readonly Gen<string> Noise = Gen.Frequency(
        (1, Gen.String),
        (1, Gen.Char.Array[0, 40].Select(chars => new string(chars))),
        (2, Gen.OneOf(Pieces).Array[0, 40].Select(parts => string.Concat(parts))),
        (3, Gen.OneOf(Pieces).Array[0, 40].Select(parts => "{" + string.Concat(parts) + "}")));

    /// <summary>
    /// Mutates an answer: flips bits of characters or of UTF-8 bytes, deletes, inserts (characters or JSON pieces),
    /// truncates and duplicates spans. The mutations are driven by a list of random numbers, so that CsCheck can shrink
    /// a failure to the fewest and smallest mutations.
    /// </summary>
    public static Gen<string> Mutations(Gen<string> answers) =>
        Gen.Select(answers, Gen.UInt.Array[3, 30], static (answer, random) => Mutate(answer, random));

    public static string Mutate(string answer, uint[] random)
    {
        var text = new StringBuilder(answer);
        int i = 0;
        uint Next() => random[i++ % random.Length];
        int Position(int length) => length == 0 ? 0 : (int)(Next() % (uint)length);

        int steps = 1 + (int)(Next() % 4);
        for (int step = 0; step < steps; step++)
        {
            switch (Next() % 7)
            {
                case 0 when text.Length > 0: // flip one bit of a character (may make a lone surrogate)
                {
                    int at = Position(text.Length);
                    text[at] = (char)(text[at] ^ (1 << (int)(Next() % 16)));
                    break;
                }

                case 1 when text.Length > 0: // flip one bit of a UTF-8 byte, decoded leniently
                {
                    byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
                    int at = Position(bytes.Length);
                    bytes[at] ^= (byte)(1 << (int)(Next() % 8));
                    text.Clear().Append(Encoding.UTF8.GetString(bytes));
                    break;
                }

                case 2 when text.Length > 0: // delete a span
                {
                    int at = Position(text.Length);
                    text.Remove(at, Math.Min(text.Length - at, 1 + (int)(Next() % 8)));
                    break;
                }

                case 3: // insert a character
                    text.Insert(Position(text.Length + 1), (char)(Next() % 0x10000));
                    break;
                case 4: // insert a JSON piece
                    text.Insert(Position(text.Length + 1), Pieces[Next() % (uint)Pieces.Length]);
                    break;
                case 5: // truncate
                    text.Length = Position(text.Length + 1);
                    break;
                default: // duplicate a span
                {
                    if (text.Length == 0)
                    {
                        break;
                    }

                    int at = Position(text.Length);
                    int length = Math.Min(text.Length - at, 1 + (int)(Next() % 16));
                    text.Insert(Position(text.Length + 1), text.ToString(at, length));
                    break;
                }
            }
        }

        return text.ToString();
    }
}
