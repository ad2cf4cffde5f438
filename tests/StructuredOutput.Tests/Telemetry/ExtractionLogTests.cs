using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using static StructuredOutput.Tests.Telemetry.ScriptedClient;

namespace StructuredOutput.Tests.Telemetry;

/// <summary>The logs written to <see cref="ExtractOptions.Logger"/>, with and without sensitive data.</summary>
[Collection(TelemetryCollection.Name)]
public class ExtractionLogTests
{
    private const string Secret = "Zanzibar-7";
    private static readonly string BadWithSecret = "{\"x\":\"" + Secret + "\",\"y\":2,}";
    private const string Good = """{"x":1,"y":2}""";

    [Fact]
    public async Task A_rejected_attempt_is_logged_with_its_errors_by_path_and_kind_and_its_repairs_by_kind_without_the_models_text()
    {
        var logger = new ListLogger();
        var client = new ScriptedClient(Answer(BadWithSecret), Answer(Good));

        await client.ExtractAsync<TelemetryPoint>("x one, y two", new ExtractOptions { Logger = logger });

        var rejected = Assert.Single(logger.Entries, e => e.Event == "AttemptRejected");
        Assert.Equal(LogLevel.Information, rejected.Level);
        Assert.Equal("TelemetryPoint", rejected.Fields["ContractType"]);
        Assert.Equal(1, rejected.Fields["AttemptNumber"]);
        Assert.Equal("invalid_answer", rejected.Fields["Outcome"]);
        Assert.Equal(1, rejected.Fields["ErrorCount"]);
        Assert.Equal("$.x (WrongKind)", rejected.Fields["Errors"]);

        var repaired = Assert.Single(logger.Entries, e => e.Event == "AttemptRepaired");
        Assert.Equal(LogLevel.Debug, repaired.Level);
        Assert.Equal("comma 1", repaired.Fields["Repairs"]);

        var succeeded = Assert.Single(logger.Entries, e => e.Event == "ExtractionSucceeded");
        Assert.Equal(LogLevel.Debug, succeeded.Level);
        Assert.Equal(2, succeeded.Fields["AttemptCount"]);

        Assert.DoesNotContain(logger.Entries, e => e.Event == "AttemptAnswer");
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_sensitive_data_the_raw_answers_error_messages_and_repair_descriptions_are_logged()
    {
        var logger = new ListLogger();
        var client = new ScriptedClient(Answer(BadWithSecret), Answer(Good));

        await client.ExtractAsync<TelemetryPoint>("x one, y two", new ExtractOptions { Logger = logger, EnableSensitiveData = true });

        var answers = logger.Entries.Where(e => e.Event == "AttemptAnswer").ToList();
        Assert.All(answers, a => Assert.Equal(LogLevel.Trace, a.Level));
        Assert.Equal(new[] { BadWithSecret, Good }, answers.Select(a => (string)a.Fields["Answer"]!).ToArray());

        var rejected = Assert.Single(logger.Entries, e => e.Event == "AttemptRejected");
        Assert.StartsWith("$.x (WrongKind): ", (string)rejected.Fields["Errors"]!, StringComparison.Ordinal);
        Assert.Contains(Secret, (string)rejected.Fields["Errors"]!, StringComparison.Ordinal);

        var repaired = Assert.Single(logger.Entries, e => e.Event == "AttemptRepaired");
        Assert.Equal("Removed a trailing comma at $.", repaired.Fields["Repairs"]);
    }

    [Fact]
    public async Task The_final_failure_is_a_warning_with_the_outcome_and_the_last_errors()
    {
        var logger = new ListLogger();
        var client = new ScriptedClient(Answer(BadWithSecret), Answer(BadWithSecret));

        await client.TryExtractAsync<TelemetryPoint>("x one, y two", new ExtractOptions { Logger = logger });

        var failed = Assert.Single(logger.Entries, e => e.Event == "ExtractionFailed");
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal(2, failed.Fields["AttemptCount"]);
        Assert.Equal("invalid_answer", failed.Fields["Outcome"]);
        Assert.Equal("Last attempt's errors: $.x (WrongKind)", failed.Fields["Details"]);
        Assert.Equal(2, logger.Entries.Count(e => e.Event == "AttemptRejected"));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_exception_is_logged_with_the_exception()
    {
        var logger = new ListLogger();
        var thrown = new HttpRequestException("boom");

        await Assert.ThrowsAsync<HttpRequestException>(() => new ScriptedClient(thrown).ExtractAsync<TelemetryPoint>("x", new ExtractOptions { Logger = logger }));

        var aborted = Assert.Single(logger.Entries, e => e.Event == "ExtractionAborted");
        Assert.Equal(LogLevel.Warning, aborted.Level);
        Assert.Same(thrown, aborted.Exception);
        Assert.Equal("System.Net.Http.HttpRequestException", aborted.Fields["ErrorType"]);
    }

    [Fact]
    public async Task Levels_that_are_off_are_not_written_and_a_logger_off_below_error_is_never_called()
    {
        var warnings = new ListLogger(LogLevel.Warning);
        await new ScriptedClient(Answer(BadWithSecret), Answer(Good)).ExtractAsync<TelemetryPoint>("x", new ExtractOptions { Logger = warnings });
        Assert.Empty(warnings.Entries);
        Assert.Equal(0, warnings.Calls); // the extractor checks the level before it formats anything

        var errors = new ListLogger(LogLevel.Error);
        await new ScriptedClient(Answer(BadWithSecret), Answer(BadWithSecret)).TryExtractAsync<TelemetryPoint>("x", new ExtractOptions { Logger = errors });
        Assert.Equal(0, errors.Calls);
    }
}
