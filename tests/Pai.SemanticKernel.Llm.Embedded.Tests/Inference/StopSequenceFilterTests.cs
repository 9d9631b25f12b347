namespace Pai.SemanticKernel.Llm.Embedded.Tests.Inference;

/// <summary>The output filter: stop sequences removed, nothing else held back.</summary>
public sealed class StopSequenceFilterTests
{
    [Fact]
    public async Task Text_that_cannot_begin_a_stop_sequence_passes_token_by_token()
    {
        (await Filter(["User:"], "Once", " upon", " a time")).Should().Equal("Once", " upon", " a time");
    }

    [Fact]
    public async Task A_stop_sequence_split_across_tokens_is_removed_with_everything_after_it()
    {
        (await Filter(["User:"], "Hello", " Us", "er: next", " turn")).Should().Equal("Hello", " ");
    }

    [Fact]
    public async Task A_held_back_start_that_turns_out_not_to_be_a_stop_sequence_is_passed_on()
    {
        (await Filter(["User:"], "Use", "ful", " tip")).Should().Equal("Useful", " tip");
    }

    [Fact]
    public async Task The_earliest_of_several_stop_sequences_wins()
    {
        (await Filter([".", "!"], "Hi! Bye.")).Should().Equal("Hi");
    }

    private static async Task<List<string>> Filter(string[] stops, params string[] tokens)
    {
        var output = new List<string>();
        await foreach (string piece in new StopSequenceFilter(stops).TransformAsync(tokens.ToAsyncEnumerable()))
        {
            output.Add(piece);
        }

        return output;
    }
}
