"""Settings and paths: one redirect for every folder, declared defaults, validation, no key in files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import (
    DEFAULT_BASE_URL,
    Paths,
    SettingError,
    Settings,
    Theme,
    validate_base_url,
)


def test_data_dir_redirects_every_folder(tmp_path: Path) -> None:
    p = Paths.resolve(tmp_path / "portable")
    for folder in (p.data, p.config, p.cache, p.logs):
        assert folder.is_relative_to(tmp_path / "portable")
    assert len({p.data, p.config, p.cache, p.logs}) == 4
    env = Paths.resolve(environ={"ASSISTANT_DATA_DIR": str(tmp_path / "env")})
    assert env.config.is_relative_to(tmp_path / "env")
    # the argument wins over the environment
    assert Paths.resolve(
        tmp_path / "arg", environ={"ASSISTANT_DATA_DIR": str(tmp_path / "env")}
    ).data.is_relative_to(tmp_path / "arg")
    p.ensure()
    assert p.catalog.parent.is_dir() and p.settings_file.parent.is_dir() and p.log_file.parent.is_dir()


def test_default_paths_come_from_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    p = Paths.resolve(environ={})
    assert p.data.is_relative_to(tmp_path / "xdg-data")
    assert p.config.is_relative_to(tmp_path / "xdg-config")


def test_defaults() -> None:
    s = Settings()
    assert s.retention_days == 30 and s.retention_seconds == 30 * 86400
    assert s.concurrent_uploads == 3
    assert s.base_url == DEFAULT_BASE_URL
    assert s.theme is Theme.SYSTEM
    assert Settings(retention_days=None).retention_seconds is None


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080", "http://localhost:9000/", "http://[::1]:1234", "https://proxy.example.com/v"],
)
def test_base_url_accepted(url: str) -> None:
    assert validate_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://api.example.com", "ftp://x", "not a url", "http://10.0.0.1"])
def test_base_url_refused(url: str) -> None:
    with pytest.raises(SettingError):
        validate_base_url(url)


@pytest.mark.parametrize(
    "changes",
    [
        {"retention_days": 0},
        {"retention_days": 91},
        {"concurrent_uploads": 0},
        {"theme": "pink"},
        {"default_model": " "},
        {"max_tokens": 128_001},
        {"unused_days": 0},
        {"unused_days": 3651},
    ],
)
def test_invalid_values_refused(changes: dict[str, object]) -> None:
    with pytest.raises(SettingError):
        Settings().replace(**changes)


def test_save_load_roundtrip_and_bad_values_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    s = Settings(retention_days=None, theme=Theme.DARK, concurrent_uploads=5)
    s.save(path)
    assert Settings.load(path) == s
    assert set(json.loads(path.read_text())) == set(Settings().to_json())
    path.write_text(json.dumps({"retention_days": 500, "theme": "light", "unknown": 1}))
    loaded = Settings.load(path)
    assert loaded.retention_days == 30 and loaded.theme is Theme.LIGHT
    path.write_text("{not json")
    assert Settings.load(path) == Settings()
    assert Settings.load(tmp_path / "missing.json") == Settings()


def test_ranges_are_declared_once_and_described() -> None:
    from assistant.settings import SETTING_DOCS, int_range

    r = int_range("retention_days")
    assert (r.low, r.high) == (1, 90) and f"({r.low}-{r.high})" in SETTING_DOCS["retention_days"]
    c = int_range("concurrent_uploads")
    assert f"({c.low}-{c.high})" in SETTING_DOCS["concurrent_uploads"]
    assert Settings(concurrent_uploads=c.high).concurrent_uploads == c.high
    with pytest.raises(TypeError):
        int_range("theme")
    with pytest.raises(KeyError):
        int_range("nothing")
