using Microsoft.Extensions.Time.Testing;

namespace Pai.SemanticKernel.Llm.Tests.Unit;

/// <summary>How active probe results move a backend's cooldown.</summary>
public sealed class ProbeCooldownTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(40);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_failed_probe_opens_the_cooldown_for_the_hold_at_least()
    {
        BackendCooldown cooldown = Create();

        cooldown.ReportProbeFailure(Hold);

        cooldown.IsSkipped.Should().BeTrue();
        _time.Advance(Hold - TimeSpan.FromSeconds(1));
        cooldown.TryEnter().Should().Be(CooldownAdmission.CoolingDown);
        _time.Advance(TimeSpan.FromSeconds(1));
        cooldown.TryEnter().Should().Be(CooldownAdmission.Trial);
    }

    [Fact]
    public void A_failed_probe_extends_a_cooldown_that_failed_requests_opened()
    {
        BackendCooldown cooldown = Create();
        for (int i = 0; i < 3; i++)
        {
            cooldown.ReportFailure(null);
        }

        _time.Advance(TimeSpan.FromSeconds(4));
        cooldown.ReportProbeFailure(Hold);
        _time.Advance(TimeSpan.FromSeconds(30));

        cooldown.TryEnter().Should().Be(CooldownAdmission.CoolingDown);
    }

    [Fact]
    public void A_good_probe_closes_a_cooldown_that_probes_opened()
    {
        BackendCooldown cooldown = Create();
        var events = new List<bool>();
        cooldown.StateChanged += (_, opened, _) => events.Add(opened);
        cooldown.ReportProbeFailure(Hold);

        cooldown.ReportProbeSuccess();

        cooldown.TryEnter().Should().Be(CooldownAdmission.Available);
        events.Should().Equal(true, false);
    }

    [Fact]
    public void A_good_probe_makes_the_next_request_the_trial_of_a_cooldown_that_failed_requests_opened()
    {
        BackendCooldown cooldown = Create(duration: TimeSpan.FromMinutes(10));
        for (int i = 0; i < 3; i++)
        {
            cooldown.ReportFailure(null);
        }

        cooldown.ReportProbeSuccess();

        cooldown.IsCoolingDown.Should().BeTrue("a listed model does not prove that chat requests work");
        cooldown.IsSkipped.Should().BeFalse();
        cooldown.TryEnter().Should().Be(CooldownAdmission.Trial);
    }

    [Fact]
    public void Probes_leave_a_trial_in_flight_to_decide()
    {
        BackendCooldown cooldown = Create();
        cooldown.ReportProbeFailure(Hold);
        _time.Advance(Hold);
        cooldown.TryEnter().Should().Be(CooldownAdmission.Trial);

        cooldown.ReportProbeSuccess();
        cooldown.ReportProbeFailure(Hold);

        cooldown.TryEnter().Should().Be(CooldownAdmission.CoolingDown, "the trial is still deciding");
        cooldown.ReportSuccess();
        cooldown.TryEnter().Should().Be(CooldownAdmission.Available);
    }

    [Fact]
    public void Probes_do_nothing_when_cooldown_is_disabled()
    {
        BackendCooldown cooldown = Create(duration: TimeSpan.Zero);

        cooldown.ReportProbeFailure(Hold);

        cooldown.TryEnter().Should().Be(CooldownAdmission.Available);
    }

    private BackendCooldown Create(TimeSpan? duration = null) =>
        new("backend", new CooldownOptions { FailureThreshold = 3, Duration = duration ?? TimeSpan.FromSeconds(5), MaxDuration = TimeSpan.FromMinutes(30) }, _time);
}
