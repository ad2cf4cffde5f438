using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using StructuredOutput.Batching;
using StructuredOutput.Benchmarks.Payloads;

namespace StructuredOutput.Benchmarks;

/// <summary>
/// A Batch API output file of 100,000 lines (a recipe answer each: good ones, and per 100 lines one malformed, one cut
/// off, one refused and one filtered), read from disk as the Batch API engine reads a downloaded file: its streaming
/// line reader and line reader alone, then with every answer judged. One operation is one line, so the figures are per
/// line; <c>Items</c> is the number of lines in the file.
/// </summary>
[MemoryDiagnoser]
public class BatchOutputBenchmarks
{
    private string _path = null!;

    /// <summary>100,000 lines; the CI smoke run (STRUCTUREDOUTPUT_BENCH_SMOKE=1) reads 1,000.</summary>
    [ParamsSource(nameof(ItemCounts))]
    public int Items { get; set; }

    public static IEnumerable<int> ItemCounts() =>
        Environment.GetEnvironmentVariable("STRUCTUREDOUTPUT_BENCH_SMOKE") == "1" ? new[] { 1_000 } : new[] { 100_000 };

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"structuredoutput-batch-output-{Environment.ProcessId}-{Items}.jsonl");
        int written = BatchOutputFile.Write(_path, Items);

        // Every line must be read and judged as generated, or the figures mean nothing.
        BatchOutputFile.Outcomes outcomes = ReadAndJudge().GetAwaiter().GetResult();
        BatchOutputFile.Outcomes expected = BatchOutputFile.Expected(written);
        if (written != Items || outcomes != expected)
        {
            throw new InvalidOperationException($"The output file of {written} lines was judged as {outcomes}; expected {expected}.");
        }

        int read = ReadLines().GetAwaiter().GetResult();
        if (read != Items)
        {
            throw new InvalidOperationException($"{read} of the file's {Items} lines were read as chat completions.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    /// <summary>The streaming line reader and each line read into a chat response (the SDK's reader and the conversion).</summary>
    [Benchmark]
    public async Task<int> ReadLines()
    {
        int responses = 0;
        await using var file = Open();
        await foreach (ReadOnlyMemory<byte> line in JsonLines.ReadAsync(file, CancellationToken.None).ConfigureAwait(false))
        {
            if (BatchOutputLine.Read(line.Span).Response is not null)
            {
                responses++;
            }
        }

        return responses;
    }

    /// <summary>The same, and every answer judged as the engine judges it (a conversation per item, its answer recorded).</summary>
    [Benchmark]
    public Task<BatchOutputFile.Outcomes> ReadAndJudge() => BatchOutputFile.ReadAndJudgeAsync(_path, null);

    private FileStream Open() =>
        new(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
}
