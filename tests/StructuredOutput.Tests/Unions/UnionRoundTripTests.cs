using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using CsCheck;
using StructuredOutput.Tests.Fuzzing;
using StructuredOutput.Tests.TypeSpace;
using Xunit.Abstractions;

namespace StructuredOutput.Tests.Unions;

/// <summary>
/// Random union values written as JSON by hand (each discriminator at a random position among its object's members),
/// read back equal; and JsonSchema.Net, on the plain and the strict schema, agrees with the generated reader on those
/// answers and on answers with one union object broken (no discriminator, an unknown one, one that is not a string,
/// or another listed type's).
/// </summary>
public sealed class UnionRoundTripTests
{
    private static readonly string[] DiscriminatorNames = ["kind", "op", "$type"];

    private static readonly Gen<string> Text = Gen.String[Gen.Char["abc XYZ-19é"], 0, 6];

    private static readonly Gen<string?> Label = Gen.Frequency((1, Gen.Const((string?)null)), (3, Text.Select(s => (string?)s)));

    private static readonly Gen<IContact> Contacts = Gen.OneOf(
        Text.Select(a => (IContact)new EmailContact { Address = a }),
        Gen.Select(Text, Text.List[0, 3], (n, h) => (IContact)new PhoneContact { Number = n, Hours = h }));

    private static readonly Gen<Drawing> Drawings = Gen.Select(
        Text,
        Shapes(2),
        Shapes(2).List[0, 3],
        Gen.Frequency((1, Gen.Const((Shape?)null)), (2, Shapes(1).Select(s => (Shape?)s))),
        Exprs(3),
        Contacts,
        (title, main, shapes, spare, formula, contact) => new Drawing(title, main, shapes, spare, formula, contact));

    private readonly ITestOutputHelper _output;

    public UnionRoundTripTests(ITestOutputHelper output) => _output = output;

    private static long Iterations => FuzzSettings.Iterations(300);

    [Fact]
    public void Random_values_written_with_discriminators_anywhere_read_back_equal_and_both_schemas_accept_them() =>
        Gen.Select(Drawings, Gen.Int).Sample(
            c =>
            {
                string json = Write(c.Item1, new Random(c.Item2)).ToJsonString();
                var result = LlmContract<Drawing>.Parse(json);
                Assert.True(result.IsSuccess, "A valid answer was rejected: " + string.Join("; ", result.Errors));
                Assert.Empty(result.Repairs);
                Assert.Equal(Write(c.Item1, null).ToJsonString(), Write(result.Value!, null).ToJsonString());
                Assert.True(TypeSpaceTests.Validate<Drawing>(json), "the schema rejects " + json);
                Assert.True(TypeSpaceTests.Validate<Drawing>(json, strict: true), "the strict schema rejects " + json);
            },
            _output.WriteLine,
            FuzzSettings.Seed,
            Iterations,
            print: c => Write(c.Item1, new Random(c.Item2)).ToJsonString());

    [Fact]
    public void The_generated_writer_writes_union_values_that_read_back_equal_and_both_schemas_accept() =>
        Drawings.Sample(
            drawing =>
            {
                string json = LlmContract<Drawing>.ToJson(drawing);
                var result = LlmContract<Drawing>.Parse(json);
                Assert.True(result.IsSuccess, "The generated writer's JSON was rejected: " + string.Join("; ", result.Errors) + "\n" + json);
                Assert.Empty(result.Repairs);
                Assert.Equal(Write(drawing, null).ToJsonString(), Write(result.Value!, null).ToJsonString());
                Assert.True(TypeSpaceTests.Validate<Drawing>(json), "the schema rejects " + json);
                Assert.True(TypeSpaceTests.Validate<Drawing>(json, strict: true), "the strict schema rejects " + json);
            },
            _output.WriteLine,
            FuzzSettings.Seed,
            Iterations,
            print: drawing => LlmContract<Drawing>.ToJson(drawing));

    [Fact]
    public void The_reader_and_both_schemas_reject_an_answer_with_one_union_object_broken() =>
        Gen.Select(Drawings, Gen.Int, Gen.Int[0, 3]).Sample(
            c =>
            {
                var random = new Random(c.Item2);
                string json = Break(Write(c.Item1, random), random, c.Item3);
                Assert.False(LlmContract<Drawing>.Parse(json).IsSuccess, "the reader accepts " + json);
                Assert.False(TypeSpaceTests.Validate<Drawing>(json), "the schema accepts " + json);
                Assert.False(TypeSpaceTests.Validate<Drawing>(json, strict: true), "the strict schema accepts " + json);
            },
            _output.WriteLine,
            FuzzSettings.Seed,
            Iterations,
            print: c => Break(Write(c.Item1, new Random(c.Item2)), new Random(c.Item2), c.Item3));

