"""Privacy redaction of other children's names for parents: pure rules, many cases."""

from __future__ import annotations

import pytest

from shared.domain.redaction import NamedChild, Redactor, initials, redactor_for, shown_children
from shared.domain.settings import OtherChildren

MIA = NamedChild("c-mia", "Mia", "Rose")
OLLIE = NamedChild("c-ollie", "Ollie", "Stone")
MIA_B = NamedChild("c-miab", "Mia", "Brown")
ZOE = NamedChild("c-zoe", "Zoë", "Ångström")


def redact(text: str, own: list[NamedChild], others: list[NamedChild], policy: OtherChildren) -> str:
    return Redactor(own, others, policy).text(text)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (OtherChildren.NAMES, "Ollie and Mia built a tower."),
        (OtherChildren.INITIALS, "Ollie and M. R. built a tower."),
        (OtherChildren.HIDDEN, "Ollie and a friend built a tower."),
    ],
)
def test_the_settings_policy_decides_how_another_child_appears_in_text(
    policy: OtherChildren, expected: str
) -> None:
    assert redact("Ollie and Mia Rose built a tower.", [OLLIE], [MIA], policy) == expected


def test_a_first_name_alone_is_replaced_too() -> None:
    text = "Mia passed the bricks to Ollie."
    assert redact(text, [OLLIE], [MIA], OtherChildren.INITIALS) == "M. R. passed the bricks to Ollie."


def test_the_full_name_is_replaced_before_the_first_name_so_no_surname_is_left_behind() -> None:
    assert redact("Mia Rose laughed", [OLLIE], [MIA], OtherChildren.HIDDEN) == "A friend laughed"
    assert "Rose" not in redact("Ollie hugged Mia Rose.", [OLLIE], [MIA], OtherChildren.INITIALS)


def test_matching_ignores_case_and_any_whitespace_inside_a_full_name() -> None:
    text = "MIA ROSE and mia\nrose and mIa"
    assert redact(text, [OLLIE], [MIA], OtherChildren.HIDDEN) == "A friend and a friend and a friend"


def test_only_whole_words_are_replaced() -> None:
    text = "Miami, Amia and Mias stay; Mia's coat goes."
    assert (
        redact(text, [OLLIE], [MIA], OtherChildren.HIDDEN)
        == "Miami, Amia and Mias stay; a friend's coat goes."
    )


def test_word_boundaries_are_unicode_aware() -> None:
    text = "Zoë and Zoëlle; Ångström's Zoë Ångström; éZoë"
    assert redact(text, [OLLIE], [ZOE], OtherChildren.INITIALS) == "Z. Å. and Zoëlle; Å.'s Z. Å.; éZoë"


def test_decomposed_accents_still_match_the_composed_name() -> None:
    decomposed = "Zoe\u0308 painted"
    assert redact(decomposed, [OLLIE], [ZOE], OtherChildren.HIDDEN) == "A friend painted"


def test_a_parents_own_child_keeps_their_name_everywhere() -> None:
    text = "Ollie Stone and Ollie and Mia"
    assert redact(text, [OLLIE], [MIA], OtherChildren.HIDDEN) == "Ollie Stone and Ollie and a friend"


def test_s24_when_first_names_collide_only_the_other_childs_full_name_is_replaced() -> None:
    # The parent's own child is Mia Rose; the other child is Mia Brown. "Mia" alone could be either,
    # so it stays (it may be the parent's own child); "Mia Brown" never reaches the parent.
    text = "Mia Rose and Mia Brown shared the paint. Mia chose blue."
    assert (
        redact(text, [MIA], [MIA_B], OtherChildren.HIDDEN)
        == "Mia Rose and a friend shared the paint. Mia chose blue."
    )


def test_a_childs_surname_that_is_another_childs_first_name_is_kept_inside_the_own_full_name() -> None:
    rose = NamedChild("c-rose", "Rose", "Hill")
    text = "Mia Rose danced with Rose."
    assert redact(text, [MIA], [rose], OtherChildren.HIDDEN) == "Mia Rose danced with a friend."


def test_two_other_children_with_one_first_name_are_not_given_the_wrong_initials() -> None:
    text = "Mia Rose, Mia Brown and Mia"
    assert redact(text, [OLLIE], [MIA, MIA_B], OtherChildren.INITIALS) == "M. R., M. B. and M."


def test_names_that_look_like_markup_are_only_text_and_match_literally() -> None:
    xss = NamedChild("c-x", "<script>alert(1)</script>", "O'Brien")
    text = "Ollie met <script>alert(1)</script> O'Brien today"
    assert redact(text, [OLLIE], [xss], OtherChildren.HIDDEN) == "Ollie met a friend today"
    assert initials(xss) == "<. O."


def test_regex_characters_in_names_are_not_patterns() -> None:
    odd = NamedChild("c-odd", "A.J.", "(Smith)")
    assert redact("ABJ and A.J. (Smith) played", [OLLIE], [odd], OtherChildren.HIDDEN).startswith("ABJ and")


def test_a_parent_with_no_other_children_in_view_gets_the_text_unchanged() -> None:
    assert redact("Ollie ran.", [OLLIE], [], OtherChildren.HIDDEN) == "Ollie ran."


def test_initials_of_a_child_without_a_surname_is_one_letter() -> None:
    assert initials(NamedChild("c", "ada", "")) == "A."


def test_the_children_list_names_own_children_in_full_and_hides_other_ids() -> None:
    shown = shown_children([OLLIE, MIA], {"c-ollie"}, OtherChildren.INITIALS)
    assert [(c.child_id, c.name, c.own) for c in shown] == [
        ("c-ollie", "Ollie Stone", True),
        (None, "M. R.", False),
    ]


def test_redactor_for_treats_siblings_linked_to_the_parent_as_their_own() -> None:
    redactor = redactor_for([OLLIE, MIA], {"c-ollie", "c-mia"}, OtherChildren.HIDDEN)
    assert redactor.text("Ollie and Mia Rose") == "Ollie and Mia Rose"
