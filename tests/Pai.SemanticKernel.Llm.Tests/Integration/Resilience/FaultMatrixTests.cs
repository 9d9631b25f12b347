using System.Diagnostics;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Testing;
using static Pai.SemanticKernel.Llm.Tests.Integration.RouterHarness;

namespace Pai.SemanticKernel.Llm.Tests.Integration.Resilience;

/// <summary>
/// Every fault of the resilience issue, streaming and not: the outcome is an answer from the next backend or the
/// documented exception, within the deadline plus a margin; never a hang, never repeated or mixed text, never a
/// partial answer presented as complete.
/// </summary>
public sealed class FaultMatrixTests : IAsyncLifetime
{
    private const string Answer = "the healthy backend answers in full";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private ScriptedOpenAIServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedOpenAIServer.StartAsync();
        _server.Always(Secondary, ScriptedReply.Text(Answer).WithChunks(5));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>What the primary does, and whether the request should then be answered by the secondary.</summary>
    public static TheoryData<string, bool> Faults()
    {
        string[] failingOver =
        [
            "500", "502", "503", "504", "429", "429-retry-after-long", "408", "401", "404",
            "refused", "unresolvable", "no-headers", "reset-before-content", "cut-before-content", "error-event-before-content",
            "malformed-json", "empty-body",
        ];
        var data = new TheoryData<string, bool>();
        foreach (string fault in failingOver.Concat(["400", "stall-after-content", "reset-after-content", "cut-after-content", "error-event-after-content"]))
        {
            data.Add(fault, false);
            data.Add(fault, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Each_fault_ends_in_an_answer_from_the_next_backend_or_the_documented_exception(string fault, bool streaming)
    {
        (ScriptedReply? reply, Uri? endpoint) = PrimaryFault(fault);
        if (reply is not null)
        {
            _server.Always(Primary, reply);
        }

        using ModelRouter router = TwoBackends(_server, b =>
        {
            b.FirstTokenTimeout = TimeSpan.FromSeconds(2);
            b.StallTimeout = TimeSpan.FromSeconds(2);
        }, endpoint, o => o.RequestTimeout = RequestTimeout);

        var clock = Stopwatch.StartNew();
        Outcome outcome = await RunAsync(router, streaming).WaitAsync(RequestTimeout + Margin + Margin);
        clock.Elapsed.Should().BeLessThan(RequestTimeout + Margin, "no fault may hang a request past its deadline");

        switch (Expected(fault, streaming))
        {
            case Expectation.AnsweredBySecondary:
                outcome.Error.Should().BeNull();
                outcome.Text.Should().Be(Answer, "the text is the secondary's, whole, with nothing repeated or mixed in");
                outcome.Backend.Should().Be("b");
                if (streaming)
                {
                    outcome.Updates.ToChatResponse().FinishReason.Should().Be(ChatFinishReason.Stop);
                }

                break;
            case Expectation.Rejected:
                outcome.Error.Should().BeOfType<BackendRequestException>().Which.Backend.Should().Be("a");
                _server.CountRequests(Secondary).Should().Be(0);
                break;
            case Expectation.Interrupted:
                outcome.Error.Should().BeOfType<StreamInterruptedException>().Which.Backend.Should().Be("a");
                outcome.Updates.Should().NotContain(u => u.FinishReason != null, "an interrupted answer is never presented as complete");
                outcome.Text.Should().NotContain(Answer);
                _server.CountRequests(Secondary).Should().Be(0);
                break;
        }
    }

    private enum Expectation
    {
        AnsweredBySecondary,
        Rejected,
        Interrupted,
    }

    private static Expectation Expected(string fault, bool streaming) => fault switch
    {
        "400" => Expectation.Rejected,
        "stall-after-content" or "reset-after-content" or "cut-after-content" or "error-event-after-content" when streaming => Expectation.Interrupted,
        _ => Expectation.AnsweredBySecondary,
    };

    private static (ScriptedReply? Reply, Uri? Endpoint) PrimaryFault(string fault)
    {
        ScriptedReply text = ScriptedReply.Text("primary text that must never be mixed in").WithChunks(4);
        return fault switch
        {
            "refused" => (null, ScriptedOpenAIServer.RefusedEndpoint()),
            "unresolvable" => (null, new Uri("http://pai-no-such-host.invalid:8000/v1")),
            "429-retry-after-long" => (ScriptedReply.Status(429).WithRetryAfter(TimeSpan.FromSeconds(30)), null),
            "no-headers" => (ScriptedReply.Hang(), null),
            "reset-before-content" => (text.AbortAfterChunks(1), null),
            "cut-before-content" => (text.CutAfterChunks(1), null),
            "error-event-before-content" => (text.ErrorEventAfterChunks(1), null),
            "stall-after-content" => (text.StallAfterChunks(2), null),
            "reset-after-content" => (text.AbortAfterChunks(2), null),
            "cut-after-content" => (text.CutAfterChunks(2), null),
            "error-event-after-content" => (text.ErrorEventAfterChunks(2), null),
            "malformed-json" => (ScriptedReply.MalformedJson(), null),
            "empty-body" => (ScriptedReply.EmptyBody(), null),
            _ => (ScriptedReply.Status(int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture)), null),
        };
    }
}
