using Microsoft.Extensions.Logging;

namespace Pai.SemanticKernel.Llm;

/// <summary>Settings of a standalone <see cref="FallbackChatClient"/> (the router builds its own from <see cref="PaiLlmOptions"/>).</summary>
public sealed class FallbackChatClientOptions
{
    /// <summary>The deadline of one request across all attempts. Default 3 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>When failing backends are skipped.</summary>
    public CooldownOptions Cooldown { get; set; } = new();

    /// <summary>
    /// Per-backend time budgets (<see cref="BackendOptions.FirstTokenTimeout"/>, <see cref="BackendOptions.StallTimeout"/>,
    /// <see cref="BackendOptions.MaxRetryAfter"/>) and request defaults applied to every backend. By default no
    /// request defaults are applied (no temperature, no token limit).
    /// </summary>
    public BackendOptions Backend { get; set; } = new() { Temperature = null };

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where failovers and cooldowns are logged. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        var errors = new List<string>();
        PaiLlmOptionsValidator.ValidateTimeout(errors, "RequestTimeout", RequestTimeout);
        PaiLlmOptionsValidator.ValidateCooldown(errors, "Cooldown", Cooldown);
        if (Backend is null)
        {
            errors.Add("Backend is null.");
        }
        else
        {
            PaiLlmOptionsValidator.ValidateBudgets(errors, "Backend", Backend);
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider is null.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid FallbackChatClientOptions: " + string.Join(" ", errors), "options");
        }
    }
}
