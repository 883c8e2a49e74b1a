"""Hypothesis strategies for valid (and checksum-broken) personal data."""

from __future__ import annotations

from datetime import date, timedelta

import phonenumbers
from hypothesis import strategies as st

from parley.privacy.detect import cn_id_check_char, luhn_valid


def luhn_complete(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


@st.composite
def cn_ids(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-8][0-9]{5}", fullmatch=True))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date.today() - timedelta(days=1)))
    order = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = f"{region}{born:%Y%m%d}{order}"
    return first17 + cn_id_check_char(first17)


@st.composite
def cn_ids_with_wrong_check(draw: st.DrawFn) -> str:
    valid = draw(cn_ids())
    wrong = draw(st.sampled_from([c for c in "0123456789X" if c != valid[-1]]))
    return valid[:-1] + wrong


@st.composite
def card_digits(draw: st.DrawFn) -> str:
    length = draw(st.integers(min_value=13, max_value=19))
    body = draw(st.from_regex(rf"[1-9][0-9]{{{length - 2}}}", fullmatch=True))
    return luhn_complete(body)


@st.composite
def cards(draw: st.DrawFn) -> str:
    """A valid card as people write it: contiguous or in groups of four."""
    number = draw(card_digits())
    separator = draw(st.sampled_from(["", " ", "-"]))
    if not separator:
        return number
    return separator.join(number[i : i + 4] for i in range(0, len(number), 4))


@st.composite
def cards_with_wrong_check(draw: st.DrawFn) -> str:
    number = draw(card_digits())
    wrong = (int(number[-1]) + draw(st.integers(min_value=1, max_value=9))) % 10
    return number[:-1] + str(wrong)


@st.composite
def cn_mobiles(draw: st.DrawFn) -> str:
    number = draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086", "+86-"]))
    style = draw(st.sampled_from(["plain", "spaces", "dashes"]))
    if style == "spaces":
        number = f"{number[:3]} {number[3:7]} {number[7:]}"
    elif style == "dashes":
        number = f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return prefix + number


# Regions other than China (whose mobiles have their own detector), with an example number.
_REGIONS = sorted(
    r
    for r in phonenumbers.SUPPORTED_REGIONS
    if r != "CN" and phonenumbers.example_number_for_type(r, phonenumbers.PhoneNumberType.MOBILE)
)


@st.composite
def international_phones(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(_REGIONS))
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None
    style = draw(
        st.sampled_from(
            [phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL]
        )
    )
    return phonenumbers.format_number(example, style)


emails = st.from_regex(
    r"[a-z][a-z0-9._]{0,15}@[a-z][a-z0-9-]{0,10}\.(com|cn|org|com\.cn)", fullmatch=True
)

# Text around a value: Chinese or English words, never digits, "@" or "+" that would change
# what the value is.
fillers = st.text(
    alphabet=st.sampled_from(list("我的电话是号码请联系谢谢 please call me at, .!?：，。")),
    max_size=12,
)
