"""Privacy redaction of other children's names for parents: pure rules, many cases."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.redaction import (
    NamedChild,
    NamedParent,
    Redactor,
    SettingNames,
    initials,
    redactor_for,
    shown_children,
)
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


# A whole setting, as S37 needs it: every child and parent, not only those tagged.
MIA_P = NamedChild("c-mia-p", "Mia", "Patel")
OLIVER = NamedChild("c-oliver", "Oliver", "Smith", preferred_name="Ollie")
AMELIA = NamedChild("c-amelia", "Amelia", "Smith")
AVA = NamedChild("c-ava", "Ava", "Smith")
HARRY = NamedChild("c-harry", "Harry", "Jones")
ZOE_K = NamedChild("c-zoe-k", "Zoë", "Kowalski")
LUKASZ = NamedChild("c-lukasz", "Łukasz", "Nowak")
WILL = NamedChild("c-will", "Will", "Brown")
MAY = NamedChild("c-may", "May", "Green")
SUMMER = NamedChild("c-summer", "Summer", "Hill")
GRACE = NamedChild("c-grace", "Grace", "Okafor")
ROSE = NamedChild("c-rose", "Rose", "Adeyemi")
BILL = NamedChild("c-bill", "Bill", "Turner")
CHILDREN = [MIA_P, OLIVER, AMELIA, AVA, HARRY, ZOE_K, LUKASZ, WILL, MAY, SUMMER, GRACE, ROSE, BILL]
PRIYA = NamedParent("p-priya", "Priya Patel", frozenset({"c-mia-p"}))
JANE = NamedParent("p-jane", "Jane Smith", frozenset({"c-oliver", "c-amelia", "c-ava"}))
TOMASZ = NamedParent("p-tomasz", "Tomasz Nowak", frozenset({"c-lukasz"}))
PARENTS = [PRIYA, JANE, TOMASZ]
SETTING = SettingNames(CHILDREN, PARENTS)
TOWER = "Mia and Oliver Smith built a tower. The Smith twins joined in, and Harry Jones knocked it down."


def as_mias_parent(text: str, policy: OtherChildren) -> str:
    return SETTING.for_reader({"c-mia-p"}, policy, reader_id="p-priya").text(text)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            OtherChildren.INITIALS,
            "Mia and O. S. built a tower. The S. twins joined in, and H. J. knocked it down.",
        ),
        (
            OtherChildren.HIDDEN,
            "Mia and a friend built a tower. The twins joined in, and a friend knocked it down.",
        ),
    ],
)
def test_s37_the_tower_observation_names_no_other_child_by_surname_or_untagged_full_name(
    policy: OtherChildren, expected: str
) -> None:
    shown = as_mias_parent(TOWER, policy)
    assert shown == expected
    assert "Smith" not in shown
    assert "Jones" not in shown


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (OtherChildren.INITIALS, "Love from a parent (O. S.'s mum)"),
        (OtherChildren.HIDDEN, "Love from a parent (a friend's mum)"),
    ],
)
def test_s37_a_parents_comment_never_names_another_familys_parent(
    policy: OtherChildren, expected: str
) -> None:
    assert as_mias_parent("Love from Jane Smith (Oliver's mum)", policy) == expected


@pytest.mark.parametrize(
    "text",
    ["Jane said hello.", "Thanks, Mrs Smith.", "J. Smith came.", "J Smith came.", "JANE SMITH came."],
)
def test_s37_another_familys_parent_is_a_parent_in_every_form(text: str) -> None:
    shown = as_mias_parent(text, OtherChildren.HIDDEN)
    assert "a parent" in shown.lower()
    assert "jane" not in shown.lower()
    assert "smith" not in shown.lower()


def test_s37_the_readers_own_family_keeps_its_names() -> None:
    text = "Priya Patel and Mia Patel came; the Patels waved. Mrs Patel smiled."
    assert as_mias_parent(text, OtherChildren.HIDDEN) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mia held Oliver's hand.", "Mia held a friend's hand."),
        ("Mia held Oliver\u2019s hand.", "Mia held a friend\u2019s hand."),
        ("The Smiths' car was late.", "The friends' car was late."),
        ("We waved to the Smiths.", "We waved to the friends."),
        ("Smith's tower fell.", "A friend's tower fell."),
    ],
)
def test_s37_possessives_and_plural_surnames_are_redacted(text: str, expected: str) -> None:
    assert as_mias_parent(text, OtherChildren.HIDDEN) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mia and Oliver\nSmith",
        "Mia and Oliver   Smith",
        "Mia and Oliver \r\n\t Smith",
        "Mia and O. Smith",
        "Mia and O Smith",
        "Mia and O.\nSmith",
        "Mia and oLiVeR sMiTh",
        "Mia and OLIVER SMITH",
        "Mia and Ollie Smith",
    ],
)
def test_s37_a_full_name_split_over_lines_in_any_case_or_as_initial_is_one_mention(text: str) -> None:
    assert as_mias_parent(text, OtherChildren.INITIALS) == "Mia and O. S."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë painted with Zoe and ZOE.", "A friend painted with a friend and a friend."),
        ("Zoe\u0308 Kowalski painted.", "A friend painted."),
        ("Łukasz, Lukasz and LUKASZ NOWAK ran.", "A friend, a friend and a friend ran."),
        ("Tomasz Nowak and Tomasz came.", "A parent and a parent came."),
    ],
)
def test_s37_names_match_with_or_without_diacritics(text: str, expected: str) -> None:
    assert as_mias_parent(text, OtherChildren.HIDDEN) == expected


def test_s37_a_surname_the_readers_own_child_shares_stays() -> None:
    # Oliver's parents read about his sister Amelia: a sibling, so their own child too.
    matcher = SETTING.for_reader({"c-oliver", "c-amelia"}, OtherChildren.HIDDEN, reader_id="p-jane")
    text = "The Smith twins joined Oliver Smith and Ava Smith. Ava laughed; Harry Jones left."
    assert (
        matcher.text(text)
        == "The Smith twins joined Oliver Smith and a friend. A friend laughed; a friend left."
    )


def test_s37_a_cousin_sharing_the_surname_keeps_it_but_not_the_other_childs_full_name() -> None:
    cousin = NamedChild("c-leo", "Leo", "Smith")
    names = SettingNames([cousin, OLIVER], [])
    text = "Leo Smith and Oliver Smith: the Smiths."
    assert (
        names.for_reader({"c-leo"}, OtherChildren.INITIALS).text(text) == "Leo Smith and O. S.: the Smiths."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Will built a den.", "A friend built a den."),
        ("We will go outside.", "We will go outside."),
        ("Will you help?", "Will you help?"),
        ("May painted.", "A friend painted."),
        ("In May we planted seeds.", "In May we planted seeds."),
        ("May I help? On 5 May we go, or May 12.", "May I help? On 5 May we go, or May 12."),
        ("May's painting dried.", "A friend's painting dried."),
        ("Summer splashed with Grace.", "A friend splashed with a friend."),
        ("Last Summer was hot; we said grace.", "Last Summer was hot; we said grace."),
        ("The rose bush and the Rose garden.", "The rose bush and the Rose garden."),
        ("Rose gave a rose to Bill.", "A friend gave a rose to a friend."),
        ("We paid the bill.", "We paid the bill."),
        (
            "A green ball rolled down the hill to Will Brown.",
            "A green ball rolled down the hill to a friend.",
        ),
        ("Will Brown came", "A friend came"),
        ("we will brown the onions", "we will brown the onions"),
        ("The Green twins and May Green.", "The twins and a friend."),
    ],
)
def test_s37_names_that_are_ordinary_words_are_redacted_only_where_they_stand_as_names(
    text: str, expected: str
) -> None:
    assert as_mias_parent(text, OtherChildren.HIDDEN) == expected


def test_s37_the_leavers_surname_leaves_kept_group_observations() -> None:
    # The leaver purge rewrites the text with the remaining children as "own".
    gone = NamedChild("c-gone", "Ivy", "Marsh")
    text = "Ivy Marsh and Mia Rose; the Marsh family; I. Marsh's coat; Marsh."
    assert Redactor([MIA], [gone], OtherChildren.HIDDEN).text(text) == (
        "A friend and Mia Rose; the family; a friend's coat; a friend."
    )


@pytest.mark.parametrize(
    ("text", "policy", "expected"),
    [
        ("The Smith twins waved.", OtherChildren.HIDDEN, "The twins waved."),
        ("The Smith twins waved.", OtherChildren.INITIALS, "The S. twins waved."),
        ("We met the Smiths.", OtherChildren.HIDDEN, "We met the friends."),
        (
            "the Smiths' dog and the Smith's hat",
            OtherChildren.HIDDEN,
            "the friends' dog and the friend's hat",
        ),
        ("Mia thanked the Smith.", OtherChildren.HIDDEN, "Mia thanked the friend."),
        ("Mia came, then Smith.", OtherChildren.HIDDEN, "Mia came, then a friend."),
        ("Mia bathed the\nSmith twins.", OtherChildren.HIDDEN, "Mia bathed the\ntwins."),
        ("Mia and Smith", OtherChildren.HIDDEN, "Mia and a friend"),
    ],
)
def test_s37_a_surname_alone_after_the_reads_naturally_and_names_nobody(
    text: str, policy: OtherChildren, expected: str
) -> None:
    shown = as_mias_parent(text, policy)
    assert shown == expected
    assert "smith" not in shown.lower()


def test_s37_initials_that_end_a_sentence_take_its_full_stop() -> None:
    shown = as_mias_parent("Build again with Harry Jones and Oliver. Then rest.", OtherChildren.INITIALS)
    assert shown == "Build again with H. J. and O. S. Then rest."


def test_s37_a_parents_surname_alone_after_the_reads_as_the_parents() -> None:
    names = SettingNames([MIA_P], [TOMASZ])
    matcher = names.for_reader({"c-mia-p"}, OtherChildren.HIDDEN)
    assert matcher.text("We thanked the Nowaks and the Nowak family.") == (
        "We thanked the parents and the family."
    )


def test_s37_the_readers_own_first_name_shared_with_a_parent_stays() -> None:
    # A child of the reader called Jane: "Jane" alone could be her, so it stays; the full name goes.
    jane_child = NamedChild("c-jane", "Jane", "Patel")
    names = SettingNames([jane_child, OLIVER], [JANE])
    matcher = names.for_reader({"c-jane"}, OtherChildren.HIDDEN)
    assert matcher.text("Jane and Jane Smith.") == "Jane and a parent."


def test_s37_staff_are_told_which_untagged_children_their_text_names() -> None:
    # "The Smith twins" may include Oliver, who is tagged, so only Harry is asked about.
    found = SETTING.untagged(TOWER, {"c-mia-p", "c-oliver"})
    assert [(c.child_id, c.full_name) for c in found] == [("c-harry", "Harry Jones")]


def test_s37_a_surname_alone_lists_every_untagged_child_it_may_be() -> None:
    found = SETTING.untagged("Mia played with the Smith twins.", {"c-mia-p"})
    assert [c.child_id for c in found] == ["c-oliver", "c-amelia", "c-ava"]


def test_s37_a_mention_that_may_be_a_tagged_child_is_not_reported() -> None:
    # "Smith" alone may be Oliver, who is tagged; parents' names are not children to tag.
    assert SETTING.untagged("The Smiths and Jane Smith came with Oliver.", {"c-oliver"}) == []


def test_s37_ordinary_words_in_staff_text_are_not_reported_as_children() -> None:
    found = SETTING.untagged("In May we will plant a rose. Will helped.", set())
    assert [c.child_id for c in found] == ["c-will"]


def test_s37_one_matcher_serves_many_texts_and_readers_alike() -> None:
    for_mia = SETTING.for_reader({"c-mia-p"}, OtherChildren.INITIALS)
    for_harry = SETTING.for_reader({"c-harry"}, OtherChildren.INITIALS)
    assert for_mia.text(TOWER) == for_mia.text(TOWER)
    assert (
        for_harry.text(TOWER)
        == "M. P. and O. S. built a tower. The S. twins joined in, and Harry Jones knocked it down."
    )
    assert for_mia.text("Harry") == "H. J."


# Property: whatever text is built from names and filler, no other child's or parent's name survives.
FIRST_NAMES = [
    "Oliver",
    "Amelia",
    "Zoë",
    "Łukasz",
    "Harry",
    "Noah",
    "Isla",
    "Aarav",
    "Freya",
    "Siobhán",
    "Chloé",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Kowalski",
    "Nowak",
    "Müller",
    "Ångström",
    "Okafor",
    "García",
    "O'Brien",
    "Nguyen",
]
FILLER = [
    "the",
    "built",
    "a",
    "tower",
    "and",
    "played",
    "with",
    "blocks",
    "outside",
    "then",
    "we",
    "sang",
    ",",
    ".",
]
SEPARATORS = [" ", "  ", "\n", "\t", " \r\n "]


def plain(name: str) -> str:
    """The name as a keyboard without accents writes it."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return stripped.replace("Ł", "L").replace("ł", "l")


