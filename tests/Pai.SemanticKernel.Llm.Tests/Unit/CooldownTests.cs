using Microsoft.Extensions.Time.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Unit;

public sealed class CooldownTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_backend_stays_available_below_the_failure_threshold()
    {
        BackendCooldown cooldown = Create();

        cooldown.ReportFailure(null);
        cooldown.ReportFailure(null);

        cooldown.TryEnter().Should().Be(CooldownAdmission.Available);
    }

    [Fact]
    public void Consecutive_failures_open_a_cooldown_then_one_trial_decides()
    {
        BackendCooldown cooldown = Create();
        for (int i = 0; i < 3; i++)
        {
            cooldown.ReportFailure(null);
        }

        cooldown.TryEnter().Should().Be(CooldownAdmission.CoolingDown);
        _time.Advance(TimeSpan.FromSeconds(5));
        cooldown.TryEnter().Should().Be(CooldownAdmission.Trial);
        cooldown.TryEnter().Should().Be(CooldownAdmission.CoolingDown, "only one trial at a time");

        cooldown.ReportSuccess();
        cooldown.TryEnter().Should().Be(CooldownAdmission.Available);
    }

    [Fact]
    public void A_success_resets_the_count_of_consecutive_failures()
    {
        BackendCooldown cooldown = Create();
        cooldown.ReportFailure(null);
        cooldown.ReportFailure(null);
        cooldown.ReportSuccess();
        cooldown.ReportFailure(null);
        cooldown.ReportFailure(null);

        cooldown.TryEnter().Should().Be(CooldownAdmission.Available);
    }

    [Fact]
    public void A_failed_trial_doubles_the_cooldown_up_to_the_cap()
    {
        BackendCooldown cooldown = Create(maxDuration: TimeSpan.FromSeconds(8));
        for (int i = 0; i < 3; i++)
        {
            cooldown.ReportFailure(null);
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        cooldown.TryEnter().Should().Be(CooldownAdmission.Trial);
        cooldown.ReportFailure(null);

        _time.Advance(TimeSpan.FromSeconds(7.9));
        cooldown.TryEnter().Should().Be(CooldownAdmission.CoolingDown, "the second cooldown lasts min(10 s, cap 8 s)");
        _time.Advance(TimeSpan.FromSeconds(0.2));
        cooldown.TryEnter().Should().Be(CooldownAdmission.Trial);
    }

    [Fact]
    public void Retry_after_opens_a_cooldown_at_once_for_that_long_capped()
    {
        BackendCooldown cooldown = Create(maxDuration: TimeSpan.FromSeconds(30));

        cooldown.ReportFailure(TimeSpan.FromSeconds(12));
        cooldown.TryEnter().Should().Be(CooldownAdmission.CoolingDown);
        _time.Advance(TimeSpan.FromSeconds(11));
        cooldown.TryEnter().Should().Be(CooldownAdmission.CoolingDown);
        _time.Advance(TimeSpan.FromSeconds(1));
        cooldown.TryEnter().Should().Be(CooldownAdmission.Trial);

        BackendCooldown capped = Create(maxDuration: TimeSpan.FromSeconds(30));
        capped.ReportFailure(TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromSeconds(30));
        capped.TryEnter().Should().Be(CooldownAdmission.Trial);
    }

    [Fact]
    public void An_abandoned_trial_lets_the_next_request_try()
    {
        BackendCooldown cooldown = Create();
        cooldown.ReportFailure(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        cooldown.TryEnter().Should().Be(CooldownAdmission.Trial);

        cooldown.ReleaseTrial();

        cooldown.TryEnter().Should().Be(CooldownAdmission.Trial);
    }

    [Fact]
    public void A_zero_duration_disables_cooldown()
    {
        BackendCooldown cooldown = Create(duration: TimeSpan.Zero);
        for (int i = 0; i < 10; i++)
        {
            cooldown.ReportFailure(TimeSpan.FromSeconds(5));
        }

        cooldown.TryEnter().Should().Be(CooldownAdmission.Available);
    }

    [Fact]
    public void Opening_and_closing_are_reported_once_each()
    {
        BackendCooldown cooldown = Create();
        var events = new List<bool>();
        cooldown.StateChanged += (_, opened, _) => events.Add(opened);

        for (int i = 0; i < 5; i++)
        {
            cooldown.ReportFailure(null);
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        cooldown.TryEnter();
        cooldown.ReportSuccess();
        cooldown.ReportSuccess();

        events.Should().Equal(true, false);
    }

    [Fact]
    public async Task Concurrent_admissions_grant_exactly_one_trial()
    {
        BackendCooldown cooldown = Create();
        cooldown.ReportFailure(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));

        CooldownAdmission[] admissions = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(cooldown.TryEnter)));

        admissions.Count(a => a == CooldownAdmission.Trial).Should().Be(1);
    }

    private BackendCooldown Create(TimeSpan? duration = null, TimeSpan? maxDuration = null) =>
        new("b", new CooldownOptions { FailureThreshold = 3, Duration = duration ?? TimeSpan.FromSeconds(5), MaxDuration = maxDuration ?? TimeSpan.FromMinutes(1) }, _time);
}
