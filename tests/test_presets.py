import pytest

from tilnlp.presets import PresetError, active_preset, preset


def test_full_is_the_default_outside_ci(monkeypatch):
    monkeypatch.delenv("TILNLP_PRESET", raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert active_preset() == "full"
    assert preset(full=500, ci=48) == 500


def test_ci_true_selects_the_ci_sizes(monkeypatch):
    monkeypatch.delenv("TILNLP_PRESET", raising=False)
    monkeypatch.setenv("CI", "true")
    assert active_preset() == "ci"
    assert preset(full=500, ci=48) == 48


def test_explicit_preset_wins_over_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("TILNLP_PRESET", "full")
    assert preset(full=1000, ci=64) == 1000


def test_ci_value_falls_back_to_full(monkeypatch):
    monkeypatch.setenv("TILNLP_PRESET", "ci")
    assert preset(full=42) == 42


def test_unknown_preset_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TILNLP_PRESET", "huge")
    with pytest.raises(PresetError, match="unknown preset 'huge'"):
        active_preset()
