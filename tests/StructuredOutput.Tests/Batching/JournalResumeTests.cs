using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StructuredOutput.Batching;

namespace StructuredOutput.Tests.Batching;

/// <summary>
/// The journal: a run stopped at any moment (cancelled mid-run, its file cut mid-line) resumes without asking again for
/// a finished item, without losing a result and without returning one twice; and a resumed result is the one first judged.
/// </summary>
public sealed class JournalResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("so-journal-").FullName;

    private string JournalPath => Path.Combine(_folder, "run.journal");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_run_cancelled_mid_way_resumes_without_redoing_or_losing_an_item()
    {
        string[] inputs = Enumerable.Range(0, 40).Select(i => (i % 3 == 0 ? "bad " : "good ") + i).ToArray();
        var first = new BatchTestClient();
        using var cancel = new CancellationTokenSource();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Hold = (input, token) => int.Parse(input.Split(' ')[1]) < 10 ? Task.CompletedTask : release.Task.WaitAsync(token);
        var seenInFirst = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var r in new LocalBatchExtractor<Point>(first, Options(4)).ExtractAsync(BatchTestClient.Items(inputs), cancel.Token))
            {
                seenInFirst.Add(r.Id);
                if (seenInFirst.Count == 6)
                {
                    cancel.Cancel(); // stopped as a killed process would be: results finished but not yet seen stay in the journal
                }
            }
        });

        var second = new BatchTestClient();
        var results = await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(second, Options(4)).ExtractAsync(BatchTestClient.Items(inputs)));

        Assert.Equal(40, results.Count);
        Assert.Equal(40, results.Select(r => r.Id).Distinct().Count());
        Assert.All(results, r => Assert.True(r.Result.IsSuccess));
        Assert.All(results, r => Assert.Equal(int.Parse(r.Id.Substring(3)), r.Result.Value.X));
        string[] resumed = results.Where(r => r.Resumed).Select(r => r.Id).ToArray();
        Assert.Subset(resumed.ToHashSet(), seenInFirst.ToHashSet());
        Assert.True(resumed.Length >= seenInFirst.Count);

        // Nothing finished in the first run is asked again; every unfinished item is asked in the second.
        string[] askedAgain = second.Calls.Distinct().Select(input => "id-" + input.Split(' ')[1]).ToArray();
        Assert.Empty(askedAgain.Intersect(resumed));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => "id-" + i).Order(), askedAgain.Concat(resumed).Order());

        // A third run finds everything in the journal.
        var third = new BatchTestClient();
        var again = await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(third, Options(4)).ExtractAsync(BatchTestClient.Items(inputs)));
        Assert.Empty(third.Calls);
        Assert.Equal(40, again.Count(r => r.Resumed));
    }

    [Fact]
    public async Task A_journal_cut_mid_line_loses_only_the_cut_item_which_is_asked_again()
    {
        string[] inputs = Enumerable.Range(0, 8).Select(i => "good " + i).ToArray();
        await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(new BatchTestClient(), Options(1)).ExtractAsync(BatchTestClient.Items(inputs)));
        byte[] whole = File.ReadAllBytes(JournalPath);
        int lastLineStart = Array.LastIndexOf(whole, (byte)'\n', whole.Length - 2) + 1;
        string lastId = JsonId(whole.AsSpan(lastLineStart));
        int cut = lastLineStart + ((whole.Length - lastLineStart) / 2);
        File.WriteAllBytes(JournalPath, whole.AsSpan(0, cut).ToArray());

        var client = new BatchTestClient();
        var results = await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(client, Options(1)).ExtractAsync(BatchTestClient.Items(inputs)));

        Assert.Equal(8, results.Select(r => r.Id).Distinct().Count());
        Assert.Equal(new[] { lastId }, results.Where(r => !r.Resumed).Select(r => r.Id));
        Assert.Single(client.Calls);
        using (var journal = BatchJournal.Open(JournalPath, typeof(Point).FullName!))
        {
            Assert.Equal(8, journal.ResultCount);
            Assert.Equal(0, journal.IgnoredLines);
            Assert.Equal(0, journal.TruncatedBytes); // the cut line was removed when the second run opened it
        }
    }

    [Fact]
    public async Task A_line_whose_checksum_fails_is_ignored_and_its_item_asked_again()
    {
        string[] inputs = Enumerable.Range(0, 4).Select(i => "good " + i).ToArray();
        await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(new BatchTestClient(), Options(1)).ExtractAsync(BatchTestClient.Items(inputs)));
        string[] lines = File.ReadAllText(JournalPath).Split('\n');
        string id = JsonId(Encoding.UTF8.GetBytes(lines[2]));
        lines[2] = lines[2].Replace("\"x\\u0022:", "\"x\\u0022: ", StringComparison.Ordinal).Replace("0,", "9,", StringComparison.Ordinal);
        File.WriteAllText(JournalPath, string.Join('\n', lines));

        var client = new BatchTestClient();
        var results = await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(client, Options(1)).ExtractAsync(BatchTestClient.Items(inputs)));

        Assert.Equal(new[] { id }, results.Where(r => !r.Resumed).Select(r => r.Id));
        Assert.Equal(int.Parse(id.Substring(3)), results.Single(r => r.Id == id).Result.Value.X);
    }

    [Fact]
    public async Task A_resumed_result_is_judged_again_to_the_same_value_and_attempts()
    {
        string[] inputs = { "good 0", "bad 1", "refuse 2", "cut 3", "tool 4", "worse 5" };
        var original = await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(new BatchTestClient(), Options(2)).ExtractAsync(BatchTestClient.Items(inputs)));

        var client = new BatchTestClient();
        var progress = new RecordingProgress();
        var options = Options(2);
        options.Progress = progress;
        var extractor = new LocalBatchExtractor<Point>(client, options);
        var resumed = await LocalBatchTests.Collect(extractor.ExtractAsync(BatchTestClient.Items(inputs)));

        Assert.Empty(client.Calls);
        Assert.All(resumed, r => Assert.True(r.Resumed));
        foreach (var r in original)
        {
            ExtractionResult<Point> again = resumed.Single(x => x.Id == r.Id).Result;
            Assert.Equal(r.Result.FailureKind, again.FailureKind);
            Assert.Equal(r.Result.Value, again.Value);
            Assert.Equal(Describe(r.Result.Attempts), Describe(again.Attempts));
            Assert.Equal(r.Result.Usage?.TotalTokenCount, again.Usage?.TotalTokenCount);
        }

        Assert.Equal(6, extractor.Summary.Resumed);
        Assert.Equal(3, extractor.Summary.Succeeded);
        Assert.Equal(6, progress.Reports[^1].Resumed);
        Assert.Equal(0, progress.Reports[^1].Submitted);
    }

    [Fact]
    public async Task A_timed_out_item_is_a_typed_failure_that_resumes_as_it_was()
    {
        var options = Options(2);
        options.Extract = new ExtractOptions { AttemptTimeout = TimeSpan.FromMilliseconds(50) };
        var client = new BatchTestClient { Hold = (input, token) => input == "good 1" ? Task.Delay(Timeout.Infinite, token) : Task.CompletedTask };

        var first = await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(client, options).ExtractAsync(BatchTestClient.Items(new[] { "good 0", "good 1" })));
        var again = await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(new BatchTestClient(), options).ExtractAsync(BatchTestClient.Items(new[] { "good 0", "good 1" })));

        ExtractionResult<Point> timedOut = first.Single(r => r.Id == "id-1").Result;
        Assert.Equal(ExtractionFailureKind.TimedOut, timedOut.FailureKind);
        ExtractionResult<Point> resumed = again.Single(r => r.Id == "id-1").Result;
        Assert.Equal(ExtractionFailureKind.TimedOut, resumed.FailureKind);
        Assert.Equal(timedOut.Attempts[0].FailureMessage, resumed.Attempts[0].FailureMessage);
        Assert.All(again, r => Assert.True(r.Resumed));
    }

    [Fact]
    public async Task A_journal_of_another_contract_or_a_file_that_is_not_one_is_refused_and_left_alone()
    {
        await LocalBatchTests.Collect(new LocalBatchExtractor<Point>(new BatchTestClient(), Options(1)).ExtractAsync(BatchTestClient.Items(new[] { "good 1" })));
        byte[] before = File.ReadAllBytes(JournalPath);
        var other = new LocalBatchExtractor<AllScalars>(new BatchTestClient(), Options(1));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var unused in other.ExtractAsync(BatchTestClient.Items(new[] { "good 1" })))
            {
            }
        });

        Assert.Contains(typeof(Point).FullName!, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(JournalPath));

        File.WriteAllText(JournalPath, "my notes\nnot a journal");
        var notJournal = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalBatchTests.Collect(
            new LocalBatchExtractor<Point>(new BatchTestClient(), Options(1)).ExtractAsync(BatchTestClient.Items(new[] { "good 1" }))));
        Assert.Contains("not a batch journal", notJournal.Message, StringComparison.Ordinal);
        Assert.Equal("my notes\nnot a journal", File.ReadAllText(JournalPath));
    }

    [Fact]
    public void Each_line_is_its_record_a_space_and_a_checksum_of_the_record()
    {
        byte[] line = BatchJournal.Line("{\"record\":\"result\"}"u8);

        Assert.Matches("^\\{\"record\":\"result\"\\} [0-9a-f]{16}\n$", Encoding.UTF8.GetString(line));
        Assert.Equal("{\"record\":\"result\"}", Encoding.UTF8.GetString(BatchJournal.Verify(line.AsSpan(0, line.Length - 1))));
        for (int cut = 0; cut < line.Length - 1; cut++)
        {
            Assert.True(BatchJournal.Verify(line.AsSpan(0, cut)).IsEmpty);
        }

        line[3] ^= 1;
        Assert.True(BatchJournal.Verify(line.AsSpan(0, line.Length - 1)).IsEmpty);
    }

    private LocalBatchOptions Options(int concurrency) => new()
    {
        MaxConcurrency = concurrency,
        JournalPath = JournalPath,
        Extract = new ExtractOptions { MaxRetries = 1 },
    };

    private static string JsonId(ReadOnlySpan<byte> line)
    {
        string text = Encoding.UTF8.GetString(line);
        int at = text.IndexOf("\"id\":\"", StringComparison.Ordinal) + 6;
        return text.Substring(at, text.IndexOf('"', at) - at);
    }

    private static string[] Describe(IEnumerable<ExtractionAttempt> attempts) => attempts
        .Select(a => $"{a.Number} {a.FailureKind} {a.FailureMessage} {a.RawResponse} {a.FinishReason} {a.Refusal} [{string.Join("; ", a.Errors)}] [{string.Join("; ", a.Repairs)}]")
        .ToArray();
}
