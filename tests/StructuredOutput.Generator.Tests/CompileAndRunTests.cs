using System;
using System.Collections;
using System.Linq;
using System.Text.Json;
using Json.Schema;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// Emits the generated code, loads it in a collectible context and calls <c>LlmContract&lt;T&gt;</c> on the loaded
/// types: the parser reads values and locates errors, the schema is a valid 2020-12 schema that agrees with the parser,
/// and the prompt describes the shape.
/// </summary>
public sealed class CompileAndRunTests : IDisposable
{
    private const string OrderSource = """
        using System.Collections.Generic;
        using StructuredOutput;

        namespace Shop;

        [LlmExtract(Instructions = "Extract the order from the e-mail.")]
        public partial record Order(string Customer, List<OrderItem> Items, Delivery? Delivery);

        public record OrderItem(string Sku, int Qty);

        public class Delivery
        {
            public required string City { get; init; }
            public bool Express { get; set; }
        }

        [LlmExtract]
        public partial record @event(string @class, Kind Kind);

        public enum Kind { @default, @null }
        """;

    private readonly LoadedAssembly _assembly;

    public CompileAndRunTests()
    {
        var compilation = Harness.Compile(
            Microsoft.CodeAnalysis.DocumentationMode.None,
            OrderSource,
            SnapshotTests.RecipeSource,
            SnapshotTests.RecursiveSource,
            SnapshotTests.DocumentedSource,
            SnapshotTests.SettingsSource);
        var run = Harness.Run(compilation).AssertCompilesCleanly();
        _assembly = LoadedAssembly.Load(run.Output);
    }

    public void Dispose() => _assembly.Dispose();

    [Fact]
    public void ValidAnswerParsesToTheRightValues()
    {
        var result = _assembly.Parse("Cooking.Recipe", """
            {"name": "Carbonara", "servings": 2, "cuisine": "American", "difficulty": null,
             "ingredients": [{"name": "eggs", "quantity": 3, "unit": null, "notes": ["large", null]}],
             "steps": ["Cook.", "Serve."], "tags": ["pasta"], "garnishes": null, "totalMinutes": 25,
             "source": "Grandma", "rating": 4.5, "cost": 12.30, "calories": 9000000000, "vegetarian": false}
            """);

        Assert.True(result.IsSuccess, result.ErrorText);
        object recipe = result.Value!;
        Assert.Equal("Cooking.Recipe", recipe.GetType().FullName);
        Assert.Equal("Carbonara", Reflect.Get(recipe, "Name"));
        Assert.Equal(2, Reflect.Get(recipe, "Servings"));
        Assert.Equal("American", Reflect.Get(recipe, "Cuisine")!.ToString());
        Assert.Null(Reflect.GetOrNull(recipe, "Difficulty"));
        Assert.Null(Reflect.GetOrNull(recipe, "Garnishes"));
        Assert.Equal(25, Reflect.Get(recipe, "TotalMinutes"));
        Assert.Equal("Grandma", Reflect.Get(recipe, "Source"));
        Assert.Equal(4.5, Reflect.Get(recipe, "Rating"));
        Assert.Equal(12.30m, Reflect.Get(recipe, "Cost"));
        Assert.Equal(9000000000L, Reflect.Get(recipe, "Calories"));
        Assert.Equal(false, Reflect.Get(recipe, "Vegetarian"));
        Assert.Equal(new[] { "Cook.", "Serve." }, (string[])Reflect.Get(recipe, "Steps")!);
        Assert.Equal(new[] { "pasta" }, ((IEnumerable)Reflect.Get(recipe, "Tags")!).Cast<string>());

        var ingredient = ((IEnumerable)Reflect.Get(recipe, "Ingredients")!).Cast<object>().Single();
        Assert.Equal("eggs", Reflect.Get(ingredient, "Name"));
        Assert.Equal(3.0, Reflect.Get(ingredient, "Quantity"));
        Assert.Null(Reflect.GetOrNull(ingredient, "Unit"));
        Assert.Equal(new[] { "large", null }, ((IEnumerable)Reflect.Get(ingredient, "Notes")!).Cast<string?>());
    }

    [Fact]
    public void ClassWithInitRequiredAndSettableMembersParses()
    {
        var result = _assembly.Parse("Shop.Order", """
            {"customer": "Ada", "items": [], "delivery": {"city": "Paris", "express": true}}
            """);

        Assert.True(result.IsSuccess, result.ErrorText);
        var delivery = Reflect.Get(result.Value!, "Delivery")!;
        Assert.Equal("Paris", Reflect.Get(delivery, "City"));
        Assert.Equal(true, Reflect.Get(delivery, "Express"));

        var invoice = _assembly.Parse("Settings.Invoice", """
            {"number": "F-1", "customer": null, "total": 7, "lines": [{"sku": "A", "qty": 1}], "computed": "ignored"}
            """);
        Assert.True(invoice.IsSuccess, invoice.ErrorText);
        Assert.Equal("F-1", Reflect.Get(invoice.Value!, "Number"));
        Assert.Equal("F-1!", Reflect.Get(invoice.Value!, "Computed"));
        Assert.Contains(invoice.Repairs, r => r.Contains("computed", StringComparison.Ordinal));
    }

