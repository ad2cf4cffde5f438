using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using StructuredOutput.Extraction;
using StructuredOutput.Telemetry;

namespace StructuredOutput.Batching;

/// <summary>
/// A batch run that sends each item's conversation on its own (through a chat client, see
/// <see cref="LocalBatchExtractor{T}"/>): a bounded number at a time, each request after the rate limiters' permits,
/// each result journaled before it is returned, and the items the journal already holds returned from it.
/// </summary>
internal sealed class ConcurrentBatchRun<T>
    where T : ILlmExtractable<T>
{
    private readonly LocalBatchOptions _options;
    private readonly BatchTally _tally;
    private readonly Func<ExtractionConversation<T>, IRequestObserver, CancellationToken, Task<ExtractionResult<T>>> _send;
    private Exception? _failure;

    public ConcurrentBatchRun(
        LocalBatchOptions options,
        BatchTally tally,
        Func<ExtractionConversation<T>, IRequestObserver, CancellationToken, Task<ExtractionResult<T>>> send)
    {
        _options = options;
        _tally = tally;
        _send = send;
    }

    public async IAsyncEnumerable<BatchItemResult<T>> RunAsync(IAsyncEnumerable<BatchItem> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BatchJournal? journal = _options.JournalPath is null ? null : BatchJournal.Open(_options.JournalPath, ContractNames<T>.FullName);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var results = Channel.CreateBounded<BatchItemResult<T>>(new BoundedChannelOptions(Math.Max(16, 2 * _options.MaxConcurrency)) { SingleReader = true });
        Task producing = ProduceAsync(items, journal, results.Writer, stop);
        try
        {
            while (await results.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (results.Reader.TryRead(out BatchItemResult<T>? result))
                {
                    yield return result;
                }
            }

            await producing.ConfigureAwait(false); // the failure that ended the run, if any
        }
        finally
        {
            // Stopped early (the caller's token, a break, a failure): the items in flight end unfinished, and are asked
            // again when the run resumes; every finished one is in the journal already.
            stop.Cancel();
            try
            {
                await producing.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Reported above, or the cancellation that stopped the run.
            }

            stop.Dispose();
            journal?.Dispose();
        }
    }

    private async Task ProduceAsync(IAsyncEnumerable<BatchItem> items, BatchJournal? journal, ChannelWriter<BatchItemResult<T>> results, CancellationTokenSource stop)
    {
        await Task.Yield(); // the consumer starts reading while items are produced
        var ids = new BatchIdSet(); // the whole input's, so a repeat is caught wherever it comes
        var slots = new SemaphoreSlim(_options.MaxConcurrency);
        var running = new List<Task>();
        ExtractOptions? extract = _options.Extract;
        try
        {
            await foreach (BatchItem item in items.WithCancellation(stop.Token).ConfigureAwait(false))
            {
                if (item is null)
                {
                    throw new ArgumentException("The items hold a null item.", nameof(items));
                }

                if (!ids.Add(item.Id))
                {
                    throw new ArgumentException($"The item id '{item.Id}' is repeated: each item of a run needs its own id, by which its result is returned and journaled.", nameof(items));
                }

                if (journal is not null && journal.TryReadResult(item.Id, out JournalResult recorded))
                {
                    ExtractionResult<T> replayed = recorded.Replay<T>(item.Input, extract);
                    _tally.Finished(replayed, resumed: true);
                    await results.WriteAsync(new BatchItemResult<T>(item.Id, replayed, resumed: true), stop.Token).ConfigureAwait(false);
                    continue;
                }

                await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                running.Add(RunItemAsync(item, journal, results, slots, stop));
                if (running.Count > 2 * _options.MaxConcurrency)
                {
                    running.RemoveAll(t => t.IsCompleted);
                }
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            stop.Cancel();
            await WhenAllQuietly(running).ConfigureAwait(false);
            if (Volatile.Read(ref _failure) is { } failure && e is OperationCanceledException)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            throw;
        }
        finally
        {
            results.TryComplete();
            slots.Dispose();
        }

        if (Volatile.Read(ref _failure) is { } itemFailure)
        {
            ExceptionDispatchInfo.Throw(itemFailure);
        }
    }

    private async Task RunItemAsync(BatchItem item, BatchJournal? journal, ChannelWriter<BatchItemResult<T>> results, SemaphoreSlim slots, CancellationTokenSource stop)
    {
        try
        {
            var conversation = new ExtractionConversation<T>(item.Input, _options.Extract);
            var observer = new ItemObserver(this);
            ExtractionResult<T> result = await _send(conversation, observer, stop.Token).ConfigureAwait(false);

            // Journaled before it is returned: a run stopped from here on returns it from the journal, never asks again.
            if (journal is not null)
            {
                await journal.AppendResultAsync(item.Id, observer.Answers, stop.Token).ConfigureAwait(false);
            }

            _tally.Finished(result, resumed: false);
            await results.WriteAsync(new BatchItemResult<T>(item.Id, result, resumed: false), stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is stopping; the item is unfinished and will be asked again on resume.
        }
        catch (Exception e)
        {
            // The chat client's own failure (HTTP, authentication…) ends the run, as it ends ExtractAsync; what finished
            // is journaled.
            Interlocked.CompareExchange(ref _failure, e, null);
            stop.Cancel();
        }
        finally
        {
            slots.Release();
        }
    }

    private static async Task WhenAllQuietly(List<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each item task records its own failure.
        }
    }

    /// <summary>The rate limits before each request, the counts around it, and the attempts the journal keeps.</summary>
    private sealed class ItemObserver : IRequestObserver
    {
        private readonly ConcurrentBatchRun<T> _run;

        public ItemObserver(ConcurrentBatchRun<T> run) => _run = run;

        public List<JournalAnswer> Answers { get; } = new(2);

        public async ValueTask<IDisposable?> BeforeRequestAsync(IReadOnlyList<ChatMessage> messages, ChatOptions options, int number, CancellationToken cancellationToken)
        {
            RateLimitLease? request = null;
            RateLimitLease? tokens = null;
            try
            {
                if (_run._options.RequestLimiter is { } requestLimiter)
                {
                    request = await BatchLimits.AcquireAsync(requestLimiter, 1, nameof(LocalBatchOptions.RequestLimiter), cancellationToken).ConfigureAwait(false);
                }

                if (_run._options.TokenLimiter is { } tokenLimiter)
                {
                    tokens = await BatchLimits.AcquireAsync(tokenLimiter, BatchLimits.EstimateTokens(messages, options), nameof(LocalBatchOptions.TokenLimiter), cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                request?.Dispose();
                throw;
            }

            if (number == 1)
            {
                _run._tally.Submitted();
            }
            else
            {
                _run._tally.Retried();
            }

            _run._tally.InFlight(1);
            return request is null && tokens is null ? null : new Leases(request, tokens);
        }

        public void AfterRequest(ChatResponse? response, ExtractionAttempt? attempt)
        {
            _run._tally.InFlight(-1);
            if (response is not null)
            {
                Answers.Add(JournalAnswer.From(response));
                _run._tally.Used(response.Usage);
            }
            else if (attempt is not null)
            {
                Answers.Add(JournalAnswer.Ended(attempt, _run._options.Extract?.AttemptTimeout));
            }
        }
    }

    private sealed class Leases : IDisposable
    {
        private readonly RateLimitLease? _request;
        private readonly RateLimitLease? _tokens;

        public Leases(RateLimitLease? request, RateLimitLease? tokens)
        {
            _request = request;
            _tokens = tokens;
        }

        public void Dispose()
        {
            _request?.Dispose();
            _tokens?.Dispose();
        }
    }
}
