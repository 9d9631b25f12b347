namespace Pai.SemanticKernel.Llm.Tests.Unit;

/// <summary>The Retry-After delays the Anthropic provider keeps by request-id until the router asks for them.</summary>
public sealed class RetryAfterLedgerTests
{
    [Fact]
    public void A_delay_is_handed_out_once_for_its_request_id()
    {
        var ledger = new RetryAfterLedger();
        ledger.Record("req_1", TimeSpan.FromSeconds(3));

        ledger.Take("req_2").Should().BeNull();
        ledger.Take("req_1").Should().Be(TimeSpan.FromSeconds(3));
        ledger.Take("req_1").Should().BeNull();
    }

    [Fact]
    public void Delays_nobody_asked_for_do_not_pile_up()
    {
        var ledger = new RetryAfterLedger();

        for (int i = 0; i < RetryAfterLedger.Capacity * 3; i++)
        {
            ledger.Record($"req_{i}", TimeSpan.FromSeconds(1));
        }

        ledger.Count.Should().BeLessThanOrEqualTo(RetryAfterLedger.Capacity);
        ledger.Take($"req_{RetryAfterLedger.Capacity * 3 - 1}").Should().Be(TimeSpan.FromSeconds(1), "the newest entry survives");
    }
}
