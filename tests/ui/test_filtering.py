"""The picker's filter: substring first, then fuzzy; instant on 10,000 names."""

from __future__ import annotations

from irsa_tui.ui.filtering import FilterIndex, fuzzy_match

NAMES = [f"payments-api-{i:05d}-7d9f" if i % 2 else f"billing-worker-{i:05d}" for i in range(10_000)]


def test_substring_matches_are_case_insensitive_and_come_before_fuzzy_ones() -> None:
    index = FilterIndex(["Payments-API-1", "pxaxyxaxpxi", "billing-api", "zzz"])
    shown, total = index.search("API")
    # substring hits keep list order, then the letters-in-order hit; "zzz" matches neither way
    assert [index.keys[i] for i in shown] == ["payments-api-1", "billing-api", "pxaxyxaxpxi"]
    assert total == 3
    # "pai" is no substring of any name, so letters-in-order matches appear
    shown, _ = index.search("pai")
    assert [index.keys[i] for i in shown] == ["payments-api-1", "pxaxyxaxpxi"]


def test_all_terms_must_match() -> None:
    index = FilterIndex(["payments/api", "payments/worker", "billing/api"])
    assert index.filter("pay api") == [0]
    assert index.filter("api billing") == [2]


def test_empty_query_shows_everything_up_to_the_limit() -> None:
    index = FilterIndex(NAMES)
    shown, total = index.search("   ", limit=500)
    assert len(shown) == 500 and total == 10_000
    assert shown[:3] == [0, 1, 2]


def test_fuzzy_match() -> None:
    assert fuzzy_match("pdapi", "payments-deploy-api")
    assert not fuzzy_match("ipa", "payments-api")  # order matters
    assert fuzzy_match("", "anything")


def test_ten_thousand_names_filter_exactly() -> None:
    """Speed is measured by bench/filter_speed.py; here: the right rows, substring matches first."""
    index = FilterIndex(NAMES)
    shown, total = index.search("api-0999")
    expected_exact = [i for i, n in enumerate(NAMES) if "api-0999" in n]
    assert expected_exact == [9991, 9993, 9995, 9997, 9999]
    assert shown[: len(expected_exact)] == expected_exact
    assert total >= len(expected_exact)
    assert index.search("zzzz") == ([], 0)
