using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using StructuredOutput.Reading;
using StructuredOutput.Streaming;
using StructuredOutput.Validation;

namespace StructuredOutput.Tests.Streaming;

// A contract written by hand the way the generator writes one: member readers that call the runtime's JsonReaders and
// JsonValidators, an object reader built from them, and the partial views with their shapes using the same member
// readers. It has no [LlmExtract], so the generator leaves it alone.

public enum DishLevel
{
    Easy,
    Hard,
}

public sealed record Chef(string Name, int? Stars);

public sealed record Ingredient(string Name, double? Quantity, string? Unit);

/// <summary>The streamed test contract: text, a ranged integer, a nullable enum, an object, lists of objects, strings and ranged integers, nullable text and a nullable list.</summary>
public sealed record Dish(
    string Name,
    int Servings,
    DishLevel? Level,
    Chef Chef,
    List<Ingredient> Ingredients,
    List<string> Steps,
    List<int> Scores,
    string? Note,
    List<string>? Tags) : ILlmExtractable<Dish>
{
    public static string JsonSchema => """{"type":"object"}""";

    public static string? StrictJsonSchema => null;

    public static string SchemaName => "Dish";

    public static ExtractionMode Mode => ExtractionMode.JsonObject;

    public static string? Instructions => null;

    public static string Prompt => "Extract the Dish. Answer with one JSON object.";

    public static PartialShape? StreamingShape => DishContract.DishShape;

    public static string? GetJsonSchema(SchemaDialect dialect) => null;

    public static ParseResult<Dish> Parse(string json) => Parse(json, null);

    public static ParseResult<Dish> Parse(string json, ParseOptions? options) => JsonAnswerParser.Parse<Dish>(json, DishContract.ReadDish, options);

    public static void Write(Utf8JsonWriter writer, Dish value) => DishContract.Write(writer, value);

    /// <summary>The partial view of a Dish.</summary>
    public sealed class Partial : PartialObject
    {
        internal Partial()
            : base(DishContract.DishShape)
        {
        }

        public string? Name => GetText(0);

        public int? Servings => GetValue<int>(1);

        public DishLevel? Level => GetValue<DishLevel>(2);

        public ChefPartial? Chef => GetReference<ChefPartial>(3);

        public PartialList<IngredientPartial>? Ingredients => GetReference<PartialList<IngredientPartial>>(4);

        public PartialList<string?>? Steps => GetReference<PartialList<string?>>(5);

        public PartialList<int>? Scores => GetReference<PartialList<int>>(6);

        public string? Note => GetText(7);

        public PartialList<string?>? Tags => GetReference<PartialList<string?>>(8);
    }

    /// <summary>The partial view of a Chef.</summary>
    public sealed class ChefPartial : PartialObject
    {
        internal ChefPartial()
            : base(DishContract.ChefShape)
        {
        }

        public string? Name => GetText(0);

        public int? Stars => GetValue<int>(1);
    }

    /// <summary>The partial view of an Ingredient.</summary>
    public sealed class IngredientPartial : PartialObject
    {
        internal IngredientPartial()
            : base(DishContract.IngredientShape)
        {
        }

        public string? Name => GetText(0);

        public double? Quantity => GetValue<double>(1);

        public string? Unit => GetText(2);
    }
}

/// <summary>What the generator would put in the contract's file class.</summary>
internal static class DishContract
{
    private static readonly JsonEnumMap<DishLevel> LevelNames = new(new[] { "Easy", "Hard" }, new[] { DishLevel.Easy, DishLevel.Hard });

    private static readonly Member[] ChefMembers =
    {
        new("Name", "name", true, ExpectedValues.String, ReadString),
        new("Stars", "stars", false, ExpectedValues.Integer, Box<int?>(ReadNullableInt)),
    };

    private static readonly Member[] IngredientMembers =
    {
        new("Name", "name", true, ExpectedValues.String, ReadString),
        new("Quantity", "quantity", false, ExpectedValues.Number, Box<double?>(ReadNullableDouble)),
        new("Unit", "unit", false, ExpectedValues.String, Box<string?>(ReadNullableString)),
    };

