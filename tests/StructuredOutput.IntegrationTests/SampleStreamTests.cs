using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using RecipeExtractor;

namespace StructuredOutput.IntegrationTests;

/// <summary>The RecipeExtractor sample's --stream mode, offline (the scripted stand-in streaming) and against the fake server.</summary>
public sealed class SampleStreamTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string[] args, Func<string, string?> environment, string stdin = "")
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await RecipeApp.RunAsync(args, new StringReader(stdin), stdout, stderr, environment);
        return (exit, stdout.ToString().Replace("\r\n", "\n"), stderr.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Offline_stream_says_it_is_scripted_and_shows_each_ingredient_as_it_closes_in_both_attempts()
    {
        var (exit, stdout, stderr) = await RunAsync(new[] { "--stream", "--pace", "0" }, NoEnvironment);

        Assert.True(exit == 0, stderr + stdout);
        Assert.StartsWith("OFFLINE DEMO", stdout, StringComparison.Ordinal);
        Assert.Contains("scripted, not a model's", stdout, StringComparison.Ordinal);
        var lines = stdout.Split('\n');
        int started1 = Array.IndexOf(lines, "Attempt 1: streaming");
        int rejected1 = Array.FindIndex(lines, l => l.StartsWith("Attempt 1: rejected (InvalidAnswer), asking again", StringComparison.Ordinal));
        int started2 = Array.IndexOf(lines, "Attempt 2: streaming");
        Assert.True(started1 >= 0 && rejected1 > started1 && started2 > rejected1, stdout);

        // The first answer's members, each printed once as it completed, its invalid servings flagged as it closed.
        var first = lines[started1..rejected1];
        Assert.Equal("  name: Spaghetti alla Carbonara", first[1]);
        Assert.Contains(first, l => l.StartsWith("  ! $.servings:", StringComparison.Ordinal));
        Assert.Contains(first, l => l.StartsWith("  ! $.cuisine:", StringComparison.Ordinal));
        Assert.Equal(
            new[] { "200 g spaghetti", "100 g guanciale", "2 eggs (large)", "50 g Pecorino Romano (grated)", "black pepper" },
            first.Where(l => l.StartsWith("  + ingredient ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]));

        // The second answer fills in whole, in the order the model wrote it.
        var second = lines[started2..].TakeWhile(l => l.Length > 0).ToList();
        var order = new[] { "  name:", "  serves: 2", "  cuisine: Italian", "  + ingredient 1: 200 g spaghetti", "  + ingredient 5: black pepper", "  + step 1:", "  + step 5: Serve immediately.", "  total time: 25 minutes" }
            .Select(prefix => second.FindIndex(l => l.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.OrderBy(i => i), order);

        Assert.Contains("Attempt 2: accepted (finish reason: stop)", stdout, StringComparison.Ordinal);
        Assert.Contains("Ingredients\n  - 200 g spaghetti\n", stdout, StringComparison.Ordinal);
        var summary = Regex.Match(stdout, @"^Streamed: 5 ingredients appeared one by one \((\d+) of (\d+) updates showed the list part-way\), before the answer ended\.$", RegexOptions.Multiline);
        Assert.True(summary.Success, stdout);
        Assert.InRange(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, int.Parse(summary.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - 1);
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public async Task Offline_stream_with_fail_fast_stops_the_first_answer_at_its_invalid_servings()
    {
        var (exit, stdout, stderr) = await RunAsync(new[] { "--stream", "--fail-fast", "--pace", "0" }, NoEnvironment);

        Assert.True(exit == 0, stderr + stdout);
        var lines = stdout.Split('\n');
        int started1 = Array.IndexOf(lines, "Attempt 1: streaming");
        int rejected1 = Array.FindIndex(lines, l => l.StartsWith("Attempt 1: rejected", StringComparison.Ordinal));
        var first = lines[started1..rejected1];
        Assert.Contains("  name: Spaghetti alla Carbonara", first);
        Assert.Contains(first, l => l.StartsWith("  ! $.servings:", StringComparison.Ordinal));
        Assert.DoesNotContain(first, l => l.StartsWith("  + ingredient", StringComparison.Ordinal)); // stopped long before them
        Assert.Contains("Attempt 2: accepted", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\nStreamed: 5 ingredients appeared one by one", stdout);
    }

    [Fact]
    public async Task Stream_options_go_together_only_where_they_make_sense()
    {
        var (exit, _, stderr) = await RunAsync(new[] { "--fail-fast" }, NoEnvironment);
        Assert.Equal(2, exit);
        Assert.Contains("go with --stream", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = await RunAsync(new[] { "--stream", "--batch" }, NoEnvironment);
        Assert.Equal(2, exit);
        Assert.Contains("--stream and --batch", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Online_stream_asks_the_endpoint_for_a_stream_and_shows_its_recipe_filling_in()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        const string recipe = """
            {"name":"Fake Server Minestrone","servings":6,"cuisine":"Italian",
             "ingredients":[{"name":"borlotti beans","quantity":400,"unit":"g","note":"drained"},
                            {"name":"salt","quantity":null,"unit":null,"note":"to taste"}],
             "steps":["Simmer everything.","Serve hot."],
             "totalMinutes":60}
            """;
        server.Enqueue(StreamedResponse.Chunked(recipe, 6) with { PromptTokens = 321, CompletionTokens = 87 });
        var environment = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "test", ["OPENAI_BASE_URL"] = server.BaseUrl, ["OPENAI_MODEL"] = "some-model" };

        var (exit, stdout, stderr) = await RunAsync(new[] { "--stream", "-" }, n => environment.GetValueOrDefault(n), stdin: "Minestrone for six ...");

        Assert.True(exit == 0, stderr + stdout);
        Assert.DoesNotContain("OFFLINE DEMO", stdout, StringComparison.Ordinal);
        var request = Assert.Single(server.Requests);
        Assert.True(FakeOpenAIServer.IsStreamRequest(request), request.Raw);
        Assert.Contains("  name: Fake Server Minestrone\n  serves: 6\n  cuisine: Italian\n  + ingredient 1: 400 g borlotti beans (drained)\n  + ingredient 2: salt (to taste)\n", stdout, StringComparison.Ordinal);
        Assert.Contains("Attempt 1: accepted (finish reason: stop)", stdout, StringComparison.Ordinal);
        Assert.Contains("Tokens: 321 in, 87 out, over 1 request(s).", stdout, StringComparison.Ordinal);
        Assert.Contains("Streamed: 2 ingredients appeared one by one", stdout, StringComparison.Ordinal);
    }
}
