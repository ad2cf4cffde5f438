using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using OpenAI;
using Spectre.Console;
using StructuredOutput;

namespace RecipeExtractor;

/// <summary>
/// The sample's --batch command: extracts a recipe from every text file of a folder in one batch run, with a progress
/// bar and a summary table. With OPENAI_API_KEY set the folder goes through OpenAI's Batch API
/// (<see cref="OpenAIBatchExtractor{T}"/>); without it, through <see cref="LocalBatchExtractor{T}"/> on the offline
/// demo's scripted stand-in.
/// </summary>
public static class BatchCommand
{
    /// <summary>The files a folder's recipes are read from.</summary>
    public const string FilePattern = "*.txt";

    /// <summary>The wait before the first poll of the Batch API when none is given: 10 seconds, doubled after each poll up to 5 minutes.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(10);

    /// <summary>Runs the batch and prints its progress and summary.</summary>
    /// <param name="folder">The folder of recipe texts; null for the bundled recipes.</param>
    /// <param name="journal">The journal of an earlier run to resume; null for a new one in the temporary folder.</param>
    /// <param name="offline">Whether to run the scripted offline demo even when OPENAI_API_KEY is set.</param>
    /// <param name="options">Retries and the other extraction options of every item.</param>
    /// <param name="pollInterval">The wait before the first poll of the Batch API; null for <see cref="DefaultPollInterval"/>.</param>
    /// <param name="pricing">The prices of a million input and output tokens in USD, for the cost under the table; null to show none.</param>
    /// <param name="stdout">Where the progress, the table and the summary go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>0 when every file has a result (failed items included), 1 when the run stopped, 2 for bad input.</returns>
    public static async Task<int> RunAsync(
        string? folder,
        string? journal,
        bool offline,
        ExtractOptions options,
        TimeSpan? pollInterval,
        BatchPricing? pricing,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, string?> environment)
    {
        folder ??= Path.Combine(AppContext.BaseDirectory, "recipes");
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = new List<BatchItem>();
        try
        {
            foreach (string path in Directory.EnumerateFiles(folder, FilePattern).Order(StringComparer.Ordinal))
            {
                // The file's name is the item's id: stable across runs, as resuming needs, and at most 64 characters.
                string text = await File.ReadAllTextAsync(path);
                var item = new BatchItem(Path.GetFileNameWithoutExtension(path), text);
                texts[item.Id] = text;
                items.Add(item);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine($"Cannot read the recipes of '{folder}': {e.Message}");
            return 2;
        }

        if (items.Count == 0)
        {
            stderr.WriteLine($"'{folder}' has no {FilePattern} files to extract from.");
            return 2;
        }

        journal ??= Path.Combine(Path.GetTempPath(), $"recipes-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}.journal");
        bool resuming = File.Exists(journal);
        // A live bar and colours only on a terminal: Spectre.Console detects escape codes from the environment (TERM),
        // which a captured log (CI, a pipe, a file) inherits, so anything but the process's own console to a terminal
        // gets plain text, and the bar's fallback of a line at milestones.
        bool terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });

        Func<IProgress<BatchProgress>, Run> start;
        string? apiKey = environment(OpenAIEndpoint.ApiKeyVariable);
        if (offline || string.IsNullOrWhiteSpace(apiKey))
        {
            stdout.WriteLine("OFFLINE DEMO: no model is called. A scripted stand-in returns canned answers for the bundled texts, and");
            stdout.WriteLine("LocalBatchExtractor<Recipe> runs them on this machine as a batch: flawed answers are re-asked, one text");
            stdout.WriteLine("is not a recipe and fails. Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL, OPENAI_MODEL) to send the");
            stdout.WriteLine("folder through OpenAI's Batch API.");
            var unscripted = texts.Where(t => OfflineDemo.ScriptFor(t.Value) is null).Select(t => t.Key).ToList();
            if (unscripted.Count > 0)
            {
                stderr.WriteLine($"The offline demo has scripted answers only for the bundled texts (recipes/*.txt), not for: {string.Join(", ", unscripted)}.");
                stderr.WriteLine("Set OPENAI_API_KEY to extract from your own texts.");
                return 2;
            }

            var client = new ScriptedChatClient(OfflineDemo.ScriptForRequest);
            start = progress =>
            {
                var extractor = new LocalBatchExtractor<Recipe>(client, new LocalBatchOptions
                {
                    Extract = options,
                    JournalPath = journal,
                    Progress = progress,
                    Pricing = pricing,
                });
                return new Run(extractor.ExtractAsync(items.ToAsyncEnumerable()), () => extractor.Summary);
            };
        }
        else
        {
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

            // The Batch API's own clients (files and batches) on the SDK, at the same endpoint and with the same key.
            var client = new OpenAIClient(
                new ApiKeyCredential(endpoint.ApiKey ?? OpenAIEndpoint.NoKey),
                endpoint.BaseUrl is { } baseUrl ? new OpenAIClientOptions { Endpoint = baseUrl } : new OpenAIClientOptions());
            stdout.WriteLine($"Batch API: {endpoint}");
            stdout.WriteLine("A batch may take up to 24 hours. Stopping this program leaves the batches running at the provider;");
            stdout.WriteLine("--resume with the journal below polls them again instead of submitting them again.");
            start = progress =>
            {
                var extractor = new OpenAIBatchExtractor<Recipe>(client, endpoint.Model, new OpenAIBatchOptions
                {
                    Extract = options,
                    JournalPath = journal,
                    Progress = progress,
                    Pricing = pricing,
                    PollInterval = pollInterval ?? DefaultPollInterval,
                    MaxPollInterval = TimeSpan.FromMinutes(5),
                });
                return new Run(extractor.ExtractAsync(items.ToAsyncEnumerable()), () => extractor.Summary);
            };
        }