    private static readonly Member[] DishMembers =
    {
        new("Name", "name", true, ExpectedValues.String, ReadString),
        new("Servings", "servings", true, ExpectedValues.Integer, Box<int>(ReadServings)),
        new("Level", "level", false, LevelNames.Expected, Box<DishLevel?>(ReadLevel)),
        new("Chef", "chef", true, ExpectedValues.Object, Box<Chef>(ReadChef)),
        new("Ingredients", "ingredients", true, ExpectedValues.Array, Box<List<Ingredient>>((ref Utf8JsonReader r, JsonReadContext c, out List<Ingredient> v) => JsonReaders.ReadList(ref r, c, ReadIngredient, out v))),
        new("Steps", "steps", true, ExpectedValues.Array, Box<List<string>>((ref Utf8JsonReader r, JsonReadContext c, out List<string> v) => JsonReaders.ReadList(ref r, c, JsonReaders.ReadString, out v))),
        new("Scores", "scores", true, ExpectedValues.Array, Box<List<int>>((ref Utf8JsonReader r, JsonReadContext c, out List<int> v) => JsonReaders.ReadList(ref r, c, ReadScore, out v))),
        new("Note", "note", false, ExpectedValues.String, Box<string?>(ReadNullableString)),
        new("Tags", "tags", false, ExpectedValues.Array, Box<List<string>?>(ReadTags)),
    };

    public static readonly PartialShape ChefShape = new("Chef", new[]
    {
        PartialMember.Text("Name", "name", true, ExpectedValues.String, ChefMembers[0].Read),
        PartialMember.Value("Stars", "stars", false, ExpectedValues.Integer, ChefMembers[1].Read),
    });

    public static readonly PartialShape IngredientShape = new("Ingredient", new[]
    {
        PartialMember.Text("Name", "name", true, ExpectedValues.String, IngredientMembers[0].Read),
        PartialMember.Value("Quantity", "quantity", false, ExpectedValues.Number, IngredientMembers[1].Read),
        PartialMember.Text("Unit", "unit", false, ExpectedValues.String, IngredientMembers[2].Read),
    });

    public static readonly PartialShape DishShape = new(
        "Dish",
        new[]
        {
            PartialMember.Text("Name", "name", true, ExpectedValues.String, DishMembers[0].Read),
            PartialMember.Value("Servings", "servings", true, ExpectedValues.Integer, DishMembers[1].Read),
            PartialMember.Value("Level", "level", false, LevelNames.Expected, DishMembers[2].Read),
            PartialMember.Object("Chef", "chef", true, ExpectedValues.Object, DishMembers[3].Read, static () => new Dish.ChefPartial(), readWhenClosed: false),
            PartialMember.List("Ingredients", "ingredients", true, ExpectedValues.Array, DishMembers[4].Read, PartialElement.Object<Ingredient, Dish.IngredientPartial>(Box<Ingredient>(ReadIngredient), static () => new Dish.IngredientPartial()), readWhenClosed: false),
            PartialMember.List("Steps", "steps", true, ExpectedValues.Array, DishMembers[5].Read, PartialElement.Text(Box<string>(JsonReaders.ReadString)), readWhenClosed: false),
            PartialMember.List("Scores", "scores", true, ExpectedValues.Array, DishMembers[6].Read, PartialElement.Value<int>(Box<int>(ReadScore)), readWhenClosed: false),
            PartialMember.Text("Note", "note", false, ExpectedValues.String, DishMembers[7].Read),
            PartialMember.List("Tags", "tags", false, ExpectedValues.Array, DishMembers[8].Read, PartialElement.Text(Box<string>(JsonReaders.ReadString)), readWhenClosed: false),
        },
        static () => new Dish.Partial());

    public static bool ReadDish(ref Utf8JsonReader reader, JsonReadContext context, out Dish value)
    {
        value = null!;
        if (!ReadObject(ref reader, context, DishMembers, out object?[] m))
        {
            return false;
        }

        value = new Dish((string)m[0]!, (int)m[1]!, (DishLevel?)m[2], (Chef)m[3]!, (List<Ingredient>)m[4]!, (List<string>)m[5]!, (List<int>)m[6]!, (string?)m[7], (List<string>?)m[8]);
        return true;
    }

    public static bool ReadChef(ref Utf8JsonReader reader, JsonReadContext context, out Chef value)
    {
        value = null!;
        if (!ReadObject(ref reader, context, ChefMembers, out object?[] m))
        {
            return false;
        }

        value = new Chef((string)m[0]!, (int?)m[1]);
        return true;
    }

    public static bool ReadIngredient(ref Utf8JsonReader reader, JsonReadContext context, out Ingredient value)
    {
        value = null!;
        if (!ReadObject(ref reader, context, IngredientMembers, out object?[] m))
        {
            return false;
        }

        value = new Ingredient((string)m[0]!, (double?)m[1], (string?)m[2]);
        return true;
    }

    // What each generated object reader does: members by exact JSON name, duplicates and unknown members, then the
    // missing members (required ones as errors).
    private static bool ReadObject(ref Utf8JsonReader reader, JsonReadContext context, Member[] members, out object?[] values)
    {
        values = new object?[members.Length];
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return context.ReportWrongKind(ref reader, ExpectedValues.Object);
        }

        int errorsBefore = context.ErrorCount;
        var seen = new bool[members.Length];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int index = -1;
            for (int i = 0; i < members.Length && index < 0; i++)
            {
                if (reader.ValueTextEquals(members[i].Utf8Name))
                {
                    index = i;
                }
            }

