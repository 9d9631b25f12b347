using System.Diagnostics;
using Microsoft.Extensions.AI;
using Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Inference;

/// <summary>Real inference on the test model through a router whose every tier is one embedded backend.</summary>
public sealed class InferenceTests
{
    [Fact]
    public async Task A_non_streamed_answer_has_text_a_finish_reason_and_usage()
    {
        using ModelRouter router = TestModel.Router();

        ChatResponse response = await router.GetResponseAsync(TestModel.Prompt());

        response.Text.Should().NotBeNullOrWhiteSpace();
        response.FinishReason.Should().NotBeNull();
        response.Usage!.OutputTokenCount.Should().BeInRange(1, 8);
        response.Usage.InputTokenCount.Should().BePositive();
        response.ModelId.Should().Be(TestModel.Name, "the model name defaults to the file name without its extension");
        response.AdditionalProperties![PaiPropertyNames.Backend].Should().Be("local");
    }

    [Fact]
    public async Task A_streamed_answer_arrives_token_by_token_and_ends_with_a_finish_reason()
    {
        using ModelRouter router = TestModel.Router();

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in router.GetStreamingResponseAsync(TestModel.Prompt()))
        {
            updates.Add(update);
        }

        updates.Count(u => !string.IsNullOrEmpty(u.Text)).Should().BeGreaterThan(1, "tokens are yielded as they are generated");
        string.Concat(updates.Select(u => u.Text)).Should().NotBeNullOrWhiteSpace();
        updates[^1].FinishReason.Should().NotBeNull();
        updates[^1].Contents.OfType<UsageContent>().Single().Details.OutputTokenCount.Should().BeInRange(1, 8);
    }

    [Fact]
    public async Task Reaching_the_token_limit_finishes_with_length()
    {
        using ModelRouter router = TestModel.Router();

        ChatResponse response = await router.GetResponseAsync(TestModel.Prompt(), new ChatOptions { MaxOutputTokens = 3 });

        response.FinishReason.Should().Be(ChatFinishReason.Length);
        response.Usage!.OutputTokenCount.Should().Be(3);
    }

    [Fact]
    public async Task Temperature_zero_gives_the_same_answer_twice()
    {
        using ModelRouter router = TestModel.Router();
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 12 };

        ChatResponse first = await router.GetResponseAsync(TestModel.Prompt(), options);
        ChatResponse second = await router.GetResponseAsync(TestModel.Prompt(), options);

        first.Text.Should().NotBeEmpty().And.Be(second.Text);
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_answer_and_is_not_part_of_it()
    {
        using ModelRouter router = TestModel.Router();
        ChatResponse unstopped = await router.GetResponseAsync(TestModel.Prompt(), new ChatOptions { MaxOutputTokens = 16 });
        string text = unstopped.Text;
        int comma = text.IndexOf(',', StringComparison.Ordinal);
        comma.Should().BePositive("the test model's greedy answer to this prompt has a comma: \"{0}\"", text);

        ChatResponse stopped = await router.GetResponseAsync(TestModel.Prompt(), new ChatOptions { MaxOutputTokens = 16, StopSequences = [","] });

        stopped.Text.Should().Be(text[..comma]);
        stopped.FinishReason.Should().Be(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task Cancelling_mid_stream_stops_generation_at_once()
    {
        using ModelRouter router = TestModel.Router();
        using var cancellation = new CancellationTokenSource();
        int received = 0;
        var stopwatch = new Stopwatch();

        Func<Task> reading = async () =>
        {
            await foreach (ChatResponseUpdate update in router.GetStreamingResponseAsync(TestModel.Prompt(), new ChatOptions { MaxOutputTokens = 200 }, cancellation.Token))
            {
                received++;
                if (!stopwatch.IsRunning)
                {
                    stopwatch.Start();
                    cancellation.Cancel();
                }
            }
        };

        await reading.Should().ThrowAsync<OperationCanceledException>();
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        received.Should().BeLessThanOrEqualTo(3, "tokens are passed on as they are generated, so none are queued up when the caller cancels");
    }

    [Fact]
    public async Task A_request_cancelled_while_generating_throws_instead_of_returning_a_truncated_answer()
    {
        // Greedy decoding of this prompt runs to the end of the 2048-token context (seconds) without an end-of-text token.
        using ModelRouter router = TestModel.Router(backend => backend.ContextSize = 2048);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Func<Task> request = () => router.GetResponseAsync(TestModel.Prompt(), new ChatOptions { Temperature = 0, MaxOutputTokens = 100_000 }, cancellation.Token);

        await request.Should().ThrowAsync<OperationCanceledException>().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_answer_that_fills_the_context_ends_with_length_instead_of_failing()
    {
        using ModelRouter router = TestModel.Router(backend => backend.ContextSize = 64);

        ChatResponse response = await router.GetResponseAsync(TestModel.Prompt(), new ChatOptions { Temperature = 0, MaxOutputTokens = 1_000 });

        response.FinishReason.Should().Be(ChatFinishReason.Length);
        (response.Usage!.InputTokenCount + response.Usage.OutputTokenCount).Should().Be(63);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_rejected_naming_the_sizes()
    {
        using ModelRouter router = TestModel.Router(backend => backend.ContextSize = 32);

        Func<Task> request = () => router.GetResponseAsync(TestModel.Prompt(string.Join(' ', Enumerable.Repeat("Once upon a time there was a dog.", 10))));

        (await request.Should().ThrowAsync<BackendRequestException>())
            .Which.Message.Should().Contain("32-token context").And.Contain("ContextSize");
    }

    [Fact]
    public async Task Eight_concurrent_requests_all_complete()
    {
        using ModelRouter router = TestModel.Router();

        ChatResponse[] responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            router.GetResponseAsync(TestModel.Prompt(i % 2 == 0 ? "Once upon a time" : "Tom had a dog"), new ChatOptions { MaxOutputTokens = 6 })));

        responses.Should().HaveCount(8).And.OnlyContain(r => r.FinishReason != null && r.Text.Length > 0);
    }

    [Fact]
    public async Task Concurrent_requests_do_not_disturb_each_other()
    {
        using ModelRouter router = TestModel.Router();
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 10 };
        string alone = (await router.GetResponseAsync(TestModel.Prompt(), options)).Text;

        ChatResponse[] together = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => router.GetResponseAsync(TestModel.Prompt(), options)));

        together.Should().OnlyContain(r => r.Text == alone, "each request has its own context on the shared weights");
    }

    [Fact]
    public async Task A_model_that_ends_its_answer_before_any_text_fails_instead_of_answering_empty()
    {
        using ModelRouter router = TestModel.Router();
        // A large bias on the end-of-text token (id 2 in this vocabulary) makes it the first token generated.
        var options = new ChatOptions
        {
            RawRepresentationFactory = _ => new LLama.Common.InferenceParams
            {
                SamplingPipeline = new LLama.Sampling.DefaultSamplingPipeline { LogitBias = new Dictionary<LLama.Native.LLamaToken, float> { [2] = 100f } },
            },
        };

        Func<Task> request = () => router.GetResponseAsync(TestModel.Prompt(), options);

        (await request.Should().ThrowAsync<AllBackendsFailedException>())
            .Which.Message.Should().Contain("ended its answer before producing any text");
    }
}