        stdout.WriteLine($"Journal: {journal}" + (resuming ? " (resuming)" : string.Empty));
        stdout.WriteLine($"Resume a stopped run with: --batch \"{folder}\" --resume \"{journal}\"");
        stdout.WriteLine();

        var results = new List<BatchItemResult<Recipe>>();
        ProgressBar? bar = null;
        BatchSummary summary;
        try
        {
            summary = await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    bar = new ProgressBar(context.AddTask(ProgressBar.Describe(0, items.Count, 0, 0), maxValue: items.Count), items.Count);
                    Run run = start(bar);
                    await foreach (var result in run.Results)
                    {
                        results.Add(result);
                    }

                    return run.Summary();
                });
        }
        catch (ClientResultException e)
        {
            stderr.WriteLine($"The endpoint answered HTTP {e.Status}: {e.Message}");
            stderr.WriteLine($"Finished items are in the journal: {journal}");
            return 1;
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine($"The batch run stopped: {e.Message}");
            stderr.WriteLine($"Finished items are in the journal: {journal}");
            return 1;
        }

        if (!console.Profile.Capabilities.Interactive && bar?.Last is { } last)
        {
            // Without a terminal the bar prints a line only at milestones (25%, 50%…), at most one a second, and none
            // at the end: the final counts close it.
            stdout.WriteLine(ProgressBar.Describe(last.Done, items.Count, last.InFlight, last.Retried));
        }

        stdout.WriteLine();
        console.Write(SummaryTable(results, CostLine(summary, pricing)));
        stdout.WriteLine(SummaryLine(summary, results));
        return 0;
    }

    // One row per item, in the order of their ids: what came of it, after how many attempts, and the recipe's name or
    // the failure's kind.
    private static Table SummaryTable(List<BatchItemResult<Recipe>> results, string cost)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Caption(Markup.Escape(cost))
            .AddColumn("Id")
            .AddColumn("Outcome")
            .AddColumn(new TableColumn("Attempts").RightAligned())
            .AddColumn("Recipe or failure");
        foreach (var item in results.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var result = item.Result;
            string outcome = (result.IsSuccess ? "succeeded" : "failed") + (item.Resumed ? " (resumed)" : string.Empty);
            string what = result.IsSuccess ? result.Value!.Name : result.FailureKind.ToString();
            table.AddRow(
                Markup.Escape(item.Id),
                result.IsSuccess ? $"[green]{outcome}[/]" : $"[red]{outcome}[/]",
                result.Attempts.Count.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(what));
        }

        return table;
    }

    // The run's cost at the prices given (the summary's usage: on the Batch API, what the batches report), or how to get it.
    private static string CostLine(BatchSummary summary, BatchPricing? pricing) =>
        pricing is null ? "cost: give --input-price and --output-price"
        : (summary.Usage.InputTokenCount ?? 0) + (summary.Usage.OutputTokenCount ?? 0) == 0 ? "cost: $0, no tokens reported (the stand-in spends none)"
        : summary.Cost is { } cost ? string.Create(CultureInfo.InvariantCulture, $"cost: ${cost:0.######} (at ${pricing.InputPerMillionTokens} in, ${pricing.OutputPerMillionTokens} out per million tokens)")
        : "cost: give --input-price and --output-price";

    // The totals as one plain line, the same in a terminal and in a captured log.
    private static string SummaryLine(BatchSummary summary, List<BatchItemResult<Recipe>> results)
    {
        int reasks = results.Sum(r => Math.Max(0, r.Result.Attempts.Count - 1));
        int retried = results.Count(r => r.Result.Attempts.Count > 1);
        long input = summary.Usage.InputTokenCount ?? 0;
        long output = summary.Usage.OutputTokenCount ?? 0;
        string line = $"Summary: {summary.Items} items: {summary.Succeeded} succeeded, {summary.Failed} failed; "
            + $"{retried} retried ({reasks} re-asks); tokens: {input} in, {output} out";
        return line + (summary.Resumed > 0 ? $"; {summary.Resumed} resumed from the journal." : ".");
    }

    private sealed record Run(IAsyncEnumerable<BatchItemResult<Recipe>> Results, Func<BatchSummary> Summary);

    // Feeds the run's counts to the bar: reports come from the run's own threads, and a task takes them in any order.
    private sealed class ProgressBar : IProgress<BatchProgress>
    {
        private readonly ProgressTask _task;
        private readonly int _items;

        public ProgressBar(ProgressTask task, int items)
        {
            _task = task;
            _items = items;
        }

        public static string Describe(long done, int items, long inFlight, long retried) =>
            $"{done}/{items} done, {inFlight} in flight, {retried} re-asked";

        public BatchProgress? Last { get; private set; }

        public void Report(BatchProgress value)
        {
            Last = value;
            _task.Value = value.Done;
            _task.Description = Describe(value.Done, _items, value.InFlight, value.Retried);
        }
    }
}
