using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using StructuredOutput.Benchmarks.Payloads;

// Peak working set while the Batch API engine reads and judges an output file: a tenth of the size, then the full size
// (200 MB by default, the Batch API's largest input file), each read in a fresh process that reports its own peak.
// Reading streams the file, so the two peaks should be about the same.
//
//   BatchOutputMemory [--megabytes N]   generate the files, read each in a child process, print a table
//   BatchOutputMemory --read FILE       read one file and print one table row (what the child runs)

if (args.Length == 2 && args[0] == "--read")
{
    return await ReadAsync(args[1]).ConfigureAwait(false);
}

int megabytes = 200;
if (args.Length == 2 && args[0] == "--megabytes" && int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m > 0)
{
    megabytes = m;
}
else if (args.Length != 0)
{
    Console.Error.WriteLine("usage: BatchOutputMemory [--megabytes N] | --read FILE");
    return 2;
}

Console.WriteLine("| file | lines | results/s | allocated per line | working set before reading | peak working set |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
foreach (long bytes in new[] { megabytes * 1024L * 1024 / 10, megabytes * 1024L * 1024 })
{
    string path = Path.Combine(Path.GetTempPath(), $"structuredoutput-batch-output-{Environment.ProcessId}-{bytes}.jsonl");
    try
    {
        BatchOutputFile.Write(path, int.MaxValue, bytes);
        int exit = await RunChildAsync(path).ConfigureAwait(false);
        if (exit != 0)
        {
            Console.Error.WriteLine($"Reading {path} failed (exit {exit}).");
            return 1;
        }
    }
    finally
    {
        File.Delete(path);
    }
}

return 0;

static async Task<int> RunChildAsync(string path)
{
    // The apphost runs itself; under `dotnet BatchOutputMemory.dll` the host needs the assembly's path first.
    string host = Environment.ProcessPath ?? "dotnet";
    var start = new ProcessStartInfo(host) { UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet")
    {
        start.ArgumentList.Add(typeof(BatchOutputFile).Assembly.Location);
    }

    start.ArgumentList.Add("--read");
    start.ArgumentList.Add(path);
    using Process child = Process.Start(start) ?? throw new InvalidOperationException("The reading process did not start.");
    await child.WaitForExitAsync().ConfigureAwait(false);
    return child.ExitCode;
}

static async Task<int> ReadAsync(string path)
{
    long fileBytes = new FileInfo(path).Length;
    using Process self = Process.GetCurrentProcess();
    long before = self.WorkingSet64;
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    BatchOutputFile.Outcomes outcomes = await BatchOutputFile.ReadAndJudgeAsync(path, null).ConfigureAwait(false);
    clock.Stop();
    long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    self.Refresh();
    long peak = self.PeakWorkingSet64;

    // Every line must be read and judged as generated, or the figures mean nothing.
    BatchOutputFile.Outcomes expected = BatchOutputFile.Expected(outcomes.Total);
    if (outcomes != expected || outcomes.Total == 0)
    {
        Console.Error.WriteLine($"The file was judged as {outcomes}; expected {expected}.");
        return 1;
    }

    Console.WriteLine(FormattableString.Invariant(
        $"| {fileBytes / 1048576.0:F1} MB | {outcomes.Total:N0} | {outcomes.Total / clock.Elapsed.TotalSeconds:N0} | {allocated / (double)outcomes.Total / 1024:F2} KB | {before / 1048576.0:F1} MB | {peak / 1048576.0:F1} MB |"));
    return 0;
}
