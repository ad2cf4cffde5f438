using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Spectre.Console.Rendering;
using StructuredOutput;

namespace RecipeExtractor;

/// <summary>
/// The sample's --stream mode: the recipe fills in while the model writes it (<c>ExtractStreamingAsync</c>), the name
/// first, then the ingredients one by one as each closes, then the steps. On a terminal the recipe is redrawn in place
/// on every update; anywhere else (a pipe, a log, a test) each member is printed as a line when it completes.
/// </summary>
public static class StreamCommand
{
    /// <summary>Streams the extraction from <paramref name="client"/> and prints it as it fills in.</summary>
    /// <param name="client">The chat client (a real endpoint, or the offline demo's scripted stand-in).</param>
    /// <param name="input">The recipe text.</param>
    /// <param name="options">Retries, fail-fast and the other extraction options.</param>
    /// <param name="raw">Whether to print the raw text of every answer at the end.</param>
    /// <param name="stdout">Where the recipe goes.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <returns>0 when a recipe was extracted, 1 when not.</returns>
    public static async Task<int> RunAsync(IChatClient client, string input, ExtractOptions options, bool raw, TextWriter stdout, TextWriter stderr)
    {
        bool terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var screen = new Screen();
        ExtractionResult<Recipe>? result = null;
        try
        {
            if (terminal)
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
                await console.Live(screen.Render()).AutoClear(false).StartAsync(async live =>
                {
                    await foreach (var update in client.ExtractStreamingAsync<Recipe>(input, options))
                    {
                        screen.Apply(update, null);
                        live.UpdateTarget(screen.Render());
                        result = update.Result ?? result;
                    }
                });
            }
            else
            {
                await foreach (var update in client.ExtractStreamingAsync<Recipe>(input, options))
                {
                    screen.Apply(update, stdout);
                    result = update.Result ?? result;
                }
            }
        }
        catch (ClientResultException e)
        {
            stderr.WriteLine($"The endpoint answered HTTP {e.Status}: {e.Message}");
            return 1;
        }

        stdout.WriteLine();
        RecipeApp.PrintAttempts(stdout, result!, raw);
        if (!result!.IsSuccess)
        {
            stderr.WriteLine($"No recipe extracted ({result.FailureKind}).");
            return 1;
        }

        if (!terminal)
        {
            // On a terminal the live panel above already shows the whole recipe.
            stdout.WriteLine();
            RecipeApp.PrintRecipe(stdout, result.Value!);
        }

        if (result.Usage is { } usage)
        {
            stdout.WriteLine();
            stdout.WriteLine($"Tokens: {usage.InputTokenCount} in, {usage.OutputTokenCount} out, over {result.Attempts.Count} request(s).");
        }

