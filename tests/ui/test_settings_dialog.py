"""The settings dialog takes its ranges and choices from the settings declarations, and shows refusals."""

from __future__ import annotations

from assistant.settings import SETTING_DOCS, Settings, Theme, choices, int_range
from assistant.ui.settings_dialog import SettingsDialog


def test_spin_boxes_and_theme_follow_the_declarations() -> None:
    dialog = SettingsDialog(Settings(retention_days=None, unused_days=45), models=[("other-model", "Other")])
    spins = {
        "retention_days": dialog.retention,
        "concurrent_uploads": dialog.concurrency,
        "unused_days": dialog.unused,
        "max_tokens": dialog.max_tokens,
    }
    for name, spin in spins.items():
        declared = int_range(name)
        assert (spin.minimum(), spin.maximum()) == (declared.low, declared.high), name
    assert [dialog.theme.itemData(i) for i in range(dialog.theme.count())] == [
        t.value for t in choices("theme")
    ]
    assert dialog.concurrency.toolTip() == SETTING_DOCS["concurrent_uploads"]
    assert dialog.never.isChecked() and not dialog.retention.isEnabled()
    assert dialog.retention.value() == Settings().retention_days  # the default shown while "never"
    assert dialog.values() == Settings(retention_days=None, unused_days=45)


def test_values_as_entered_and_a_refusal_shown_inline() -> None:
    saved: list[Settings] = []
    dialog = SettingsDialog(Settings())
    dialog.saved.connect(saved.append)
    dialog.theme.setCurrentIndex(dialog.theme.findData(Theme.DARK.value))
    dialog.concurrency.setValue(int_range("concurrent_uploads").high)
    dialog.base_url.setText("http://example.com")
    dialog._save()
    assert saved == [] and not dialog.error.isHidden() and "http" in dialog.error.text()
    dialog.base_url.setText("https://example.com/")
    dialog._save()
    assert saved == [Settings(theme=Theme.DARK, concurrent_uploads=8, base_url="https://example.com")]
    assert dialog.error.isHidden()


def test_cache_ttl_cost_limit_and_pdfs_as_text() -> None:
    from assistant.settings import CacheTtl, PdfAsText

    dialog = SettingsDialog(Settings())
    names = [dialog.cache_ttl.itemText(i) for i in range(dialog.cache_ttl.count())]
    assert names == ["Automatic", "5 minutes", "1 hour"] and dialog.cache_ttl.currentData() == "auto"
    assert dialog.cost_limit.text() == "No limit" and dialog.values().cost_limit_usd is None
    dialog.cache_ttl.setCurrentIndex(dialog.cache_ttl.findData("1h"))
    dialog.cost_limit.setValue(0.25)
    dialog.pdf_as_text.setCurrentIndex(dialog.pdf_as_text.findData("always"))
    assert dialog.values() == Settings(
        cache_ttl=CacheTtl.ONE_HOUR, cost_limit_usd=0.25, pdf_as_text=PdfAsText.ALWAYS
    )
    assert "1 hour" in dialog.cache_ttl.toolTip()


def test_offline_the_cost_limit_shows_no_money_and_is_kept() -> None:
    """Offline nothing is charged: the cost-limit box says so, shows no "$", and keeps the limit."""
    dialog = SettingsDialog(Settings(cost_limit_usd=0.25), [], offline=True)
    box = dialog.cost_limit
    assert not box.isEnabled() and "$" not in box.text() and "$" not in box.prefix()
    assert "nothing is charged" in box.toolTip() and "$0.250" in box.toolTip()
    assert dialog.values().cost_limit_usd == 0.25
