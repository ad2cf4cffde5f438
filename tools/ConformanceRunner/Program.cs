using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ConformanceRunner;
using StructuredOutput;
using StructuredOutput.Reading;

// Conformance runner: reads every *.jsonl corpus file in a folder, runs each case's input through the parser's locate
// and repair stages with a type-free reader, and reports per file and per malformation kind how many answers were
// recovered to the expected value, rejected, or turned into a different value (WRONG).
//
//   dotnet run --project tools/ConformanceRunner -- <corpus-folder> [-v]

bool verbose = args.Contains("-v") || args.Contains("--verbose");
string? folder = args.FirstOrDefault(a => !a.StartsWith('-'));
if (folder is null || !Directory.Exists(folder))
{
    Console.Error.WriteLine(folder is null
        ? "usage: dotnet run --project tools/ConformanceRunner -- <corpus-folder> [-v]"
        : $"no such folder: {folder}");
    return 2;
}

var files = Directory.GetFiles(folder, "*.jsonl").OrderBy(f => f, StringComparer.Ordinal).ToList();
if (files.Count == 0)
{
    Console.WriteLine($"no *.jsonl files in {folder}");
    return 0;
}

var all = new List<Result>();
foreach (string file in files)
{
    var results = File.ReadLines(file).Where(l => l.Trim().Length > 0).Select(l => Run(Path.GetFileName(file), l)).ToList();
    all.AddRange(results);
    Report.File(Path.GetFileName(file), results, verbose);
}

Report.Total(all);
return 0;

static Result Run(string file, string line)
{
    using var doc = JsonDocument.Parse(line);
    JsonElement root = doc.RootElement;
    string id = root.GetProperty("id").GetString()!;
    string input = root.GetProperty("input").GetString()!;
    var tags = root.TryGetProperty("tags", out JsonElement t) ? t.EnumerateArray().Select(x => x.GetString()!).ToList() : new List<string>();
    bool truncated = tags.Contains("truncated");
    ParseResult<object?> parsed = JsonAnswerParser.Parse<object?>(input, GenericJson.Read, null);

    // jsonrepair's must-throw cases: rejecting is right.
    if (root.TryGetProperty("error", out _))
    {
        return new Result(file, id, "must-reject", input, parsed, Outcome: parsed.IsSuccess ? Outcome.Accepted : Outcome.Rejected, ObjectShaped: false, Truncated: false, Note: null, Expected: null);
    }

    object? expected = GenericJson.FromElement(root.GetProperty("expected"));
    bool objectShaped = expected is Dictionary<string, object?>;

    // BAML's type-directed cases: only object-shaped, non-partial, must-succeed ones compare without their schema.
    if (root.TryGetProperty("should_fail", out JsonElement shouldFail))
    {
        string group = Path.GetFileName(root.GetProperty("source").GetString()!.Split(':')[1]);
        bool partial = root.GetProperty("partial").GetBoolean();
        if (shouldFail.GetBoolean() || partial || !objectShaped)
        {
            string why = shouldFail.GetBoolean() ? "must fail for its schema" : partial ? "partial (streaming) mode" : "expects a " + Kind(expected);
            return new Result(file, id, group, input, parsed, Outcome.NotApplicable, false, false, why, expected);
        }

        if (parsed.IsSuccess)
        {
            if (GenericJson.Equal(expected, parsed.Value, typed: true))
            {
                return new Result(file, id, group, input, parsed, Outcome.Recovered, true, false, null, expected);
            }

            // Valid JSON as written (no repair needed), yet BAML expects another value: its schema renamed keys,
            // coerced enums or dropped values. Not a question of text repair.
            var strict = JsonAnswerParser.Parse<object?>(input, GenericJson.Read, new ParseOptions { AllowRepairs = false });
            if (strict.IsSuccess && GenericJson.Equal(strict.Value, parsed.Value, typed: false))
            {
                return new Result(file, id, group, input, parsed, Outcome.NotApplicable, false, false, "valid JSON; the expected value comes from the schema (aliases, coercions)", expected);
            }

            return new Result(file, id, group, input, parsed, Outcome.Wrong, true, false, null, expected);
        }

        if (!input.Contains('{'))
        {
            return new Result(file, id, group, input, parsed, Outcome.NotApplicable, false, false, "no object in the input; the schema builds one from a scalar", expected);
        }

        return new Result(file, id, group, input, parsed, Outcome.Rejected, true, false, null, expected);
    }

    string kind = root.GetProperty("kind").GetString()!;
    if (!objectShaped)
    {
        // The parser extracts one object; an expected top-level array is outside its job.
        return new Result(file, id, kind, input, parsed, Outcome.NotApplicable, false, truncated, "expects a " + Kind(expected), expected);
    }

    Outcome outcome = !parsed.IsSuccess ? Outcome.Rejected
        : GenericJson.Equal(expected, parsed.Value, typed: false) ? Outcome.Recovered
        : Outcome.Wrong;
    return new Result(file, id, kind, input, parsed, outcome, true, truncated, null, expected);
}