            if (index < 0)
            {
                context.SkipUnknownMember(ref reader);
                continue;
            }

            if (context.EnterMember(ref reader, members[index].JsonName, ref seen[index]))
            {
                members[index].Read(ref reader, context, out values[index]);
                context.Exit();
            }
        }

        for (int i = 0; i < members.Length; i++)
        {
            if (!seen[i])
            {
                if (members[i].Required)
                {
                    context.ReportMissing(members[i].JsonName, members[i].Expected);
                }
                else
                {
                    context.ReportMissingAsNull(members[i].JsonName);
                }
            }
        }

        return context.ErrorCount == errorsBefore;
    }

    private static bool ReadString(ref Utf8JsonReader reader, JsonReadContext context, out object? value)
    {
        bool ok = JsonReaders.ReadString(ref reader, context, out string s);
        value = s;
        return ok;
    }

    private static bool ReadServings(ref Utf8JsonReader reader, JsonReadContext context, out int value)
    {
        if (JsonReaders.ReadInt32(ref reader, context, out value))
        {
            return JsonValidators.CheckRange(context, (decimal)value, 1m, false, 100m, false);
        }

        return false;
    }

    private static bool ReadScore(ref Utf8JsonReader reader, JsonReadContext context, out int value)
    {
        if (JsonReaders.ReadInt32(ref reader, context, out value))
        {
            return JsonValidators.CheckRange(context, (decimal)value, 0m, false, 10m, false);
        }

        return false;
    }

    private static bool ReadLevel(ref Utf8JsonReader reader, JsonReadContext context, out DishLevel? value) =>
        JsonReaders.ReadNullable(ref reader, context, (ref Utf8JsonReader r, JsonReadContext c, out DishLevel v) => JsonReaders.ReadEnum(ref r, c, LevelNames, out v), out value);

    private static bool ReadNullableInt(ref Utf8JsonReader reader, JsonReadContext context, out int? value) =>
        JsonReaders.ReadNullable<int>(ref reader, context, JsonReaders.ReadInt32, out value);

    private static bool ReadNullableDouble(ref Utf8JsonReader reader, JsonReadContext context, out double? value) =>
        JsonReaders.ReadNullable<double>(ref reader, context, JsonReaders.ReadDouble, out value);

    private static bool ReadNullableString(ref Utf8JsonReader reader, JsonReadContext context, out string? value) =>
        JsonReaders.ReadOrNull<string>(ref reader, context, JsonReaders.ReadString, out value);

    private static bool ReadTags(ref Utf8JsonReader reader, JsonReadContext context, out List<string>? value) =>
        JsonReaders.ReadOrNull<List<string>>(ref reader, context, (ref Utf8JsonReader r, JsonReadContext c, out List<string> v) => JsonReaders.ReadList(ref r, c, JsonReaders.ReadString, out v), out value);

    private static PartialValueReader Box<TValue>(JsonValueReader<TValue> read) =>
        (ref Utf8JsonReader reader, JsonReadContext context, out object? value) =>
        {
            bool ok = read(ref reader, context, out TValue typed);
            value = typed;
            return ok;
        };

    public static void Write(Utf8JsonWriter writer, Dish value)
    {
        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        writer.WriteNumber("servings", value.Servings);
        if (value.Level is { } level)
        {
            writer.WriteString("level", level.ToString());
        }
        else
        {
            writer.WriteNull("level");
        }

        writer.WritePropertyName("chef");
        writer.WriteStartObject();
        writer.WriteString("name", value.Chef.Name);
        WriteNumberOrNull(writer, "stars", value.Chef.Stars);
        writer.WriteEndObject();
        writer.WriteStartArray("ingredients");
        foreach (Ingredient ingredient in value.Ingredients)
        {
            writer.WriteStartObject();
            writer.WriteString("name", ingredient.Name);
            if (ingredient.Quantity is { } q)
            {
                writer.WriteNumber("quantity", q);
            }
            else
            {
                writer.WriteNull("quantity");
            }

            writer.WriteString("unit", ingredient.Unit);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("steps");
        foreach (string step in value.Steps)
        {
            writer.WriteStringValue(step);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("scores");
        foreach (int score in value.Scores)
        {
            writer.WriteNumberValue(score);
        }

        writer.WriteEndArray();
        writer.WriteString("note", value.Note);
        if (value.Tags is null)
        {
            writer.WriteNull("tags");
        }
        else
        {
            writer.WriteStartArray("tags");
            foreach (string tag in value.Tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private sealed record Member(string MemberName, string JsonName, bool Required, string Expected, PartialValueReader Read)
    {
        public byte[] Utf8Name { get; } = Encoding.UTF8.GetBytes(JsonName);
    }
}
