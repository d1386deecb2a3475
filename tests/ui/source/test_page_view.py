"""A page is never rendered over ``MAX_PIXELS`` (issue 13, review item 9): an A0 page at 400 % on a 2x
screen was a 385 MB bitmap; a letter page at 100 % renders at its full zoom."""

from __future__ import annotations

from assistant.ui.source.page_view import MAX_PIXELS, Fit, FitMode

A0 = (2384.0, 3370.0)  # points
LETTER = (612.0, 792.0)


def test_a_huge_page_zoomed_in_stays_within_the_pixel_budget() -> None:
    fit = Fit(800, 600, FitMode.FACTOR, factor=4.0, dpr=2.0)
    scale = fit.scale(A0)
    assert A0[0] * scale * A0[1] * scale <= MAX_PIXELS * 1.001
    assert scale < 4.0 * 2.0  # it was rendered at the zoom's 8 px/pt


def test_a_letter_page_at_its_zoom_is_rendered_at_that_zoom() -> None:
    assert Fit(800, 600, FitMode.FACTOR, factor=1.0, dpr=2.0).scale(LETTER) == 2.0