static string Kind(object? value) => value switch
{
    List<object?> => "top-level array",
    Dictionary<string, object?> => "object",
    null => "null",
    _ => "scalar",
};

internal enum Outcome
{
    Recovered,
    Rejected,
    Wrong,
    NotApplicable,
    Accepted,
}

internal sealed record Result(
    string File, string Id, string Group, string Input, ParseResult<object?> Parsed, Outcome Outcome, bool ObjectShaped, bool Truncated, string? Note, object? Expected);

internal static class Report
{
    public static void File(string name, List<Result> results, bool verbose)
    {
        bool mustReject = results.All(r => r.Group == "must-reject");
        Console.WriteLine();
        Console.WriteLine($"== {name}: {results.Count} cases");
        if (mustReject)
        {
            int rejected = results.Count(r => r.Outcome == Outcome.Rejected);
            Console.WriteLine($"   inputs the upstream library must reject: {rejected} rejected (right), {results.Count - rejected} accepted");
            foreach (var r in results.Where(r => r.Outcome == Outcome.Accepted))
            {
                Console.WriteLine($"   accepted {r.Id}: {Cut(r.Input)} -> {GenericJson.Show(r.Parsed.Value)} ({string.Join(" ", r.Parsed.Repairs)})");
            }

            return;
        }

        Console.WriteLine($"   {"kind",-24} {"cases",6} {"recovered",10} {"rejected",9} {"WRONG",6} {"n/a",5}");
        foreach (var group in results.GroupBy(r => r.Group).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(Row(group.Key, group.ToList()));
        }

        Console.WriteLine(Row("all", results));
        Rates("   ", results);
        foreach (var note in results.Where(r => r.Outcome == Outcome.NotApplicable).GroupBy(r => r.Note).OrderByDescending(g => g.Count()))
        {
            Console.WriteLine($"   n/a {note.Count(),3}: {note.Key}");
        }

        foreach (var r in results.Where(r => r.Outcome == Outcome.Wrong))
        {
            Console.WriteLine($"   WRONG {r.Id} [{r.Group}]: {Cut(r.Input)}");
            Console.WriteLine($"         expected {Cut(GenericJson.Show(r.Expected))}");
            Console.WriteLine($"         got      {Cut(GenericJson.Show(r.Parsed.Value))}");
            Console.WriteLine($"         repairs  {string.Join(" ", r.Parsed.Repairs)}");
        }

        if (verbose)
        {
            foreach (var r in results.Where(r => r.Outcome == Outcome.Rejected))
            {
                Console.WriteLine($"   miss  {r.Id} [{r.Group}]{(r.Truncated ? " (truncated)" : "")}: {Cut(r.Input)}");
                Console.WriteLine($"         expected {Cut(GenericJson.Show(r.Expected))}");
                Console.WriteLine($"         error    {Cut(string.Join("; ", r.Parsed.Errors), 300)}");
            }
        }
    }

    public static void Total(List<Result> all)
    {
        var cases = all.Where(r => r.Group != "must-reject").ToList();
        Console.WriteLine();
        Console.WriteLine($"== all files: {all.Count} cases");
        Console.WriteLine($"   {"",-24} {"cases",6} {"recovered",10} {"rejected",9} {"WRONG",6} {"n/a",5}");
        foreach (var file in cases.GroupBy(r => r.File))
        {
            Console.WriteLine(Row(file.Key, file.ToList()));
        }

        Console.WriteLine(Row("all", cases));
        Rates("   ", cases);
        int wrong = cases.Count(r => r.Outcome == Outcome.Wrong);
        Console.WriteLine($"   WRONG answers (a value other than the expected one): {wrong}");
    }

    private static void Rates(string indent, List<Result> results)
    {
        var objects = results.Where(r => r.ObjectShaped).ToList();
        var notTruncated = objects.Where(r => !r.Truncated).ToList();
        Console.WriteLine($"{indent}object-shaped, all:                          {Rate(objects)}");
        Console.WriteLine($"{indent}object-shaped, excluding tagged 'truncated': {Rate(notTruncated)}");
    }

    private static string Rate(List<Result> results)
    {
        int recovered = results.Count(r => r.Outcome == Outcome.Recovered);
        double rate = results.Count == 0 ? 0 : 100.0 * recovered / results.Count;
        return string.Create(CultureInfo.InvariantCulture, $"{recovered}/{results.Count} recovered ({rate:0.0}%), {results.Count(r => r.Outcome == Outcome.Wrong)} WRONG");
    }

    private static string Row(string label, List<Result> rows) =>
        $"   {label,-24} {rows.Count,6} {rows.Count(r => r.Outcome == Outcome.Recovered),10} {rows.Count(r => r.Outcome == Outcome.Rejected),9} {rows.Count(r => r.Outcome == Outcome.Wrong),6} {rows.Count(r => r.Outcome == Outcome.NotApplicable),5}";

    private static string Cut(string text, int max = 160)
    {
        string flat = text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
        return flat.Length > max ? flat[..max] + "…" : flat;
    }
}