@st.composite
def written_name(draw: st.DrawFn, first: str, last: str) -> str:
    sep = draw(st.sampled_from(SEPARATORS))
    form = draw(
        st.sampled_from([f"{first}{sep}{last}", first, last, f"{first[0]}.{sep}{last}", f"{first[0]} {last}"])
    )
    form = draw(
        st.sampled_from([form, form.upper(), form.lower(), plain(form), unicodedata.normalize("NFD", form)])
    )
    return form + draw(st.sampled_from(["", "'s", "\u2019s"]))


@st.composite
def setting_and_text(
    draw: st.DrawFn,
) -> tuple[SettingNames, NamedChild, list[NamedChild], list[NamedParent], str]:
    firsts = draw(st.lists(st.sampled_from(FIRST_NAMES), min_size=3, max_size=6, unique=True))
    lasts = draw(st.lists(st.sampled_from(SURNAMES), min_size=len(firsts), max_size=len(firsts), unique=True))
    children = [NamedChild(f"c{i}", f, s) for i, (f, s) in enumerate(zip(firsts, lasts, strict=True))]
    own, others = children[0], children[1:]
    # Each other child has a parent; their first names come from the pool the children did not use.
    spare = [f for f in FIRST_NAMES if f not in firsts]
    parents = [
        NamedParent(f"p{i}", f"{spare[i % len(spare)]} {c.last_name}", frozenset({c.child_id}))
        for i, c in enumerate(others)
    ]
    people = [(c.first_name, c.last_name) for c in others] + [tuple(p.name.split()) for p in parents]
    chunks = draw(
        st.lists(
            st.one_of(st.sampled_from(FILLER), st.sampled_from(people).flatmap(lambda n: written_name(*n))),
            max_size=25,
        )
    )
    return SettingNames(children, parents), own, others, parents, " ".join(chunks)


