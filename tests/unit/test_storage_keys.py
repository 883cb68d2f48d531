"""The stored key format (shared.storage.keys): rows already in storage must still be found.

Each expected key is written out in full, as it sits in a table, so a change to a builder that
would orphan existing rows fails here before it reaches storage.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from shared.storage import keys

AT = datetime(2024, 3, 5, 9, 30, 15, 250000, tzinfo=UTC)
AT_MS = 1709631015250


def test_the_table_names_are_the_ones_in_storage() -> None:
    assert keys.TABLES == (
        "settings", "accounts", "children", "observations", "journal",
        "comments", "moments", "exports", "audit", "rooms", "childdetails", "notifications",
        "profiles", "passkeys", "twoyearchecks", "assessments",
    )  # fmt: skip


def test_s23_passkey_rows_sit_in_the_setting_partition_under_the_user() -> None:
    assert keys.passkey_row("u1", "d" * 64) == "key~u1~" + "d" * 64
    assert keys.passkeys_of("u1") == "key~u1~"
    assert keys.spent_row("a" * 64) == "spent~" + "a" * 64
    assert keys.fresh_row("u1", "b" * 64) == "fresh~u1~" + "b" * 64


def test_s23_account_rows_are_keyed_under_the_user_in_the_setting_partition() -> None:
    digest = hashlib.sha256(b"ada@example.org").hexdigest()
    assert keys.account_row("u1") == "user~u1"
    assert keys.session_row("u1", "d" * 64) == "session~u1~" + "d" * 64
    assert keys.session_digest_of(keys.session_row("u1", "abc")) == "abc"
    assert keys.email_row("ada@example.org") == f"email~{digest}"
    assert keys.is_email_row(keys.email_row("ada@example.org"))
    assert keys.MANAGER_GUARD_ROW == "guard~managers"


def test_s26_an_accounts_upload_counter_is_keyed_under_the_user_by_utc_day() -> None:
    from datetime import date

    row = keys.uploads_row("u1", date(2026, 11, 28))
    assert row == "user~u1~uploads~20261128"
    assert row.startswith(keys.account_row("u1") + "~") and not keys.is_session_row(row)


def test_a_link_is_keyed_both_under_the_parent_and_under_the_child() -> None:
    assert keys.link_rows("p1", "c1") == ("user~p1~child~c1", "link~c1~p1")
    assert keys.children_of("p1") == "user~p1~child~"
    assert keys.parents_of("c1") == "link~c1~"


def test_a_prefix_range_holds_exactly_the_keys_that_continue_the_prefix() -> None:
    low, high = keys.prefix_bounds(keys.owned_by("u1"))
    inside = [keys.parent_link_row("u1", "c9")]
    outside = [keys.account_row("u1"), keys.account_row("u10"), keys.session_row("u1", "0"), "user~u2"]
    assert all(low < key < high for key in inside)
    assert not any(low < key < high for key in outside)


def test_the_session_check_range_holds_the_account_and_its_links_but_no_session() -> None:
    user, other = "u" + "a" * 20, "u" + "b" * 20
    low, high = keys.account_and_links(user)
    inside = [keys.account_row(user), keys.parent_link_row(user, "c9")]
    outside = [keys.session_row(user, "f" * 64), keys.account_row(other), keys.parent_link_row(other, "c1")]
    assert all(low <= key < high for key in inside)
    assert not any(low <= key < high for key in outside)


def test_the_setting_accounts_range_never_holds_a_session_an_index_row_or_a_probe() -> None:
    low, high = keys.prefix_bounds(keys.every_account())
    assert low < keys.account_row("u1") < high and low < keys.parent_link_row("u1", "c1") < high
    outside = [keys.session_row("u1", "0"), keys.email_row("a@b.example"), keys.probe_row("d"),
               keys.child_link_row("c1", "u1"), keys.MANAGER_GUARD_ROW]  # fmt: skip
    assert not any(low < key < high for key in outside)


def test_the_range_filter_is_parameterised_and_space_delimited() -> None:
    filter, parameters = keys.rows_under("s1", keys.PHOTO_ROWS)
    assert filter == "PartitionKey eq @pk and RowKey gt @from and RowKey lt @to"
    assert parameters == {"pk": "s1", "from": "photo~", "to": "photo~~"}


def test_photo_rows_sort_above_every_observation_id() -> None:
    assert keys.photo_row("p1") == "photo~p1"
    assert keys.photo_id_of("photo~p1") == "p1"
    assert all(observation < keys.PHOTO_ROWS for observation in ("0" * 32, "f" * 32, "moment-" + "f" * 32))


def test_a_rooms_copies_of_its_children_sort_above_every_child_and_the_names_book() -> None:
    assert keys.room_copy_row("r0123456789abcdef", "c" + "0" * 20) == "room~r0123456789abcdef~c" + "0" * 20
    low, high = keys.prefix_bounds(keys.children_of_room("r0123456789abcdef"))
    assert low < keys.room_copy_row("r0123456789abcdef", "c" + "f" * 20) < high
    assert not low < keys.room_copy_row("r0123456789abcdeg", "c" + "0" * 20) < high  # another room
    # The setting's children are the rows below the copies: every child id and the book.
    assert all(row < keys.ROOM_COPIES for row in ("c" + "0" * 20, "c" + "f" * 20, keys.NAMES_BOOK_ROW))


def test_observation_index_rows_sort_above_the_photos_newest_change_first() -> None:
    assert keys.status_row("submitted", AT, "o1") == f"status~submitted~{10**13 - AT_MS:013d}~o1"
    assert keys.author_row("u1", "draft", AT, "o1") == f"written~u1~draft~{10**13 - AT_MS:013d}~o1"
    assert keys.with_row("c1", "o1") == "with~c1~o1"
    assert keys.OBSERVATIONS_INDEXED == "~indexed"
    later = AT.replace(hour=10)
    assert keys.status_row("submitted", later, "o1") < keys.status_row("submitted", AT, "o1")
    every = (
        keys.status_row("draft", AT, "o"),
        keys.author_row("u", "draft", AT, "o"),
        keys.with_row("c", "o"),
    )
    assert all(row > keys.PHOTO_ROWS + "~" for row in (*every, keys.OBSERVATIONS_INDEXED))
    assert not any(map(keys.is_observation_row, (*every, keys.photo_row("p1")))) and keys.is_observation_row(
        "o1"
    )


def test_journal_rows_list_the_latest_day_first() -> None:
    assert keys.journal_partition("s1", "c1") == "s1~c1"
    assert keys.journal_row(date(2024, 3, 5), "o1") == f"{99999999 - 20240305:08d}~o1"
    assert keys.journal_row(date(2024, 3, 6), "o1") < keys.journal_row(date(2024, 3, 5), "o1")


def test_comments_are_oldest_first_and_moments_and_audit_newest_first() -> None:
    assert keys.comment_row(AT, "k1") == f"{AT_MS:015d}~k1"
    assert keys.moment_row(AT, "m1") == f"{10**13 - AT_MS:013d}~m1"
    assert keys.audit_row(AT, "abcd1234") == f"{10**13 - AT_MS:013d}~abcd1234"
    assert keys.audit_partition("s1", 2024, 3) == "s1~2024-03"
    assert keys.comments_partition("s1", "o1") == keys.moments_partition("s1", "o1") == "s1~o1"
    assert keys.split_partition("s1~o1") == ("s1", "o1")


def test_an_audit_time_range_is_a_row_key_range() -> None:
    newest, oldest = keys.audit_rows_between(since=AT, until=datetime(2024, 3, 6, tzinfo=UTC))
    assert newest < keys.audit_row(AT, "ffffffff") < oldest
    assert keys.audit_row(datetime(2024, 3, 6, tzinfo=UTC), "00000000") < newest


def test_settings_and_exports_rows() -> None:
    assert keys.SETTING_ROW == "setting"
    assert keys.requester_row("u1") == "requester~u1"
    assert keys.export_row("e1") == "e1"


def test_s23_room_rows_live_in_the_setting_partition_keyed_by_kind() -> None:
    assert keys.room_row("r1") == "room~r1"
    assert keys.place_row("c1") == "place~c1"
    assert keys.member_row("r1", "c1") == "member~r1~c1"
    assert keys.members_of("r1") == "member~r1~"
    assert keys.stay_row("c1", 7) == "stay~c1~00007"
    assert keys.staff_room_row("u1", "r1") == "staff~u1~r1"
    assert keys.crew_row("r1", "u1") == "crew~r1~u1"
    assert keys.details_row("c1") == "child~c1"
    assert keys.TRACKER_POLICY_ROW == "policy"


def test_notification_rows_share_the_setting_partition_and_sort_events_oldest_first() -> None:
    assert keys.preference_row("u1") == "pref~u1"
    assert keys.event_row(AT, "ab12cd34") == f"event~{AT_MS:015d}~ab12cd34"
    assert keys.events_from(AT) == f"event~{AT_MS:015d}"
    assert keys.mail_row("daily-2026-03-29", "u1") == "mail~daily-2026-03-29~u1"
    assert keys.mails_of("daily-2026-03-29") == "mail~daily-2026-03-29~"


def test_s23_a_childs_two_year_check_is_one_row_in_the_settings_partition() -> None:
    assert keys.TWO_YEAR_CHECKS == "twoyearchecks"
    assert keys.two_year_check_row("c1") == "c1"


def test_s23_a_childs_eyfs_profile_is_one_row_in_the_settings_partition() -> None:
    assert keys.PROFILES == "profiles"
    assert keys.profile_row("c1") == "c1"


def test_s23_a_childs_judgements_at_a_point_are_one_range_of_the_points_partition() -> None:
    assert keys.ASSESSMENTS == "assessments"
    assert keys.ASSESSMENT_PLAN_ROW == "plan"
    assert keys.point_partition("s1", "autumn-2026") == "s1~autumn-2026"
    assert keys.assessment_row("c1") == "c1~"
    assert keys.judgement_row("c1", "speaking") == "c1~speaking"
    low, high = keys.assessment_rows("c1")
    assert (low, high) == ("c1~", "c1~~")
    # The record and every judgement fall inside; a child whose id continues "c1" does not.
    assert low <= keys.judgement_row("c1", "writing") < high
    assert not low <= keys.judgement_row("c10", "writing") < high
    assert keys.aspect_of("c1~speaking") == "speaking" and keys.aspect_of("c1~") is None


def test_the_session_check_range_puts_its_rowkey_bounds_before_the_partition() -> None:
    """Azure answers either order as the same range; Azurite evaluates the filter left to right
    on every entity of the table, so bounds no other account shares must come first."""
    user = "u" + "a" * 20
    query, parameters = keys.account_and_links_range("s1", user)
    assert query.index("RowKey ge @from") < query.index("RowKey lt @to") < query.index("PartitionKey eq @pk")
    assert (parameters["from"], parameters["to"]) == keys.account_and_links(user)
    assert parameters["pk"] == "s1"