    private static Gen<Shape> Shapes(int depth)
    {
        var circle = Gen.Double[0, 1000].Select(r => (Shape)new Circle(r));
        var square = Gen.Select(Gen.Double[0.001, 100], Label, (side, label) => (Shape)new Square(side, label));
        if (depth == 0)
        {
            return Gen.OneOf(circle, square);
        }

        var group = Gen.Select(Text, Shapes(depth - 1).List[0, 3], (name, items) => (Shape)new Group(name, items));
        return Gen.Frequency((3, circle), (3, square), (1, group));
    }

    private static Gen<Expr> Exprs(int depth)
    {
        var num = Gen.Int.Select(v => (Expr)new Num(v));
        if (depth == 0)
        {
            return num;
        }

        var inner = Exprs(depth - 1);
        return Gen.Frequency(
            (2, num),
            (1, Gen.Select(inner, inner, (l, r) => (Expr)new Add(l, r))),
            (1, inner.Select(o => (Expr)new Neg(o))));
    }

    // The answer a model might write: members in declaration order, the discriminator at a random position among them
    // (first when random is null, which is the form values are compared in).
    private static JsonObject Write(Drawing d, Random? random) => Object(
        random,
        null,
        null,
        ("title", d.Title),
        ("main", Write(d.Main, random)),
        ("shapes", new JsonArray(d.Shapes.Select(s => (JsonNode?)Write(s, random)).ToArray())),
        ("spare", d.Spare is null ? null : Write(d.Spare, random)),
        ("formula", Write(d.Formula, random)),
        ("contact", Write(d.Contact, random)));

    private static JsonObject Write(Shape shape, Random? random) => shape switch
    {
        Circle c => Object(random, "kind", "circle", ("radius", c.Radius)),
        Square s => Object(random, "kind", "square", ("side", s.Side), ("label", s.Label)),
        Group g => Object(random, "kind", "group", ("name", g.Name), ("items", new JsonArray(g.Items.Select(i => (JsonNode?)Write(i, random)).ToArray()))),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    private static JsonObject Write(Expr expr, Random? random) => expr switch
    {
        Num n => Object(random, "op", "num", ("value", n.Value)),
        Add a => Object(random, "op", "add", ("left", Write(a.Left, random)), ("right", Write(a.Right, random))),
        Neg n => Object(random, "op", "neg", ("operand", Write(n.Operand, random))),
        _ => throw new ArgumentOutOfRangeException(nameof(expr)),
    };

    private static JsonObject Write(IContact contact, Random? random) => contact switch
    {
        EmailContact e => Object(random, "$type", "email", ("address", e.Address)),
        PhoneContact p => Object(random, "$type", "phone", ("number", p.Number), ("hours", new JsonArray(p.Hours.Select(h => (JsonNode?)h).ToArray()))),
        _ => throw new ArgumentOutOfRangeException(nameof(contact)),
    };

    private static JsonObject Object(Random? random, string? discriminatorName, string? discriminator, params (string Name, JsonNode? Value)[] members)
    {
        var list = members.ToList();
        if (discriminatorName is not null)
        {
            list.Insert(random?.Next(list.Count + 1) ?? 0, (discriminatorName, JsonValue.Create(discriminator)));
        }

        var o = new JsonObject();
        foreach (var (name, value) in list)
        {
            o.Add(name, value);
        }

        return o;
    }

    // Breaks one union object of the answer, chosen at random: 0 drops its discriminator, 1 names no listed type, 2
    // makes it a number, 3 names another listed type of the same union (whose members differ).
    private static string Break(JsonObject answer, Random random, int how)
    {
        var unions = new List<(JsonObject Object, string Name)>();
        Collect(answer, unions);
        var (target, name) = unions[random.Next(unions.Count)];
        string current = (string)target[name]!;
        switch (how)
        {
            case 0:
                target.Remove(name);
                break;
            case 1:
                target[name] = "triangle";
                break;
            case 2:
                target[name] = 7;
                break;
            default:
                string[] siblings = name switch
                {
                    "kind" => ["circle", "square", "group"],
                    "op" => ["num", "add", "neg"],
                    _ => ["email", "phone"],
                };
                var others = siblings.Where(s => s != current).ToArray();
                target[name] = others[random.Next(others.Length)];
                break;
        }

        return answer.ToJsonString();
    }

    private static void Collect(JsonNode? node, List<(JsonObject, string)> into)
    {
        if (node is JsonObject o)
        {
            foreach (string name in DiscriminatorNames)
            {
                if (o.ContainsKey(name))
                {
                    into.Add((o, name));
                }
            }

            foreach (var (_, value) in o)
            {
                Collect(value, into);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var item in a)
            {
                Collect(item, into);
            }
        }
    }
}