def keys_of(text: str) -> set[str]:
    found = set()
    for word in re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)*", unicodedata.normalize("NFC", text)):
        key = plain(word).casefold().replace("\u2019", "'")
        found |= {key, key.removesuffix("'s")}
    return found


@settings(max_examples=150, deadline=None)
@given(setting_and_text(), st.sampled_from(list(OtherChildren)))
def test_s37_no_other_childs_or_parents_name_survives_in_any_form(
    world: tuple[SettingNames, NamedChild, list[NamedChild], list[NamedParent], str], policy: OtherChildren
) -> None:
    names, own, others, parents, text = world
    shown = keys_of(names.for_reader({own.child_id}, policy).text(text))
    for child in others:
        assert plain(child.last_name).casefold() not in shown
        assert plain(child.first_name).casefold() not in shown
    for parent in parents:
        assert not {plain(part).casefold() for part in parent.name.split()} & shown


@settings(max_examples=100, deadline=None)
@given(setting_and_text())
def test_s37_the_readers_own_childs_names_always_survive(
    world: tuple[SettingNames, NamedChild, list[NamedChild], list[NamedParent], str],
) -> None:
    names, own, _, _, text = world
    text = f"{own.full_name} and {own.first_name}'s {text} {own.last_name}"
    shown = names.for_reader({own.child_id}, OtherChildren.HIDDEN).text(text)
    assert shown.startswith(f"{own.full_name} and {own.first_name}'s ")
    assert shown.endswith(f" {own.last_name}")


