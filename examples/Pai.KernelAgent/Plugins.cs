using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;

namespace Pai.KernelAgent;

/// <summary>The clock: current time in any time zone, and days between dates.</summary>
internal sealed class ClockPlugin(TimeProvider time)
{
    [KernelFunction("now"), Description("Returns the current date and time in a time zone (IANA id such as Europe/Berlin, or UTC).")]
    public string Now([Description("IANA time zone id; UTC when empty.")] string timeZone = "UTC")
    {
        DateTimeOffset now = time.GetUtcNow();
        if (string.IsNullOrWhiteSpace(timeZone) || timeZone.Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            return now.ToString("yyyy-MM-dd HH:mm:ss 'UTC' (dddd)", CultureInfo.InvariantCulture);
        }

        try
        {
            TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
            return TimeZoneInfo.ConvertTime(now, zone).ToString("yyyy-MM-dd HH:mm:ss zzz (dddd)", CultureInfo.InvariantCulture) + " " + zone.Id;
        }
        catch (TimeZoneNotFoundException)
        {
            return $"Unknown time zone '{timeZone}'. Use an IANA id such as Europe/Berlin or America/New_York.";
        }
    }

    [KernelFunction("days_between"), Description("Counts the days from one date to another (negative when the second is earlier).")]
    public string DaysBetween([Description("Start date, yyyy-MM-dd.")] string from, [Description("End date, yyyy-MM-dd.")] string to)
    {
        if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly start) ||
            !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly end))
        {
            return $"Dates must be yyyy-MM-dd; got '{from}' and '{to}'.";
        }

        return (end.DayNumber - start.DayNumber).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>A calculator, so the model does not do arithmetic in its head.</summary>
internal sealed class CalculatorPlugin
{
    [KernelFunction("add"), Description("Adds two numbers.")]
    public double Add(double a, double b) => a + b;

    [KernelFunction("subtract"), Description("Subtracts b from a.")]
    public double Subtract(double a, double b) => a - b;

    [KernelFunction("multiply"), Description("Multiplies two numbers.")]
    public double Multiply(double a, double b) => a * b;

    [KernelFunction("divide"), Description("Divides a by b.")]
    public string Divide(double a, double b) => b == 0 ? "Cannot divide by zero." : (a / b).ToString("G17", CultureInfo.InvariantCulture);

    [KernelFunction("power"), Description("Raises a to the power b.")]
    public double Power(double a, double b) => Math.Pow(a, b);
}

/// <summary>Reads the notes in this example's <c>notes</c> folder, and nothing outside it.</summary>
internal sealed class NotesPlugin(string folder)
{
    private readonly string _root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;

    [KernelFunction("list"), Description("Lists the note files that can be read.")]
    public string List() => string.Join("\n", Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
        .Select(path => Path.GetRelativePath(_root, path).Replace('\\', '/'))
        .Order(StringComparer.Ordinal));

    [KernelFunction("read"), Description("Returns the text of one note file, by the name returned by list.")]
    public string Read([Description("The file name, for example release-plan.md.")] string name)
    {
        string path = Path.GetFullPath(Path.Combine(_root, name));
        if (!path.StartsWith(_root, StringComparison.Ordinal))
        {
            return $"'{name}' is outside the notes folder.";
        }

        return File.Exists(path) ? File.ReadAllText(path) : $"No note named '{name}'. Call list to see the notes.";
    }
}