    [Fact]
    public void KeywordNamedTypesAndMembersRoundTrip()
    {
        var result = _assembly.Parse("Shop.event", """{"class": "x", "kind": "null"}""");

        Assert.True(result.IsSuccess, result.ErrorText);
        Assert.Equal("x", Reflect.Get(result.Value!, "class"));
        Assert.Equal("null", Reflect.Get(result.Value!, "Kind")!.ToString());
        Assert.Contains("type event = {", _assembly.Prompt("Shop.event"), StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorsCarryTheirJsonPaths()
    {
        var result = _assembly.Parse("Shop.Order", """
            {"customer": "Ada",
             "items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": "two"}, {"qty": 3}],
             "delivery": {"express": "yes"}}
            """);

        Assert.False(result.IsSuccess);
        Assert.Null(result.Value);
        var byPath = result.Errors.ToDictionary(e => e.Path, e => e.Kind);
        Assert.Equal(ExtractionErrorKind.WrongKind, byPath["$.items[1].qty"]);
        Assert.Equal(ExtractionErrorKind.MissingProperty, byPath["$.items[2].sku"]);
        Assert.Equal(ExtractionErrorKind.MissingProperty, byPath["$.delivery.city"]);
        Assert.Equal(ExtractionErrorKind.WrongKind, byPath["$.delivery.express"]);
        Assert.Equal(4, result.Errors.Count);
        Assert.Contains("an integer", result.Errors.Single(e => e.Path == "$.items[1].qty").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnumAndNullErrorsNameWhatIsAllowed()
    {
        var result = _assembly.Parse("Cooking.Recipe", """
            {"name": null, "servings": 1.5, "cuisine": "French", "difficulty": "Easy",
             "ingredients": [{"name": "x", "quantity": null, "unit": null, "notes": [1]}],
             "steps": [], "tags": [], "garnishes": null, "totalMinutes": null, "source": null,
             "rating": 1, "cost": 1, "calories": 1, "vegetarian": true}
            """);

        Assert.False(result.IsSuccess);
        var byPath = result.Errors.ToDictionary(e => e.Path);
        Assert.Equal(ExtractionErrorKind.NullNotAllowed, byPath["$.name"].Kind);
        Assert.Equal(ExtractionErrorKind.NotAnInteger, byPath["$.servings"].Kind);
        Assert.Equal(ExtractionErrorKind.UnknownEnumValue, byPath["$.cuisine"].Kind);
        Assert.Contains("\"Italian\"", byPath["$.cuisine"].Message, StringComparison.Ordinal);
        Assert.Equal(ExtractionErrorKind.WrongKind, byPath["$.ingredients[0].notes[0]"].Kind);
        Assert.Contains("or null", byPath["$.ingredients[0].notes[0]"].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Cooking.Recipe")]
    [InlineData("Shop.Order")]
    [InlineData("Trees.Outline")]
    [InlineData("Trees.Category")]
    [InlineData("Docs.Book")]
    [InlineData("Settings.Invoice")]
    public void SchemaIsAValidDraft202012Schema(string typeName)
    {
        string text = _assembly.JsonSchema(typeName);

        using var document = JsonDocument.Parse(text);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", document.RootElement.GetProperty("$schema").GetString());
        var againstMetaSchema = MetaSchemas.Draft202012.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(againstMetaSchema.IsValid, "The schema does not validate against the 2020-12 meta-schema.");
        Assert.NotNull(JsonSchema.FromText(text));
    }

    [Fact]
    public void SchemaAcceptsWhatTheParserAcceptsAndRejectsWrongInstances()
    {
        var schema = JsonSchema.FromText(_assembly.JsonSchema("Shop.Order"));
        const string valid = """{"customer": "Ada", "items": [{"sku": "A", "qty": 1}], "delivery": null}""";

        AssertSchema(schema, valid, expectValid: true);
        Assert.True(_assembly.Parse("Shop.Order", valid).IsSuccess);

        AssertSchema(schema, """{"customer": "Ada", "items": [{"sku": "A", "qty": "1"}], "delivery": null}""", expectValid: false);
        AssertSchema(schema, """{"customer": "Ada", "items": [{"sku": "A", "qty": 1.5}], "delivery": null}""", expectValid: false);
        AssertSchema(schema, """{"customer": "Ada", "items": [{"sku": "A"}], "delivery": null}""", expectValid: false);
        AssertSchema(schema, """{"customer": "Ada", "items": [], "delivery": null, "extra": 1}""", expectValid: false);
        AssertSchema(schema, """{"customer": "Ada", "items": [], "delivery": {"city": "Rome", "express": false, "x": 1}}""", expectValid: false);
        AssertSchema(schema, """{"customer": null, "items": [], "delivery": null}""", expectValid: false);
    }

    [Fact]
    public void RecursiveSchemaResolvesItsReferences()
    {
        var outline = JsonSchema.FromText(_assembly.JsonSchema("Trees.Outline"));
        const string valid = """
            {"title": "T", "author": {"name": "A"}, "editor": null,
             "root": {"label": "r", "parent": null, "children": [{"label": "c", "parent": null, "children": []}]}}
            """;
        AssertSchema(outline, valid, expectValid: true);
        Assert.True(_assembly.Parse("Trees.Outline", valid).IsSuccess);
        AssertSchema(outline, valid.Replace("\"children\": []", "\"children\": [{\"label\": 1}]", StringComparison.Ordinal), expectValid: false);

        var category = JsonSchema.FromText(_assembly.JsonSchema("Trees.Category"));
        AssertSchema(category, """{"name": "a", "subcategories": [{"name": "b", "subcategories": []}]}""", expectValid: true);
        AssertSchema(category, """{"name": "a", "subcategories": [{"name": "b"}]}""", expectValid: false);
    }

    [Fact]
    public void SchemaConstrainsEnumsAndNullableEnums()
    {
        var schema = JsonSchema.FromText(_assembly.JsonSchema("Cooking.Recipe"));
        const string valid = """
            {"name": "n", "servings": 1, "cuisine": "Other", "difficulty": null, "ingredients": [],
             "steps": [], "tags": [], "garnishes": null, "totalMinutes": null, "source": null,
             "rating": 1, "cost": 1, "calories": 1, "vegetarian": true}
            """;
        AssertSchema(schema, valid, expectValid: true);
        AssertSchema(schema, valid.Replace("\"difficulty\": null", "\"difficulty\": \"Hard\"", StringComparison.Ordinal), expectValid: true);
        AssertSchema(schema, valid.Replace("\"Other\"", "\"French\"", StringComparison.Ordinal), expectValid: false);
        AssertSchema(schema, valid.Replace("\"cuisine\": \"Other\"", "\"cuisine\": null", StringComparison.Ordinal), expectValid: false);
        AssertSchema(schema, valid.Replace("\"servings\": 1", "\"servings\": 3000000000", StringComparison.Ordinal), expectValid: false);
    }

    [Fact]
    public void PromptDescribesTheShape()
    {
        string order = _assembly.Prompt("Shop.Order");
        Assert.StartsWith("Extract the order from the e-mail.", order, StringComparison.Ordinal);
        Assert.Contains("JSON", order, StringComparison.Ordinal);
        Assert.Contains("type Order = {", order, StringComparison.Ordinal);
        Assert.Contains(" items: OrderItem[];", order, StringComparison.Ordinal);
        Assert.Contains(" delivery: Delivery|null;", order, StringComparison.Ordinal);
        Assert.Contains("type OrderItem = {", order, StringComparison.Ordinal);
        Assert.Contains(" qty: int;", order, StringComparison.Ordinal);

        string recipe = _assembly.Prompt("Cooking.Recipe");
        Assert.Contains("Extract the Recipe", recipe, StringComparison.Ordinal);
        Assert.Contains("\"Italian\"", recipe, StringComparison.Ordinal);
        Assert.Contains("\"American\" // Food from the Americas", recipe, StringComparison.Ordinal);
        Assert.Contains("difficulty: \"Easy\"|\"Medium\"|\"Hard\"|null;", recipe, StringComparison.Ordinal);
        Assert.Contains("notes: (string|null)[];", recipe, StringComparison.Ordinal);

        string book = _assembly.Prompt("Docs.Book");
        Assert.Contains("title: string; // The title, as printed on the cover.", book, StringComparison.Ordinal);
        Assert.Contains("// A person who writes. Second paragraph.\ntype Author = {", book, StringComparison.Ordinal);
        Assert.Contains(" |\"NonFiction\"; // True stories.", book, StringComparison.Ordinal);
    }

    [Fact]
    public void ContractIsTheSameThroughTheInterface()
    {
        var type = _assembly.GetType("Shop.Order");
        var iface = type.GetInterfaces().Single(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ILlmExtractable<>));
        Assert.Equal(type, iface.GetGenericArguments()[0]);

        // The contract is implemented explicitly: the type itself gains no public JsonSchema, Prompt or Parse.
        Assert.Null(type.GetProperty("JsonSchema"));
        Assert.Null(type.GetMethod("Parse"));
    }

    private static void AssertSchema(JsonSchema schema, string instance, bool expectValid)
    {
        using var document = JsonDocument.Parse(instance);
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(
            result.IsValid == expectValid,
            $"Expected the schema to {(expectValid ? "accept" : "reject")}: {instance}");
    }
}
