using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Pai.SemanticKernel.Llm;

/// <summary>
/// Walks a configuration section against the shape of <see cref="PaiLlmOptions"/> before binding: every key must be a known
/// setting and every value must convert to the setting's type.
/// </summary>
/// <remarks>
/// Needed because the configuration binder silently drops a dictionary entry whose value does not convert
/// (<c>"MaxTokens": "lots"</c> makes the whole backend disappear) and silently ignores misspelt keys; with
/// <c>ErrorOnUnknownConfiguration</c> it fails without naming the setting. This check names both.
/// </remarks>
internal static class ConfigurationShapeCheck
{
    internal static void Check(IConfiguration section, Type type, string path, List<string> errors)
    {
        Dictionary<string, PropertyInfo> properties = type
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

        foreach (IConfigurationSection child in section.GetChildren())
        {
            string childPath = $"{path}:{child.Key}";
            if (!properties.TryGetValue(child.Key, out PropertyInfo? property))
            {
                errors.Add($"{childPath} is not a known setting. Known settings here: {string.Join(", ", properties.Keys)}.");
                continue;
            }

            CheckValue(child, property.PropertyType, childPath, errors);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, string path, List<string> errors)
    {
        Type target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(target))
        {
            if (section.Value is { } value && value.Length > 0 && !Converts(value, target))
            {
                // A value that does not convert is quoted so the user can find it; endpoint credentials are masked first.
                errors.Add($"{path} '{SecretRedactor.DescribeText(value)}' is not a valid {Describe(target)}.");
            }
            else if (section.Value is null && section.GetChildren().Any())
            {
                errors.Add($"{path} must be a single value ({Describe(target)}), not a section.");
            }

            return;
        }

        if (GenericArgument(target, typeof(IDictionary<,>), 1) is { } valueType)
        {
            foreach (IConfigurationSection entry in section.GetChildren())
            {
                CheckValue(entry, valueType, $"{path}:{entry.Key}", errors);
            }

            return;
        }

        if (GenericArgument(target, typeof(IList<>), 0) is { } itemType)
        {
            foreach (IConfigurationSection item in section.GetChildren())
            {
                CheckValue(item, itemType, $"{path}:{item.Key}", errors);
            }

            return;
        }

        if (section.Value is { Length: > 0 } single)
        {
            errors.Add($"{path} '{single}' must be a section with settings, not a single value.");
            return;
        }

        Check(section, target, path, errors);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(Uri) || type == typeof(decimal);

    private static bool Converts(string value, Type type)
    {
        if (type.IsEnum)
        {
            // Names only: the binder would also accept numbers that are not defined values.
            return !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && Enum.TryParse(type, value, ignoreCase: true, out _);
        }

        try
        {
            return TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value) is not null || type == typeof(string);
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) => "whole number",
        _ when type == typeof(float) || type == typeof(double) => "number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "time span (for example 00:00:30)",
        _ when type == typeof(Uri) => "URI",
        _ when type == typeof(EffortLevel) => "effort level. Allowed values: " + EffortParser.AllowedValues,
        _ when type.IsEnum => "value. Allowed values: " + string.Join(", ", Enum.GetNames(type)),
        _ => type.Name,
    };

    private static Type? GenericArgument(Type type, Type genericInterface, int index)
    {
        foreach (Type candidate in type.GetInterfaces().Append(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == genericInterface)
            {
                return candidate.GetGenericArguments()[index];
            }
        }

        return null;
    }
}
