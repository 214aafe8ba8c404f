"""The resolver: which model each profile gives, and the line that announces a stand-in."""
import pytest

from tilnlp.errors import UserError
from tilnlp.sourcing import hub, models
from tilnlp.sourcing.models import (
    Course,
    ProfileError,
    UnknownModel,
    choose_source,
    encoder_dir,
    lookup,
    resolve,
    resolve_profile,
)


def test_profile_comes_from_argument_then_environment(monkeypatch):
    monkeypatch.setenv("TILNLP_PROFILE", "offline")
    assert resolve_profile() == "offline"
    assert resolve_profile("hub") == "hub"
    monkeypatch.delenv("TILNLP_PROFILE")
    assert resolve_profile() == "auto"


def test_unknown_profile_is_a_clear_error(monkeypatch):
    with pytest.raises(ProfileError, match="unknown profile 'cloud'"):
        resolve_profile("cloud")
    monkeypatch.setenv("TILNLP_PROFILE", "cloud")
    with pytest.raises(ProfileError, match=r"unknown profile 'cloud' \(TILNLP_PROFILE\)"):
        resolve_profile()


def test_profile_names_are_read_in_any_case(monkeypatch):
    monkeypatch.setenv("TILNLP_PROFILE", "Offline")
    assert resolve_profile() == "offline"
    assert resolve_profile("HUB") == "hub"


def test_aliases_and_unknown_names():
    assert lookup("sentiment").real_id == "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
    with pytest.raises(UnknownModel, match="unknown course model 'gpt5'"):
        lookup("gpt5")
    assert issubclass(UnknownModel, UserError)


def test_auto_falls_back_to_offline_without_hub_or_cache(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert not hub.hub_reachable()
    assert choose_source("auto", cached=False) == "offline"
    assert choose_source("auto", cached=True) == "hub"  # a local HF cache counts as the hub


def test_sources_of_a_run_say_offline_only_when_every_asset_is_a_standin(monkeypatch):
    """What ``tilnlp run`` records; the test suite reuses only "offline" runs (their outputs are the stored ones)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hub, "in_hf_cache", lambda real_id, cache_dir=None: False)
    monkeypatch.setattr(hub, "imdb_in_hf_cache", lambda cache_dir=None: False)
    assert models.sources("offline") == "offline"
    assert models.sources("auto") == "offline"   # CI: a plain `tilnlp run`, an offline flag, an empty cache
    assert models.sources("hub") == "hub"
    monkeypatch.setattr(hub, "in_hf_cache", lambda real_id, cache_dir=None: real_id == "roberta-base")
    assert models.sources("auto") == "mixed"     # one model from the cache, the rest stand-ins
    assert models.sources("offline") == "offline"
    monkeypatch.setattr(hub, "in_hf_cache", lambda real_id, cache_dir=None: True)
    monkeypatch.setattr(hub, "imdb_in_hf_cache", lambda cache_dir=None: True)
    assert models.sources("auto") == "hub"


def test_hub_profile_forced_while_offline_says_what_to_do(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ProfileError, match="--profile offline"):
        choose_source("hub", cached=False)


def test_hub_profile_uses_the_real_id_when_cached(monkeypatch):
    monkeypatch.setattr(hub, "in_hf_cache", lambda real_id, cache_dir=None: True)
    res = resolve("roberta-base", "hub")
    assert (res.source, res.path) == ("hub", "roberta-base")


def test_in_hf_cache_reads_a_real_cache_layout(tmp_path):
    snap = tmp_path / "models--gpt2" / "snapshots" / "abc123"
    snap.mkdir(parents=True)
    (snap / "config.json").write_text("{}")
    (tmp_path / "models--gpt2" / "refs").mkdir()
    (tmp_path / "models--gpt2" / "refs" / "main").write_text("abc123")
    assert not hub.in_hf_cache("gpt2", cache_dir=tmp_path)  # a download that broke off: no weights yet
    (snap / "model.safetensors").write_bytes(b"weights")
    assert not hub.in_hf_cache("gpt2", cache_dir=tmp_path)  # ... nor a tokenizer
    (snap / "tokenizer.json").write_text("{}")
    assert hub.in_hf_cache("gpt2", cache_dir=tmp_path)
    assert not hub.in_hf_cache("roberta-base", cache_dir=tmp_path)


def test_offline_encoders_are_the_packaged_minilm_with_a_bert_config():
    from transformers import AutoConfig

    for name in ("bert-base-uncased", "roberta-base"):
        res = resolve(name, "offline")
        assert res.source == "offline" and res.path == str(encoder_dir())
        config = AutoConfig.from_pretrained(res.path)
        assert (config.model_type, config.num_hidden_layers, config.hidden_size) == ("bert", 6, 384)
    assert "offline stand-in for bert-base-uncased" in resolve("bert-base-uncased", "offline").note


def test_offline_bert_loads_as_the_class_the_notes_use():
    from transformers import BertModel, BertTokenizerFast

    path = resolve("bert-base-uncased", "offline").path
    assert isinstance(BertModel.from_pretrained(path), BertModel)
    tokenizer = BertTokenizerFast.from_pretrained(path)
    assert tokenizer.tokenize("The King ruled") == ["the", "king", "ruled"]  # uncased WordPiece


def test_course_announces_each_standin_once(capsys):
    course = Course("offline")
    course.model("bert-base-uncased")
    course.model("bert-base-uncased")
    out = capsys.readouterr().out
    assert out.count("offline stand-in for bert-base-uncased") == 1
    assert out.startswith("[tilnlp] ")


def test_course_imdb_announces_the_standin(capsys):
    imdb = Course("offline").imdb()
    assert imdb["test"].num_rows == 1000
    assert "offline stand-in for the imdb data set" in capsys.readouterr().out


@pytest.mark.slow  # builds the stand-in if needed
def test_sentiment_standin_has_readable_labels():
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(resolve("sentiment", "offline").path)
    assert config.id2label == {0: "NEGATIVE", 1: "POSITIVE"}


@pytest.mark.slow  # builds the stand-in if needed
def test_gpt2_standin_is_a_pretrained_causal_language_model():
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(resolve("gpt2", "offline").path)
    assert config.model_type == "llama" and config.architectures == ["LlamaForCausalLM"]
    assert "SmolLM2-135M-Instruct" in resolve("gpt2", "offline").note


def test_hub_path_is_the_real_id_on_huggingface_co_and_the_downloaded_folder_through_a_mirror(monkeypatch, tmp_path):
    """From huggingface.co the notebooks get the id; through HF_ENDPOINT the folder of the files the mirror
    lists (from_pretrained of an id also asks for files a repository lacks, which olah answers with 401)."""
    import huggingface_hub

    asked = []

    def snapshot_download(repo_id, allow_patterns=None, endpoint=None):
        asked.append((repo_id, tuple(allow_patterns), endpoint))
        return str(tmp_path / repo_id)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    hub._mirror_snapshot.cache_clear()
    monkeypatch.setattr(hub, "in_hf_cache", lambda real_id, cache_dir=None: True)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert resolve("roberta-base", "hub").path == "roberta-base"
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9/")
    assert resolve("roberta-base", "hub").path == str(tmp_path / "roberta-base")
    assert resolve("roberta-base", "hub").path == str(tmp_path / "roberta-base")  # asked once per process
    assert asked == [("roberta-base", hub.HUB_FILES, "http://127.0.0.1:9")]
    hub._mirror_snapshot.cache_clear()
