using System;
using System.ClientModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput;

namespace RecipeExtractor;

/// <summary>The sample's command line: extracts a recipe from a text file or standard input and prints it.</summary>
public static class RecipeApp
{
    public const string DefaultModel = OpenAIEndpoint.DefaultModel;

    private const string Usage = """
        Usage: RecipeExtractor [FILE | -] [options]
               RecipeExtractor --stream [FILE | -] [--fail-fast] [options]
               RecipeExtractor --batch [FOLDER] [--resume JOURNAL] [options]

        Extracts a recipe from FILE (default: the bundled carbonara; '-' reads standard input) and prints it.
        With --stream, the recipe fills in live while the model writes it: the name, then each ingredient as it closes.
        With --batch, extracts one from every *.txt file of FOLDER (default: the bundled recipes) in one batch run,
        through OpenAI's Batch API (offline: the scripted demo), with a progress bar and a summary table.

        Options:
          --stream           stream the answer and show the recipe filling in (redrawn in place on a terminal)
          --fail-fast        with --stream: stop an answer at its first invalid member and re-ask at once
          --pace MS          with --stream offline: the scripted stand-in's pause between chunks (default 15)
          --batch [FOLDER]   extract every *.txt file of FOLDER; the run's journal is a temporary file named on screen
          --resume JOURNAL   with --batch: go on from the journal of a stopped run (same folder, same options)
          --poll SECONDS     with --batch on the Batch API: the wait before the first poll, doubled up to 5 minutes (default 10)
          --input-price USD  with --batch: the price of a million input tokens, for the run's cost (with --output-price)
          --output-price USD with --batch: the price of a million output tokens (the Batch API bills half the usual price)
          --schema           print the JSON Schema generated for Recipe and exit
          --prompt           print the system prompt generated for Recipe and exit
          --offline          run the scripted offline demo even when OPENAI_API_KEY is set
          --max-retries N    how many times to re-ask after an invalid answer (default 1)
          --raw              also print the raw text of every answer
          --trace            print the extraction's span and the chat client's spans as they end
          --help             show this help

        Environment:
          OPENAI_API_KEY     when set, calls a real model through the official OpenAI SDK
          OPENAI_BASE_URL    any OpenAI-compatible endpoint (Azure OpenAI, Ollama, vLLM, llama.cpp, a gateway)
          OPENAI_MODEL       the model name (default gpt-4o-mini)
        """;

