using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Pai.SemanticKernel.Llm.Embedded.Tests.Fixtures;

namespace Pai.SemanticKernel.Llm.Embedded.Tests.Inference;

/// <summary>Prompt formatting: the model's chat template when llama.cpp can apply it, else the plain format.</summary>
public sealed class ChatTemplateTests : IDisposable
{
    private const string ChatMl =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_model_with_a_chat_template_formats_prompts_with_it()
    {
        string templated = _directory.File("stories-chatml.gguf");
        GgufRewriter.AddString(TestModel.Path, templated, "tokenizer.chat_template", ChatMl);
        using ModelRouter router = TestModel.Router(b => b.ModelPath = templated);

        ChatResponse response = await router.GetResponseAsync(TestModel.Prompt());
        LoadedModel model = await ModelStore.GetAsync(templated, NullLogger.Instance);

        response.Text.Should().NotBeEmpty();
        model.ChatTemplate.Should().NotBeNull();
        var history = new LLama.Common.ChatHistory();
        history.AddMessage(LLama.Common.AuthorRole.User, "hi");
        model.ChatTemplate!.HistoryToText(history).Should().Be("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    }

    [Fact]
    public async Task A_chat_template_llama_cpp_cannot_apply_falls_back_to_the_plain_format()
    {
        string odd = _directory.File("stories-odd-template.gguf");
        GgufRewriter.AddString(TestModel.Path, odd, "tokenizer.chat_template", "{{ this is not a template llama.cpp knows }}");
        using ModelRouter router = TestModel.Router(b => b.ModelPath = odd);

        ChatResponse response = await router.GetResponseAsync(TestModel.Prompt());
        LoadedModel model = await ModelStore.GetAsync(odd, NullLogger.Instance);

        response.Text.Should().NotBeEmpty();
        model.ChatTemplate.Should().BeNull();
    }

    [Fact]
    public async Task A_model_without_a_chat_template_uses_the_plain_format()
    {
        using ModelRouter router = TestModel.Router();

        ChatResponse response = await router.GetResponseAsync(TestModel.Prompt());
        LoadedModel model = await ModelStore.GetAsync(TestModel.Path, NullLogger.Instance);

        response.Text.Should().NotBeEmpty();
        model.ChatTemplate.Should().BeNull();
    }
}
