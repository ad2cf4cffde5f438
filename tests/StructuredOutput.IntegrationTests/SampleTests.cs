using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using RecipeExtractor;
using StructuredOutput.IntegrationTests.Batching;

namespace StructuredOutput.IntegrationTests;

/// <summary>The RecipeExtractor sample's command line, offline and against the fake server.</summary>
public sealed class SampleTests
{
    private const string ServerRecipe = """
        {"name":"Fake Server Minestrone","servings":6,"cuisine":"Italian",
         "ingredients":[{"name":"borlotti beans","quantity":400,"unit":"g","note":"drained"},
                        {"name":"salt","quantity":null,"unit":null,"note":"to taste"}],
         "steps":["Simmer everything.","Serve hot."],
         "totalMinutes":60}
        """;

    private static string RecipePath(string file) => Path.Combine(AppContext.BaseDirectory, "recipes", file);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(
        string[] args, Func<string, string?> environment, string stdin = "")
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await RecipeApp.RunAsync(args, new StringReader(stdin), stdout, stderr, environment);
        return (exit, stdout.ToString().Replace("\r\n", "\n"), stderr.ToString().Replace("\r\n", "\n"));
    }

    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("carbonara.txt")]
    [InlineData("pancakes.txt")]
    [InlineData("dal.txt")]
    public async Task Offline_demo_rejects_the_first_scripted_answer_and_accepts_the_second(string file)
    {
        Assert.True(File.Exists(RecipePath(file)), $"{file} is not copied to the test output directory");

        var (exit, stdout, stderr) = await RunAsync(new[] { RecipePath(file) }, NoEnvironment);

        Assert.True(exit == 0, stderr + stdout);
        Assert.StartsWith("OFFLINE DEMO", stdout, StringComparison.Ordinal);
        var lines = stdout.Split('\n');
        int rejected = Array.FindIndex(lines, l => l.StartsWith("Attempt 1: rejected", StringComparison.Ordinal));
        int accepted = Array.FindIndex(lines, l => l.StartsWith("Attempt 2: accepted", StringComparison.Ordinal));
        Assert.True(rejected > 0, stdout);
        Assert.True(accepted > rejected + 1, stdout);
        Assert.Contains(lines[(rejected + 1)..accepted], l => l.StartsWith("  error  $", StringComparison.Ordinal));
        Assert.DoesNotContain("Attempt 3", stdout, StringComparison.Ordinal);
        Assert.Contains("Ingredients\n", stdout, StringComparison.Ordinal);
        Assert.Contains("Steps\n", stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public async Task Offline_carbonara_prints_the_corrected_recipe()
    {
        // No file argument: the bundled carbonara is the default.
        var (exit, stdout, stderr) = await RunAsync(Array.Empty<string>(), NoEnvironment);

        Assert.True(exit == 0, stderr + stdout);
        Assert.StartsWith("OFFLINE DEMO", stdout, StringComparison.Ordinal);
        Assert.Contains("Attempt 1: rejected", stdout, StringComparison.Ordinal);
        Assert.Contains("  error  $.servings:", stdout, StringComparison.Ordinal);
        Assert.Contains("  error  $.cuisine:", stdout, StringComparison.Ordinal);
        Assert.Contains("Attempt 2: accepted", stdout, StringComparison.Ordinal);
        Assert.Contains("Spaghetti alla Carbonara\n========================\n", stdout, StringComparison.Ordinal);
        Assert.Contains("Cuisine: Italian · Serves 2 · 25 minutes", stdout, StringComparison.Ordinal);
        Assert.Contains(
            "Ingredients\n"
            + "  - 200 g spaghetti\n"
            + "  - 100 g guanciale\n"
            + "  - 2 eggs (large)\n"
            + "  - 50 g Pecorino Romano (grated)\n"
            + "  - black pepper\n",
            stdout,
            StringComparison.Ordinal);

        var steps = stdout.Split('\n').SkipWhile(l => l != "Steps").Skip(1).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(5, steps.Count);
        for (int i = 0; i < steps.Count; i++)
        {
            Assert.StartsWith($"  {i + 1}. ", steps[i], StringComparison.Ordinal);
        }

        Assert.Equal("  5. Serve immediately.", steps[^1]);
        Assert.DoesNotContain("Tokens:", stdout, StringComparison.Ordinal); // the scripted stand-in reports no usage
    }

    [Fact]
    public async Task Offline_with_unknown_text_on_stdin_exits_2_and_explains()
    {
        var (exit, stdout, stderr) = await RunAsync(new[] { "-" }, NoEnvironment, stdin: "Toast: toast the bread. Eat.");

        Assert.Equal(2, exit);
        Assert.StartsWith("OFFLINE DEMO", stdout, StringComparison.Ordinal);
        Assert.Contains("only for the bundled recipes", stderr, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Attempt 1", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Online_calls_the_configured_endpoint_and_model_and_prints_its_recipe()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.EnqueueCompletion(ServerRecipe, promptTokens: 321, completionTokens: 87);
        var environment = EnvironmentFor(server, apiKey: "test", model: "some-model");

        var (exit, stdout, stderr) = await RunAsync(new[] { "-" }, environment, stdin: "Minestrone for six ...");

        Assert.True(exit == 0, stderr + stdout);
        Assert.DoesNotContain("OFFLINE DEMO", stdout, StringComparison.Ordinal);
        Assert.StartsWith($"Model: some-model at {server.BaseUrl}", stdout, StringComparison.Ordinal);

        var request = Assert.Single(server.Requests);
        Assert.Equal("some-model", (string?)request.Json["model"]);
        Assert.Equal("Bearer test", request.Authorization);
        Assert.StartsWith(LlmContract<Recipe>.Prompt, request.Text(0), StringComparison.Ordinal);
        Assert.Equal("Minestrone for six ...", Wire.DelimitedInput(request.Text(1), out _));

        Assert.Contains("Attempt 1: accepted (finish reason: stop)", stdout, StringComparison.Ordinal);
        Assert.Contains("Fake Server Minestrone\n======================\n", stdout, StringComparison.Ordinal);
        Assert.Contains("Cuisine: Italian · Serves 6 · 60 minutes", stdout, StringComparison.Ordinal);
        Assert.Contains("  - 400 g borlotti beans (drained)\n  - salt (to taste)\n", stdout, StringComparison.Ordinal);
        Assert.Contains("  1. Simmer everything.\n  2. Serve hot.\n", stdout, StringComparison.Ordinal);
        Assert.Contains("Tokens: 321 in, 87 out, over 1 request(s).", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Online_http_400_exits_1_with_the_provider_message()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.EnqueueError(400, "The model `some-model` does not exist or you do not have access to it.", "model_not_found");

        var (exit, _, stderr) = await RunAsync(Array.Empty<string>(), EnvironmentFor(server, "test", "some-model"));

        Assert.Equal(1, exit);
        Assert.Contains("The endpoint answered HTTP 400", stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist or you do not have access", stderr, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Offline_flag_wins_over_an_api_key_and_calls_no_server()
    {
        await using var server = await FakeOpenAIServer.StartAsync();

        var (exit, stdout, _) = await RunAsync(new[] { "--offline" }, EnvironmentFor(server, "test", "some-model"));

        Assert.Equal(0, exit);
        Assert.StartsWith("OFFLINE DEMO", stdout, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Schema_option_prints_the_generated_json_schema()
    {
        var (exit, stdout, _) = await RunAsync(new[] { "--schema" }, NoEnvironment);

        Assert.Equal(0, exit);
        using var schema = JsonDocument.Parse(stdout);
        Assert.Equal("Recipe", schema.RootElement.GetProperty("title").GetString());
        Assert.Equal("object", schema.RootElement.GetProperty("type").GetString());
        Assert.True(schema.RootElement.GetProperty("properties").TryGetProperty("ingredients", out _));
        Assert.Equal(LlmContract<Recipe>.JsonSchema, stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task Prompt_option_prints_the_generated_prompt()
    {
        var (exit, stdout, _) = await RunAsync(new[] { "--prompt" }, NoEnvironment);

        Assert.Equal(0, exit);
        Assert.Equal(LlmContract<Recipe>.Prompt.Replace("\r\n", "\n"), stdout.TrimEnd('\n'));
        Assert.StartsWith("Extract the recipe from the document.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_batch_accounts_for_every_file_of_the_folder_in_its_table_and_summary()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "recipes");
        string[] ids = Directory.GetFiles(folder, "*.txt").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal).ToArray();
        Assert.True(ids.Length >= 5, "the bundled recipes are not copied to the test output directory");

        var (exit, stdout, stderr) = await RunAsync(new[] { "--batch", folder }, NoEnvironment);
        string journal = JournalOf(stdout);
        try
        {
            Assert.True(exit == 0, stderr + stdout);
            Assert.StartsWith("OFFLINE DEMO", stdout, StringComparison.Ordinal);
            Assert.Contains("LocalBatchExtractor<Recipe>", stdout, StringComparison.Ordinal);
            Assert.Equal(string.Empty, stderr);
            Assert.DoesNotContain("\u001b[", stdout, StringComparison.Ordinal); // no terminal, no escape codes
            Assert.True(File.Exists(journal), stdout);

            // One row per file, each with its outcome, its attempts and the recipe's name or the failure's kind.
            var rows = TableRows(stdout);
            Assert.Equal(ids, rows.Select(r => r[0]));
            Assert.Equal(new[] { "succeeded", "2", "Spaghetti alla Carbonara" }, Row(rows, "carbonara")[1..]);
            Assert.Equal(new[] { "succeeded", "2", "Weeknight red lentil dal" }, Row(rows, "dal")[1..]);
            Assert.Equal(new[] { "succeeded", "1", "Gazpacho" }, Row(rows, "gazpacho")[1..]);
            Assert.Equal(new[] { "succeeded", "2", "Fluffy American Pancakes" }, Row(rows, "pancakes")[1..]);
            Assert.Equal(new[] { "failed", "2", nameof(ExtractionFailureKind.InvalidAnswer) }, Row(rows, "shopping-list")[1..]);

            int succeeded = rows.Count(r => r[1] == "succeeded");
            int retried = rows.Count(r => r[2] != "1");
            Assert.Contains(
                $"Summary: {ids.Length} items: {succeeded} succeeded, {ids.Length - succeeded} failed; {retried} retried ({retried} re-asks); tokens: 0 in, 0 out.\n",
                stdout,
                StringComparison.Ordinal);
            Assert.Contains($"{ids.Length}/{ids.Length} done, 0 in flight, {retried} re-asked\n", stdout, StringComparison.Ordinal);
            Assert.Contains("cost: give --input-price and --output-price", stdout, StringComparison.Ordinal);

            // A second run on the journal asks nothing again: every file comes back from it, with the same outcome.
            var (exit2, stdout2, stderr2) = await RunAsync(new[] { "--batch", folder, "--resume", journal }, NoEnvironment);
            Assert.True(exit2 == 0, stderr2 + stdout2);
            Assert.Contains($"Journal: {journal} (resuming)", stdout2, StringComparison.Ordinal);
            var resumed = TableRows(stdout2);
            Assert.Equal(rows.Select(r => (r[0], r[1] + " (resumed)", r[2], r[3])), resumed.Select(r => (r[0], r[1], r[2], r[3])));

            // Prices given offline: the stand-in reports no tokens, and the cost line says why it is nothing.
            var (exit3, stdout3, stderr3) = await RunAsync(new[] { "--batch", folder, "--resume", journal, "--input-price", "0.075", "--output-price", "0.3" }, NoEnvironment);
            Assert.True(exit3 == 0, stderr3 + stdout3);
            Assert.Contains("cost: $0, no tokens reported (the stand-in spends none)", stdout3, StringComparison.Ordinal);
            Assert.Contains($"; {ids.Length} resumed from the journal.\n", stdout2, StringComparison.Ordinal);
            Assert.Contains($"{ids.Length}/{ids.Length} done, 0 in flight, 0 re-asked\n", stdout2, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(journal);
        }
    }

    [Fact]
    public async Task Batch_prices_go_in_pairs_and_with_batch_only()
    {
        var (exit, _, stderr) = await RunAsync(new[] { "--batch", "--input-price", "0.075" }, NoEnvironment);
        Assert.Equal(2, exit);
        Assert.Contains("--input-price and --output-price go together", stderr, StringComparison.Ordinal);

        var (exit2, _, stderr2) = await RunAsync(new[] { "--input-price", "0.075", "--output-price", "0.3" }, NoEnvironment);
        Assert.Equal(2, exit2);
        Assert.Contains("go with --batch", stderr2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_batch_of_a_folder_with_unscripted_texts_exits_2_and_names_them()
    {
        string folder = Directory.CreateTempSubdirectory("recipes-").FullName;
        try
        {
            File.Copy(RecipePath("dal.txt"), Path.Combine(folder, "dal.txt"));
            File.WriteAllText(Path.Combine(folder, "toast.txt"), "Toast: toast the bread. Eat.");

            var (exit, stdout, stderr) = await RunAsync(new[] { "--batch", folder }, NoEnvironment);

            Assert.Equal(2, exit);
            Assert.StartsWith("OFFLINE DEMO", stdout, StringComparison.Ordinal);
            Assert.Contains("not for: toast.", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Summary:", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Online_batch_goes_through_the_batch_api_of_the_configured_endpoint()
    {
        await using var server = await FakeBatchServer.StartAsync();
        const int RecipeIn = 100, RecipeOut = 40, RefusalIn = 30, RefusalOut = 4;
        server.Answer = (input, attempt) => input.StartsWith("Shopping list", StringComparison.Ordinal)
            ? new AnsweredLine(new CompletionResponse(null, "stop", RefusalIn, RefusalOut, Refusal: "That is not a recipe."))
            : new AnsweredLine(new CompletionResponse(
                $$"""{"name":"{{input.Split(' ')[0]}}","servings":2,"cuisine":"Other","ingredients":[],"steps":["Cook."],"totalMinutes":null}""",
                "stop",
                RecipeIn,
                RecipeOut));
        var environment = EnvironmentFor(server.BaseUrl, apiKey: "test", model: "some-model");
        string folder = Path.Combine(AppContext.BaseDirectory, "recipes");
        string[] ids = Directory.GetFiles(folder, "*.txt").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal).ToArray();

        var (exit, stdout, stderr) = await RunAsync(new[] { "--batch", folder, "--poll", "0", "--input-price", "0.075", "--output-price", "0.3" }, environment);
        string journal = JournalOf(stdout);
        try
        {
            Assert.True(exit == 0, stderr + stdout);
            Assert.DoesNotContain("OFFLINE DEMO", stdout, StringComparison.Ordinal);
            Assert.StartsWith($"Batch API: some-model at {server.BaseUrl}", stdout, StringComparison.Ordinal);

            // One input file of one request per file, for the configured model; one batch, as nothing is re-asked.
            string upload = Assert.Single(server.Uploads);
            var lines = upload.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(ids, lines.Select(l => l.GetProperty("custom_id").GetString()).Order(StringComparer.Ordinal));
            Assert.All(lines, l => Assert.Equal("some-model", l.GetProperty("body").GetProperty("model").GetString()));
            Assert.Equal(1, server.BatchCount);

            var rows = TableRows(stdout);
            Assert.Equal(ids, rows.Select(r => r[0]));
            Assert.Equal(new[] { "succeeded", "1", "Spaghetti" }, Row(rows, "carbonara")[1..]);
            Assert.Equal(new[] { "failed", "1", nameof(ExtractionFailureKind.Refusal) }, Row(rows, "shopping-list")[1..]);
            int recipes = ids.Length - 1;
            Assert.Contains(
                $"Summary: {ids.Length} items: {recipes} succeeded, 1 failed; 0 retried (0 re-asks); "
                + $"tokens: {(recipes * RecipeIn) + RefusalIn} in, {(recipes * RecipeOut) + RefusalOut} out.\n",
                stdout,
                StringComparison.Ordinal);

            // Under the table, the cost at the prices given, of the usage the batch reported.
            decimal cost = ((((recipes * RecipeIn) + RefusalIn) * 0.075m) + (((recipes * RecipeOut) + RefusalOut) * 0.3m)) / 1_000_000m;
            Assert.Contains(
                "cost: $" + cost.ToString("0.######", CultureInfo.InvariantCulture) + " (at $0.075 in, $0.3 out per million tokens)",
                stdout,
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(journal);
        }
    }

    // The journal the batch command named on screen.
    private static string JournalOf(string stdout)
    {
        string line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("Journal: ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException("No journal line in:\n" + stdout);
        return line["Journal: ".Length..].Replace(" (resuming)", string.Empty, StringComparison.Ordinal);
    }

    // The body rows of the summary table: its lines between the header's rule and the bottom border, split into cells.
    private static List<string[]> TableRows(string stdout)
    {
        var lines = stdout.Split('\n');
        int rule = Array.FindIndex(lines, l => l.StartsWith("├", StringComparison.Ordinal));
        Assert.True(rule > 0, stdout);
        return lines.Skip(rule + 1)
            .TakeWhile(l => l.StartsWith("│", StringComparison.Ordinal))
            .Select(l => l.Trim('│').Split('│').Select(c => c.Trim()).ToArray())
            .ToList();
    }

    private static string[] Row(List<string[]> rows, string id) => Assert.Single(rows, r => r[0] == id);

    private static Func<string, string?> EnvironmentFor(FakeOpenAIServer server, string apiKey, string model) =>
        EnvironmentFor(server.BaseUrl, apiKey, model);

    private static Func<string, string?> EnvironmentFor(string baseUrl, string apiKey, string model)
    {
        var values = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = apiKey,
            ["OPENAI_BASE_URL"] = baseUrl,
            ["OPENAI_MODEL"] = model,
        };
        return name => values.TryGetValue(name, out var value) ? value : null;
    }
}