    public static async Task<int> RunAsync(
        string[] args,
        TextReader stdin,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, string?> environment)
    {
        string? file = null, batchFolder = null, journal = null;
        bool offline = false, raw = false, trace = false, batch = false, stream = false;
        TimeSpan? poll = null, pace = null;
        decimal? inputPrice = null, outputPrice = null;
        var options = new ExtractOptions();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    stdout.WriteLine(Usage);
                    return 0;
                case "--schema":
                    stdout.WriteLine(LlmContract<Recipe>.JsonSchema);
                    return 0;
                case "--prompt":
                    stdout.WriteLine(LlmContract<Recipe>.Prompt);
                    return 0;
                case "--offline":
                    offline = true;
                    break;
                case "--raw":
                    raw = true;
                    break;
                case "--trace":
                    trace = true;
                    break;
                case "--stream":
                    stream = true;
                    break;
                case "--fail-fast":
                    options.FailFast = true;
                    break;
                case "--pace" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int ms):
                    pace = TimeSpan.FromMilliseconds(ms);
                    i++;
                    break;
                case "--batch":
                    batch = true;
                    if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        batchFolder = args[++i];
                    }

                    break;
                case "--resume" when i + 1 < args.Length:
                    journal = args[++i];
                    break;
                case "--poll" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int seconds):
                    poll = TimeSpan.FromSeconds(seconds);
                    i++;
                    break;
                case "--input-price" when i + 1 < args.Length && decimal.TryParse(args[i + 1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal price):
                    inputPrice = price;
                    i++;
                    break;
                case "--output-price" when i + 1 < args.Length && decimal.TryParse(args[i + 1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal price):
                    outputPrice = price;
                    i++;
                    break;
                case "--max-retries" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int retries):
                    options.MaxRetries = retries;
                    i++;
                    break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || file is not null)
                    {
                        stderr.WriteLine($"Unknown argument '{args[i]}'.");
                        stderr.WriteLine(Usage);
                        return 2;
                    }

                    file = args[i];
                    break;
            }
        }

        if (batch && stream)
        {
            stderr.WriteLine("--stream and --batch do not go together: a batch has no live answer to show.");
            return 2;
        }

        if (!stream && (options.FailFast || pace is not null))
        {
            stderr.WriteLine("--fail-fast and --pace go with --stream.");
            return 2;
        }

        if (batch && (file is not null || raw || trace))
        {
            stderr.WriteLine("--batch takes a folder, and prints a summary table instead of each answer (no FILE, --raw or --trace).");
            return 2;
        }

        if (!batch && (journal is not null || poll is not null || inputPrice is not null || outputPrice is not null))
        {
            stderr.WriteLine("--resume, --poll, --input-price and --output-price go with --batch.");
            return 2;
        }

        if ((inputPrice is null) != (outputPrice is null))
        {
            stderr.WriteLine("--input-price and --output-price go together: the cost needs both.");
            return 2;
        }

        if (batch)
        {
            BatchPricing? pricing = inputPrice is { } perMillionIn && outputPrice is { } perMillionOut ? new BatchPricing(perMillionIn, perMillionOut) : null;
            return await BatchCommand.RunAsync(batchFolder, journal, offline, options, poll, pricing, stdout, stderr, environment);
        }

        string input;
        try
        {
            input = file switch
            {
                "-" => await stdin.ReadToEndAsync(),
                null => await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "recipes", "carbonara.txt")),
                _ => await File.ReadAllTextAsync(file),
            };
        }
        catch (IOException e)
        {
            stderr.WriteLine($"Cannot read the recipe: {e.Message}");
            return 2;
        }

        IChatClient client;
        string? apiKey = environment("OPENAI_API_KEY");
        if (offline || string.IsNullOrWhiteSpace(apiKey))
        {
            var script = OfflineDemo.ScriptFor(input);
            if (stream)
            {
                stdout.WriteLine("OFFLINE DEMO: no model is called. The output below is scripted, not a model's: a stand-in streams canned");
                stdout.WriteLine("answers (a flawed one first, then a corrected one) in small chunks, so that you can watch the recipe fill");
                stdout.WriteLine("in, be rejected, re-asked and accepted as it would with a model.");
            }
            else
            {
                stdout.WriteLine("OFFLINE DEMO: no model is called. A scripted stand-in returns canned answers (a flawed one first,");
                stdout.WriteLine("then a corrected one) so that you can watch the library parse, reject, re-ask and accept.");
            }

            stdout.WriteLine("Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL, OPENAI_MODEL) to extract with a real model.");
            stdout.WriteLine();
            if (script is null)
            {
                stderr.WriteLine("The offline demo has scripted answers only for the bundled recipes (recipes/*.txt).");
                stderr.WriteLine("Set OPENAI_API_KEY to extract from your own text.");
                return 2;
            }

            client = new ScriptedChatClient(script) { Pace = pace ?? ScriptedChatClient.DefaultPace };
        }
        else
        {
            // One line: OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL, on the official SDK with the response check
            // (finish reasons of compatible servers read as the SDK's own, and a response the SDK cannot read becomes a
            // typed UnreadableResponse failure that keeps the body).
            OpenAIEndpoint endpoint;
            try
            {
                endpoint = OpenAIEndpoint.FromEnvironment(environment);
            }
            catch (InvalidOperationException e)
            {
                stderr.WriteLine(e.Message);
                return 2;
            }

            client = endpoint.CreateChatClient();
            stdout.WriteLine($"Model: {endpoint}");
            stdout.WriteLine();
        }

        if (trace)
        {
            // The chat client's own spans (one per request), beneath the extraction's span.
            client = client.AsBuilder().UseOpenTelemetry().Build();
        }

        if (stream)
        {
            using (client)
            using (trace ? new TracePrinter(stdout) : null)
            {
                return await StreamCommand.RunAsync(client, input, options, raw, stdout, stderr);
            }
        }

        using (client)
        {
            ExtractionResult<Recipe> result;
            try
            {
                using TracePrinter? printer = trace ? new TracePrinter(stdout) : null;
                result = await client.TryExtractAsync<Recipe>(input, options);
            }
            catch (ClientResultException e)
            {
                stderr.WriteLine($"The endpoint answered HTTP {e.Status}: {e.Message}");
                return 1;
            }

            PrintAttempts(stdout, result, raw);
            if (!result.IsSuccess)
            {
                stderr.WriteLine($"No recipe extracted ({result.FailureKind}).");
                return 1;
            }

            stdout.WriteLine();
            PrintRecipe(stdout, result.Value!);
            if (result.Usage is { } usage)
            {
                stdout.WriteLine();
                stdout.WriteLine($"Tokens: {usage.InputTokenCount} in, {usage.OutputTokenCount} out, over {result.Attempts.Count} request(s).");
            }
        }

        return 0;
    }

    /// <summary>Prints each attempt's verdict, errors and repairs (and with <paramref name="raw"/>, its raw answer).</summary>
    internal static void PrintAttempts(TextWriter stdout, ExtractionResult<Recipe> result, bool raw)
    {
        foreach (var attempt in result.Attempts)
        {
            string verdict = attempt.IsSuccess ? "accepted" : "rejected";
            stdout.WriteLine($"Attempt {attempt.Number}: {verdict}" + (attempt.FinishReason is { } f ? $" (finish reason: {f})" : string.Empty));
            if (attempt.FailureMessage is { } failure)
            {
                stdout.WriteLine($"  {attempt.FailureKind}: {failure}");
            }

            foreach (var error in attempt.Errors)
            {
                stdout.WriteLine($"  error  {error}");
            }

            foreach (var repair in attempt.Repairs)
            {
                stdout.WriteLine($"  repair {repair}");
            }

            if (raw)
            {
                stdout.WriteLine("  raw answer:");
                foreach (var line in (attempt.RawResponse ?? attempt.ResponseBody ?? "(none)").Split('\n'))
                {
                    stdout.WriteLine("    " + line);
                }
            }
        }
    }

    /// <summary>Prints the recipe: name, facts, ingredients and steps.</summary>
    internal static void PrintRecipe(TextWriter stdout, Recipe recipe)
    {
        stdout.WriteLine(recipe.Name);
        stdout.WriteLine(new string('=', recipe.Name.Length));
        var facts = new[]
        {
            $"Cuisine: {recipe.Cuisine}",
            recipe.Servings is int s ? $"Serves {s}" : null,
            recipe.TotalMinutes is int t ? $"{t} minutes" : null,
        };
        stdout.WriteLine(string.Join(" · ", facts.Where(x => x is not null)));
        stdout.WriteLine();
        stdout.WriteLine("Ingredients");
        foreach (var i in recipe.Ingredients)
        {
            string amount = i.Quantity is decimal q
                ? q.ToString("0.##", CultureInfo.InvariantCulture) + (i.Unit is { } u ? " " + u : string.Empty) + " "
                : string.Empty;
            stdout.WriteLine($"  - {amount}{i.Name}" + (i.Note is { } n ? $" ({n})" : string.Empty));
        }

        stdout.WriteLine();
        stdout.WriteLine("Steps");
        for (int i = 0; i < recipe.Steps.Count; i++)
        {
            stdout.WriteLine($"  {i + 1}. {recipe.Steps[i]}");
        }
    }
}
