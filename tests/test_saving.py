"""The pages' one save helper: a save flashes its message, a stale save reloads the form with
the conflict said, any other refusal is shown in words; each forgets only its own widgets."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages import click, said_beside


def page(outcome: str) -> None:
    """A form with one text input saved through ``ui.saving.save``; ``outcome`` is what the
    write does: ``ok``, ``conflict`` or ``refused``; ``gone``: ok, and the button is not drawn
    again."""
    import streamlit as st

    from strategy.domain.errors import Conflict, ValidationError
    from ui import saving, session

    session.show_flash()
    if outcome != "kept":
        saving.emptied("form_name", "")
    st.text_input("Name", key="form_name")
    st.text_input("Other", key="other_name")
    st.markdown("a long page between the top and the form")
    if st.session_state.get("saved_once") and outcome == "gone":
        return
    if saving.button("Save"):
        st.session_state["saved_once"] = True
        with saving.save("form_") as saved:
            if outcome == "conflict":
                raise Conflict("roster: someone else changed the roster")
            if outcome == "refused":
                raise ValidationError("name: expected the person's name, got nothing")
            saved(f"Saved {st.session_state['form_name']}.")


def run(outcome: str) -> AppTest:
    at = AppTest.from_function(page, args=(outcome,), default_timeout=30).run()
    at.text_input(key="form_name").set_value("Ana")
    at.text_input(key="other_name").set_value("kept")
    return click(at, "Save")


def test_a_save_flashes_its_message_and_forgets_the_forms_widgets() -> None:
    at = run("ok")
    assert [s.value for s in at.success] == ["Saved Ana."]
    assert at.text_input(key="form_name").value == ""
    assert at.text_input(key="other_name").value == "kept"


def test_a_stale_save_reloads_the_form_and_says_so() -> None:
    at = run("conflict")
    assert [e.value for e in at.error] == [
        "roster: someone else changed the roster. The page now shows their version."
    ]
    assert at.text_input(key="form_name").value == ""
    assert not at.success


def test_a_refused_save_shows_the_reason_and_keeps_the_edits() -> None:
    at = run("refused")
    assert [e.value for e in at.error] == ["name: expected the person's name, got nothing"]
    assert at.text_input(key="form_name").value == "Ana"
    assert not at.success


@pytest.mark.parametrize(
    ("outcome", "said"),
    [
        ("ok", ["Saved Ana."]),
        (
            "conflict",
            ["roster: someone else changed the roster. The page now shows their version."],
        ),
        ("refused", ["name: expected the person's name, got nothing"]),
    ],
)
def test_what_a_save_said_shows_right_under_its_button(outcome: str, said: list[str]) -> None:
    at = run(outcome)
    assert said_beside(at, "Save") == said
    assert len([*at.success, *at.error]) == 1  # not at the page's top as well


def test_a_save_whose_button_is_gone_says_so_at_the_pages_top() -> None:
    at = run("gone")
    assert [s.value for s in at.success] == ["Saved Ana."]
    assert not at.button


@pytest.mark.parametrize(("outcome", "told"), [("ok", True), ("kept", False)])
def test_a_saved_forms_emptied_box_is_set_so_the_browser_empties_it_too(
    outcome: str, told: bool
) -> None:
    at = run(outcome)
    box = at.text_input(key="form_name")
    assert box.value == ""
    # only a value set by the page reaches the browser, which otherwise keeps what was typed
    assert box.proto.set_value is told