        stdout.WriteLine();
        stdout.WriteLine(screen.Summary(result.Value!));
        return 0;
    }

    /// <summary>What the screen shows of the attempt in progress, and what it has already printed of it.</summary>
    private sealed class Screen
    {
        private Recipe.Partial? _view;
        private IReadOnlyList<ExtractionError> _errors = Array.Empty<ExtractionError>();
        private int _attempt;
        private string _status = "waiting for the model…";
        private bool _name, _servings, _cuisine, _minutes;
        private int _ingredients, _steps, _errorsPrinted;
        private int _updates, _partWay;

        /// <summary>Takes in one update; with <paramref name="lines"/>, prints what completed since the last one.</summary>
        public void Apply(ExtractionUpdate<Recipe> update, TextWriter? lines)
        {
            switch (update.Kind)
            {
                case ExtractionUpdateKind.AttemptStarted:
                    _attempt = update.AttemptNumber;
                    _view = null;
                    _errors = Array.Empty<ExtractionError>();
                    _name = _servings = _cuisine = _minutes = false;
                    _ingredients = _steps = _errorsPrinted = _updates = _partWay = 0;
                    _status = "streaming…";
                    lines?.WriteLine($"Attempt {_attempt}: streaming");
                    break;
                case ExtractionUpdateKind.Partial:
                    _view = update.Partial as Recipe.Partial;
                    _errors = update.Errors;
                    _updates++;
                    if (_view?.Ingredients is { IsComplete: false, CompleteCount: > 0 })
                    {
                        _partWay++;
                    }

                    if (lines is not null)
                    {
                        PrintCompleted(lines);
                    }

                    break;
                case ExtractionUpdateKind.AttemptFailed:
                    _errors = update.Errors;
                    _status = "rejected, asking again…";
                    if (lines is not null)
                    {
                        PrintCompleted(lines);
                        lines.WriteLine($"Attempt {_attempt}: rejected ({update.Attempt?.FailureKind}), asking again");
                    }

                    break;
                case ExtractionUpdateKind.Completed:
                    _status = update.Result!.IsSuccess ? "accepted" : "failed";
                    if (lines is not null)
                    {
                        PrintCompleted(lines);
                    }

                    break;
            }
        }

        /// <summary>The closing line: how the ingredients arrived in the accepted attempt.</summary>
        public string Summary(Recipe recipe) => string.Create(
            CultureInfo.InvariantCulture,
            $"Streamed: {recipe.Ingredients.Count} ingredients appeared one by one ({_partWay} of {_updates} updates showed the list part-way), before the answer ended.");

        private void PrintCompleted(TextWriter lines)
        {
            if (_view is not { } view)
            {
                return;
            }

            if (!_name && view.IsMemberComplete(nameof(Recipe.Name)))
            {
                _name = true;
                lines.WriteLine($"  name: {view.Name}");
            }

            if (!_servings && view.IsMemberComplete(nameof(Recipe.Servings)))
            {
                _servings = true;
                lines.WriteLine($"  serves: {view.Servings?.ToString(CultureInfo.InvariantCulture) ?? "not stated"}");
            }

            if (!_cuisine && view.IsMemberComplete(nameof(Recipe.Cuisine)))
            {
                _cuisine = true;
                lines.WriteLine($"  cuisine: {view.Cuisine}");
            }

            if (view.Ingredients is { } ingredients)
            {
                for (; _ingredients < ingredients.CompleteCount; _ingredients++)
                {
                    lines.WriteLine($"  + ingredient {_ingredients + 1}: {Describe(ingredients[_ingredients])}");
                }
            }

            if (view.Steps is { } steps)
            {
                for (; _steps < steps.CompleteCount; _steps++)
                {
                    lines.WriteLine($"  + step {_steps + 1}: {steps[_steps]}");
                }
            }

            if (!_minutes && view.IsMemberComplete(nameof(Recipe.TotalMinutes)))
            {
                _minutes = true;
                lines.WriteLine($"  total time: {(view.TotalMinutes is int t ? t.ToString(CultureInfo.InvariantCulture) + " minutes" : "not stated")}");
            }

            for (; _errorsPrinted < _errors.Count; _errorsPrinted++)
            {
                lines.WriteLine($"  ! {_errors[_errorsPrinted]}");
            }
        }

        /// <summary>The recipe as far as it is written, for the live display.</summary>
        public IRenderable Render()
        {
            var rows = new List<IRenderable>();
            string head = _attempt == 0 ? "Recipe" : $"Recipe · attempt {_attempt} · {_status}";
            var view = _view;
            rows.Add(new Markup($"[bold]{Markup.Escape(view?.Name ?? "…")}[/]{Cursor(view is not null && !view.IsMemberComplete(nameof(Recipe.Name)) && view.Name is not null)}"));
            var facts = new List<string>();
            if (view?.Cuisine is { } cuisine)
            {
                facts.Add($"Cuisine: {cuisine}");
            }

            if (view?.Servings is int s)
            {
                facts.Add($"Serves {s}");
            }

            if (view?.TotalMinutes is int t)
            {
                facts.Add($"{t} minutes");
            }

            rows.Add(new Markup(Markup.Escape(string.Join(" · ", facts))));
            rows.Add(new Text(string.Empty));
            rows.Add(new Markup("[underline]Ingredients[/]"));
            if (view?.Ingredients is { } ingredients)
            {
                for (int i = 0; i < ingredients.Count; i++)
                {
                    bool done = i < ingredients.CompleteCount;
                    string line = Markup.Escape("  - " + Describe(ingredients[i]));
                    rows.Add(new Markup(done ? line : $"[grey]{line}[/]{Cursor(true)}"));
                }
            }

            rows.Add(new Text(string.Empty));
            rows.Add(new Markup("[underline]Steps[/]"));
            if (view?.Steps is { } steps)
            {
                for (int i = 0; i < steps.Count; i++)
                {
                    bool done = i < steps.CompleteCount;
                    string line = Markup.Escape($"  {i + 1}. {steps[i]}");
                    rows.Add(new Markup(done ? line : $"[grey]{line}[/]{Cursor(true)}"));
                }
            }

            foreach (var error in _errors)
            {
                rows.Add(new Markup($"[red]! {Markup.Escape(error.ToString())}[/]"));
            }

            return new Panel(new Rows(rows)) { Header = new PanelHeader(Markup.Escape(head)), Border = BoxBorder.Rounded, Expand = true };
        }

        private static string Cursor(bool writing) => writing ? "[blink]▌[/]" : string.Empty;

        private static string Describe(Recipe.IngredientPartial? ingredient)
        {
            if (ingredient is null)
            {
                return "…";
            }

            string amount = ingredient.Quantity is decimal q
                ? q.ToString("0.##", CultureInfo.InvariantCulture) + (ingredient.Unit is { } u ? " " + u : string.Empty) + " "
                : string.Empty;
            return amount + (ingredient.Name ?? "…") + (ingredient.Note is { } n ? $" ({n})" : string.Empty);
        }
    }
}
