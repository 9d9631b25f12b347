using Pai.SemanticKernel.Llm;

namespace Pai.Examples;

/// <summary>The examples' command line: <c>[--effort quick|standard|determined] [words of the prompt...]</c>.</summary>
internal static class ExampleArguments
{
    /// <summary>Splits the arguments into the forced effort, if any, and the prompt, if any.</summary>
    /// <exception cref="ArgumentException">The effort is not one.</exception>
    internal static (EffortLevel? Effort, string? Prompt) Parse(string[] args)
    {
        EffortLevel? effort = null;
        var words = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--effort" && i + 1 < args.Length)
            {
                string name = args[++i];
                effort = Enum.GetValues<EffortLevel>().Cast<EffortLevel?>().FirstOrDefault(e => e.ToString()!.Equals(name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"--effort '{name}' is not an effort level. Allowed values: quick, standard, determined.");
            }
            else
            {
                words.Add(args[i]);
            }
        }

        return (effort, words.Count == 0 ? null : string.Join(' ', words));
    }
}
