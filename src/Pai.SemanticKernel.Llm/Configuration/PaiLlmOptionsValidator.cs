using System.Globalization;
using Microsoft.Extensions.Options;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Checks a <see cref="PaiLlmOptions"/> completely and reports every problem at once, each naming the setting's path and
/// the bad value (never a secret).
/// </summary>
internal static class PaiLlmOptionsValidator
{
    internal static IReadOnlyList<string> Validate(PaiLlmOptions options, string path, BackendProviderRegistry providers)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (!Enum.IsDefined(options.DefaultEffort))
        {
            errors.Add($"{path}:DefaultEffort '{(int)options.DefaultEffort}' is not an effort level. Allowed values: {EffortParser.AllowedValues}.");
        }

        if (options.Backends.Count == 0)
        {
            errors.Add($"{path}:Backends is empty: configure at least one backend (for example \"Backends\": {{ \"local\": {{ \"Endpoint\": \"http://localhost:8000/v1\", \"Model\": \"...\" }} }}).");
        }

        foreach ((string name, BackendOptions? backend) in options.Backends)
        {
            string backendPath = $"{path}:Backends:{name}";
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add($"{path}:Backends has a backend with a blank name.");
                continue;
            }

            if (backend is null)
            {
                errors.Add($"{backendPath} is null.");
                continue;
            }

            string provider = BackendProviders.Normalize(backend.Provider);
            if (!providers.TryGet(provider, out IChatBackendProvider? implementation))
            {
                errors.Add($"{backendPath}:Provider '{backend.Provider}' is not a known provider. Known: {providers.Describe()}.");
            }
            else
            {
                implementation.Validate(backendPath, backend, errors);
            }

            ValidatePositive(errors, $"{backendPath}:MaxTokens", backend.MaxTokens);
            ValidatePositive(errors, $"{backendPath}:ContextLength", backend.ContextLength);
            if (backend.Temperature is { } temperature && (float.IsNaN(temperature) || temperature < 0 || temperature > 2))
            {
                errors.Add($"{backendPath}:Temperature '{temperature.ToString(CultureInfo.InvariantCulture)}' is out of range: use a value from 0 to 2.");
            }

            ValidateBudgets(errors, backendPath, backend);
        }

        bool defaultTierConfigured = false;
        foreach ((string tierName, TierOptions? tier) in options.Tiers)
        {
            string tierPath = $"{path}:Tiers:{tierName}";
            if (!EffortParser.TryParseName(tierName, out EffortLevel effort))
            {
                errors.Add($"{tierPath}: '{tierName}' is not an effort level. Allowed tier names: {EffortParser.AllowedValues}.");
                continue;
            }

            defaultTierConfigured |= effort == options.DefaultEffort;
            if (tier is null || tier.Backends.Count == 0)
            {
                errors.Add($"{tierPath}:Backends is empty: a tier needs at least one backend.");
                continue;
            }

            for (int i = 0; i < tier.Backends.Count; i++)
            {
                ValidateReference(errors, $"{tierPath}:Backends:{i}", tier.Backends[i], options);
            }
        }

        if (!defaultTierConfigured && Enum.IsDefined(options.DefaultEffort))
        {
            errors.Add($"{path}:Tiers:{EffortParser.ToName(options.DefaultEffort)} is missing: the tier of DefaultEffort must be configured (tiers that are not configured use it).");
        }

        for (int i = 0; i < options.Fallback.Count; i++)
        {
            ValidateReference(errors, $"{path}:Fallback:{i}", options.Fallback[i], options);
        }

        ValidateTimeout(errors, $"{path}:RequestTimeout", options.RequestTimeout);
        if (options.Cooldown is null)
        {
            errors.Add($"{path}:Cooldown is null.");
        }
        else
        {
            ValidateCooldown(errors, $"{path}:Cooldown", options.Cooldown);
        }

        if (options.Health is null)
        {
            errors.Add($"{path}:Health is null.");
        }
        else
        {
            if (options.Health.ProbeInterval is { } interval && interval <= TimeSpan.Zero)
            {
                errors.Add($"{path}:Health:ProbeInterval '{Format(interval)}' must be positive (or absent to disable background probing).");
            }

            ValidateTimeout(errors, $"{path}:Health:ProbeTimeout", options.Health.ProbeTimeout);
            if (!Enum.IsDefined(options.Health.ValidateModelsOnStart))
            {
                errors.Add($"{path}:Health:ValidateModelsOnStart '{(int)options.Health.ValidateModelsOnStart}' is not valid. Allowed values: Off, Warn, Fail.");
            }
        }

        return errors;
    }

    internal static void ThrowIfInvalid(PaiLlmOptions options, string path, BackendProviderRegistry providers)
    {
        IReadOnlyList<string> errors = Validate(options, path, providers);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(path, typeof(PaiLlmOptions), errors);
        }
    }

    internal static void ValidateBudgets(List<string> errors, string path, BackendOptions backend)
    {
        ValidateTimeout(errors, $"{path}:ConnectTimeout", backend.ConnectTimeout);
        ValidateTimeout(errors, $"{path}:FirstTokenTimeout", backend.FirstTokenTimeout);
        ValidateTimeout(errors, $"{path}:StallTimeout", backend.StallTimeout);
        if (backend.MaxRetryAfter < TimeSpan.Zero)
        {
            errors.Add($"{path}:MaxRetryAfter '{Format(backend.MaxRetryAfter)}' is negative: use 00:00:00 to never wait out a Retry-After.");
        }
    }

    internal static void ValidateCooldown(List<string> errors, string path, CooldownOptions cooldown)
    {
        if (cooldown.FailureThreshold < 1)
        {
            errors.Add($"{path}:FailureThreshold '{cooldown.FailureThreshold}' must be at least 1.");
        }

        if (cooldown.Duration < TimeSpan.Zero)
        {
            errors.Add($"{path}:Duration '{Format(cooldown.Duration)}' is negative: use 00:00:00 to disable cooldown.");
        }

        if (cooldown.MaxDuration < TimeSpan.Zero)
        {
            errors.Add($"{path}:MaxDuration '{Format(cooldown.MaxDuration)}' is negative.");
        }
        else if (cooldown.MaxDuration < cooldown.Duration)
        {
            errors.Add($"{path}:MaxDuration '{Format(cooldown.MaxDuration)}' is shorter than Duration '{Format(cooldown.Duration)}'.");
        }
    }

    /// <summary>A time budget must be positive; <see cref="Timeout.InfiniteTimeSpan"/> switches it off.</summary>
    internal static void ValidateTimeout(List<string> errors, string path, TimeSpan value)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{path} '{Format(value)}' must be positive (for example 00:00:30), or -00:00:00.001 for no limit.");
        }
    }

    private static void ValidatePositive(List<string> errors, string path, int? value)
    {
        if (value is <= 0)
        {
            errors.Add($"{path} '{value}' must be positive.");
        }
    }

    private static void ValidateReference(List<string> errors, string path, string? name, PaiLlmOptions options)
    {
        if (string.IsNullOrWhiteSpace(name) || !options.Backends.ContainsKey(name))
        {
            errors.Add($"{path} names backend '{name}', which is not configured. Configured backends: {(options.Backends.Count == 0 ? "(none)" : string.Join(", ", options.Backends.Keys))}.");
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
