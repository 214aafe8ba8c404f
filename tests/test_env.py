"""One reading of environment flags and choices, whatever their letter case."""
import pytest

from tilnlp import env
from tilnlp.errors import UserError
from tilnlp.exercises import strict
from tilnlp.presets import PresetError, active_preset
from tilnlp.sourcing.hub import hub_offline_requested


@pytest.mark.parametrize("value, on", [("1", True), ("true", True), ("TRUE", True), (" Yes ", True), ("on", True),
                                       ("0", False), ("false", False), ("", False), ("no", False), ("2", False)])
def test_flag(monkeypatch, value, on):
    monkeypatch.setenv("TILNLP_TEST_FLAG", value)
    assert env.flag("TILNLP_TEST_FLAG") is on


def test_unset_flag_is_off(monkeypatch):
    monkeypatch.delenv("TILNLP_TEST_FLAG", raising=False)
    assert env.flag("TILNLP_TEST_FLAG") is False


def test_choice(monkeypatch):
    monkeypatch.setenv("TILNLP_COLOUR", " Red ")
    assert env.choice("TILNLP_COLOUR", ("red", "blue")) == "red"
    monkeypatch.setenv("TILNLP_COLOUR", "green")
    with pytest.raises(UserError, match=r"unknown colour 'green' \(TILNLP_COLOUR\); choose one of: red, blue"):
        env.choice("TILNLP_COLOUR", ("red", "blue"))
    monkeypatch.setenv("TILNLP_COLOUR", "")
    assert env.choice("TILNLP_COLOUR", ("red", "blue")) is None


def test_every_course_flag_agrees_on_case(monkeypatch):
    """CI=TRUE selects the CI preset, and TILNLP_STRICT_EXERCISES=TRUE / HF_HUB_OFFLINE=TRUE count as on too."""
    monkeypatch.delenv("TILNLP_PRESET", raising=False)
    for name in ("CI", "TILNLP_STRICT_EXERCISES", "HF_HUB_OFFLINE"):
        monkeypatch.setenv(name, "TRUE")
    assert active_preset() == "ci" and strict() and hub_offline_requested()
    for name in ("CI", "TILNLP_STRICT_EXERCISES", "HF_HUB_OFFLINE"):
        monkeypatch.setenv(name, "False")
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    assert active_preset() == "full" and not strict() and not hub_offline_requested()


def test_preset_choice_in_any_case(monkeypatch):
    monkeypatch.setenv("TILNLP_PRESET", "CI")
    assert active_preset() == "ci"
    monkeypatch.setenv("TILNLP_PRESET", "huge")
    with pytest.raises(PresetError):
        active_preset()