@settings(max_examples=100, deadline=None)
@given(setting_and_text())
def test_s37_staff_are_asked_about_every_untagged_child_their_text_names(
    world: tuple[SettingNames, NamedChild, list[NamedChild], list[NamedParent], str],
) -> None:
    names, own, others, _, text = world
    named = keys_of(text)
    asked = {c.child_id for c in names.untagged(text, {own.child_id})}
    for child in others:
        if plain(child.first_name).casefold() in named:
            assert child.child_id in asked


def test_s37_each_part_of_a_hyphenated_name_is_a_name_too() -> None:
    names = SettingNames([NamedChild("c-mj", "Mary-Jane", "Smith-Jones"), MIA], [])
    text = "Mary-Jane Smith-Jones, Mary-Jane, Mary, Jones and Smith-Jones's hat"
    assert (
        names.for_reader({"c-mia"}, OtherChildren.INITIALS).text(text)
        == "M. S., M. S., M. S., S. and S.'s hat"
    )


def test_s37_initials_as_a_first_name_are_one_mention_with_their_full_stops() -> None:
    names = SettingNames([NamedChild("c-aj", "A.J.", "O'Brien"), MIA], [])
    text = "A.J., A. O'Brien and O'Brien's coat. With A.J. Then A.J. and a cat."
    assert names.for_reader({"c-mia"}, OtherChildren.HIDDEN).text(text) == (
        "A friend, a friend and a friend's coat. With a friend. Then a friend and a cat."
    )


