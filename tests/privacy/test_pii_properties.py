"""Property tests: every valid ID, card and phone generated is found and masked; numbers with
a broken checksum are not taken for IDs or cards; masking keeps only the digits it promises
and changes nothing when run twice."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.privacy.detect import PiiKind, digits_of, find_pii
from parley.privacy.mask import mask_text
from tests.privacy.strategies import (
    cards,
    cards_with_wrong_check,
    cn_ids,
    cn_ids_with_wrong_check,
    cn_mobiles,
    emails,
    fillers,
    international_phones,
)

PROPERTY = settings(max_examples=150, deadline=None)


def covering_kinds(text: str, start: int, end: int) -> set[PiiKind]:
    return {f.kind for f in find_pii(text) if f.start <= start and f.end >= end}


@PROPERTY
@given(before=fillers, value=cn_ids(), after=fillers)
def test_every_valid_resident_id_is_found(before: str, value: str, after: str) -> None:
    text = before + value + after
    assert PiiKind.CN_ID in covering_kinds(text, len(before), len(before) + len(value))


@PROPERTY
@given(value=cn_ids_with_wrong_check())
def test_a_resident_id_with_a_wrong_check_character_is_not_an_id(value: str) -> None:
    assert PiiKind.CN_ID not in {f.kind for f in find_pii(f"身份证 {value}")}


@PROPERTY
@given(before=fillers, value=cards(), after=fillers)
def test_every_luhn_valid_card_is_found(before: str, value: str, after: str) -> None:
    text = before + value + after
    kinds = covering_kinds(text, len(before), len(before) + len(value))
    # An 18-digit number can be a valid resident ID too; the ID reading wins, still masked.
    assert kinds & {PiiKind.BANK_CARD, PiiKind.CN_ID}


@PROPERTY
@given(value=cards_with_wrong_check())
def test_a_card_number_failing_luhn_is_not_a_card(value: str) -> None:
    assert PiiKind.BANK_CARD not in {f.kind for f in find_pii(f"card {value}")}


@PROPERTY
@given(before=fillers, value=cn_mobiles(), after=fillers)
def test_every_mainland_mobile_is_found(before: str, value: str, after: str) -> None:
    text = before + value + after
    assert PiiKind.CN_MOBILE in covering_kinds(text, len(before), len(before) + len(value))


@PROPERTY
@given(before=fillers, value=international_phones(), after=fillers)
def test_every_valid_international_number_is_found(before: str, value: str, after: str) -> None:
    text = before + value + after
    assert covering_kinds(text, len(before), len(before) + len(value)) & {
        PiiKind.PHONE,
        PiiKind.CN_MOBILE,
    }


@PROPERTY
@given(value=emails)
def test_every_email_address_is_found(value: str) -> None:
    text = f"邮箱：{value} 谢谢"
    assert PiiKind.EMAIL in covering_kinds(text, 3, 3 + len(value))


def kept_digit_count(value: str) -> int:
    """What each mask may show: mobile 3 + 4 (+ the 86), card and ID 4 + 4, a phone its
    country code + 4."""
    kinds = {f.kind for f in find_pii(value)}
    if PiiKind.CN_MOBILE in kinds:
        return 9 if len(digits_of(value)) > 11 else 7
    if PiiKind.PHONE in kinds:
        return 3 + 4
    return 8


@PROPERTY
@given(
    before=fillers,
    value=st.one_of(cn_ids(), cards(), cn_mobiles(), international_phones()),
    after=fillers,
)
def test_masking_keeps_no_more_digits_than_promised(before: str, value: str, after: str) -> None:
    masked = mask_text(before + value + after)
    assert len(digits_of(masked)) <= kept_digit_count(value)
    assert digits_of(value) not in digits_of(masked)


@PROPERTY
@given(value=emails)
def test_masking_an_email_keeps_its_first_letter_and_domain(value: str) -> None:
    local, _, domain = value.partition("@")
    assert mask_text(f"邮箱 {value}") == f"邮箱 {local[0]}***@{domain}"


@PROPERTY
@given(
    parts=st.lists(
        st.one_of(fillers, cn_ids(), cards(), cn_mobiles(), international_phones(), emails),
        max_size=6,
    )
)
def test_masking_twice_changes_nothing(parts: list[str]) -> None:
    once = mask_text(" ".join(parts))
    assert mask_text(once) == once
    assert find_pii(once) == []
