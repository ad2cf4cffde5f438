using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// <c>--interleaved-streaming [rounds]</c>: the streaming goal's three rows of <see cref="StreamingBenchmarks"/> — (b) one
/// <c>Parse</c> of the final text, (g) the incremental reader over the 1,000 chunks, (h) the final value from its view —
/// timed in one process, round after round, each round running each row 50 times in turn. On a machine whose speed
/// drifts for minutes at a time (a shared host), BenchmarkDotNet times each row in its own span of minutes, so a ratio of
/// two rows can take the drift; here every round times the three rows within a second of each other, and the ratio is
/// the median of the rounds' ratios. Warm code only: the rows run for three seconds before the first round.
/// </summary>
public static class InterleavedStreaming
{
    private const int PerRound = 50;

    public static int Run(int rounds)
    {
        var rows = new StreamingBenchmarks();
        rows.Setup();
        // Warm: long enough for the JIT's tiering to have compiled the hot methods fully (a count alone is not: the
        // optimized code is made in the background, a little after the calls that ask for it).
        var warming = Stopwatch.StartNew();
        for (int i = 0; i < 300 || warming.Elapsed < TimeSpan.FromSeconds(3); i++)
        {
            rows.Parse_final_text();
            rows.Incremental_reader_alone();
            rows.Final_value_from_the_view();
        }

        var parse = new List<double>();
        var reader = new List<double>();
        var build = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            double b = Time(() => rows.Parse_final_text());
            double g = Time(() => rows.Incremental_reader_alone());
            double h = Time(() => rows.Final_value_from_the_view());
            parse.Add(b);
            reader.Add(g);
            build.Add(h);
            ratios.Add((g + h) / b);
        }

        Console.WriteLine(Invariant($"{rounds} rounds of {PerRound} runs each; per run, median (min):"));
        Console.WriteLine(Invariant($"  (b) Parse of the final text      {Median(parse),8:F1} µs ({parse.Min():F1})"));
        Console.WriteLine(Invariant($"  (g) incremental reader           {Median(reader),8:F1} µs ({reader.Min():F1})"));
        Console.WriteLine(Invariant($"  (h) final value from the view    {Median(build),8:F1} µs ({build.Min():F1})"));
        Console.WriteLine(Invariant($"  (g + h) ÷ (b), median of the rounds' ratios: {Median(ratios):F2} (rounds from {ratios.Min():F2} to {ratios.Max():F2})"));
        return 0;
    }

    private static double Time(Action row)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < PerRound; i++)
        {
            row();
        }

        return watch.Elapsed.TotalMicroseconds / PerRound;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