def test_s37_a_title_in_a_parents_name_is_not_a_name_and_a_title_before_it_goes_with_it() -> None:
    names = SettingNames([MIA], [NamedParent("p-anna", "Dr Anna Kaur", frozenset({"c-x"}))])
    matcher = names.for_reader({"c-mia"}, OtherChildren.HIDDEN)
    assert matcher.text("Dr. Kaur, Dr Anna Kaur and Anna came; the Dr said hi.") == (
        "A parent, a parent and a parent came; the Dr said hi."
    )


def test_s37_a_title_before_a_surname_of_several_parts_that_no_parent_has_stays_a_child() -> None:
    names = SettingNames([NamedChild("c-mj", "Mary", "Smith-Jones"), MIA], [])
    assert names.for_reader({"c-mia"}, OtherChildren.HIDDEN).text("Mrs Smith-Jones came.") == "A friend came."


def test_a_long_name_that_is_not_plain_letters_is_split_in_linear_time() -> None:
    odd = NamedChild("c-odd", "a" * 5000 + "1", "b" * 5000)
    assert SettingNames([odd, MIA], []).for_reader({"c-mia"}, OtherChildren.HIDDEN).text("Mia") == "Mia"


def test_s37_no_policy_shows_parents_another_childs_first_name() -> None:
    assert {p.value for p in OtherChildren} == {"initials", "hidden"}
    for policy in OtherChildren:
        assert "Mia" not in redact("Ollie and Mia Rose built a tower.", [OLLIE], [MIA], policy)
        assert "Mia" not in redact("Mia built a tower.", [OLLIE], [MIA], policy)


@pytest.mark.parametrize(
    ("stored", "read"),
    [("names", OtherChildren.INITIALS), ("initials", OtherChildren.INITIALS),
     ("hidden", OtherChildren.HIDDEN), ("everyone", OtherChildren.HIDDEN), (None, OtherChildren.HIDDEN)],
)  # fmt: skip
def test_s37_a_stored_retired_names_policy_reads_as_the_nearest_compliant_one(
    stored: object, read: OtherChildren
) -> None:
    assert OtherChildren.stored(stored) is read
