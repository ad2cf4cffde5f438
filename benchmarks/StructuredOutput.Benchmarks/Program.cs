using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// BenchmarkDotNet's switcher, plus <c>--summary FILE</c>: after the run, a markdown table per benchmark class that
/// pairs each of our methods with the peer's baseline in the same category (time, allocation, and both ratios); and
/// <c>--interleaved-streaming [rounds]</c> instead of a BenchmarkDotNet run (see <see cref="InterleavedStreaming"/>).
/// Times are medians, which a busy machine's outliers move less than means. A benchmark with an <c>Items</c> parameter
/// (one run handles that many items) gets its figures per item and its items per second instead.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--interleaved-streaming")
        {
            return InterleavedStreaming.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
        }

        string? summaryPath = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--summary" && i + 1 < args.Length)
            {
                summaryPath = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.ToArray()).ToList();
        if (summaryPath is not null)
        {
            File.WriteAllText(summaryPath, Summarize(summaries));
        }

        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }

    private static string Summarize(IEnumerable<Summary> summaries)
    {
        var sb = new StringBuilder();
        foreach (var summary in summaries)
        {
            var reports = summary.Reports.Where(r => r.Success && r.ResultStatistics is not null).ToList();
            if (reports.Count == 0)
            {
                continue;
            }

            string type = reports[0].BenchmarkCase.Descriptor.Type.Name;
            sb.Append("#### ").Append(type).Append("\n\n");
            if (reports.Any(r => r.BenchmarkCase.Descriptor.Baseline))
            {
                sb.Append("| payload | ours (median) | peer (median) | ours ÷ peer | peer ÷ ours | ours allocated | peer allocated | allocation ratio |\n");
                sb.Append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
                foreach (var group in reports.GroupBy(r => string.Join(",", r.BenchmarkCase.Descriptor.Categories)))
                {
                    var peer = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
                    var ours = group.Where(r => !r.BenchmarkCase.Descriptor.Baseline).ToList();
                    foreach (var row in ours)
                    {
                        // Several rows against one baseline (RepairBenchmarks) are told apart by their method names.
                        string label = ours.Count == 1 ? group.Key : group.Key + ": " + row.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                        if (peer is null)
                        {
                            // A reference row without a peer, such as the fake client's own cost.
                            sb.Append(Invariant($"| {label} | {Time(row.ResultStatistics!.Median)} | – | – | – | {Bytes(Allocated(row))} | – | – |\n"));
                            continue;
                        }

                        double o = row.ResultStatistics!.Median;
                        double p = peer.ResultStatistics!.Median;
                        long oa = Allocated(row);
                        long pa = Allocated(peer);
                        sb.Append(Invariant($"| {label} | {Time(o)} | {Time(p)} | {o / p:F3} | {p / o:F1}× | {Bytes(oa)} | {Bytes(pa)} | {(pa == 0 ? "–" : ((double)oa / pa).ToString("F3", CultureInfo.InvariantCulture))} |\n"));
                    }
                }
            }
            else if (reports.All(r => ItemsOf(r) > 0))
            {
                // One run handles Items items (lines of a file, items of a batch): the figures per item and the rate.
                sb.Append("| case | items per run | median per run | per item | items/s | allocated per item |\n|---|---:|---:|---:|---:|---:|\n");
                foreach (var r in reports)
                {
                    int items = ItemsOf(r);
                    double median = r.ResultStatistics!.Median;
                    sb.Append(Invariant($"| {r.BenchmarkCase.Descriptor.WorkloadMethod.Name} | {items:N0} | {Time(median)} | {Time(median / items)} | {items / (median / 1e9):N0} | {Bytes(Allocated(r) / items)} |\n"));
                }
            }
            else
            {
                sb.Append("| case | median | allocated |\n|---|---:|---:|\n");
                foreach (var r in reports)
                {
                    string parameters = r.BenchmarkCase.HasParameters ? " (" + r.BenchmarkCase.Parameters.DisplayInfo + ")" : string.Empty;
                    sb.Append(Invariant($"| {r.BenchmarkCase.Descriptor.WorkloadMethod.Name}{parameters} | {Time(r.ResultStatistics!.Median)} | {Bytes(Allocated(r))} |\n"));
                }
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The benchmark's <c>Items</c> parameter (how many items one run handles); 0 when it has none.</summary>
    private static int ItemsOf(BenchmarkReport report) =>
        report.BenchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Items")?.Value is int items ? items : 0;

    private static long Allocated(BenchmarkReport report) =>
        report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;

    private static string Time(double ns) => ns switch
    {
        >= 1e6 => Invariant($"{ns / 1e6:F2} ms"),
        >= 1e3 => Invariant($"{ns / 1e3:F2} µs"),
        _ => Invariant($"{ns:F0} ns"),
    };

    private static string Bytes(long bytes) => bytes >= 1024 ? Invariant($"{bytes / 1024.0:F2} KB") : Invariant($"{bytes} B");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
