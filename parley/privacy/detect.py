"""Find personal data in free text: phone numbers, e-mail addresses, Chinese resident ID
numbers, bank card numbers and street addresses, in Chinese and English text alike.

Every pattern is compiled once at import; `find_pii` runs on every message a member reads, so
it starts with a cheap test (no digit and no "@" → nothing to find). Numbers are only reported
when they are valid (ID checksum and birth date, Luhn, phone-number plans), so an order number
is not mistaken for a card. Lookarounds test for digits, not ``\\w``: in Python
``\\w`` matches Chinese characters, and "手机13812345678" must still be found.

What is detected and what is not is listed in docs/security.md ("PII masking").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import phonenumbers


class PiiKind(StrEnum):
    EMAIL = "email"
    CN_ID = "cn_id"
    BANK_CARD = "bank_card"
    CN_MOBILE = "cn_mobile"
    PHONE = "phone"
    ADDRESS = "address"


@dataclass(frozen=True)
class Finding:
    kind: PiiKind
    start: int
    end: int
    text: str


_MAYBE_PII = re.compile(r"[0-9@]")

EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# 18 characters, optionally written 6-8-4 with spaces.
CN_ID = re.compile(r"(?<![0-9])\d{6} ?\d{8} ?\d{3}[0-9Xx](?![0-9])")
# Contiguous 13-19 digits, or groups of four (the last shorter), or 4-6-5 (American Express).
# Never after "+" and never starting with 0: those are phone numbers ("+8613812345678").
BANK_CARD = re.compile(
    r"(?<![0-9+])(?:[1-9]\d{12,18}|[1-9]\d{3}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?"
    r"|[1-9]\d{3}[ -]\d{6}[ -]\d{5})(?![0-9])"
)
CN_MOBILE = re.compile(r"(?<![0-9+])1[3-9]\d(?:[ -]?\d){8}(?![0-9])")
# With the country code it is looked for before other international numbers, and without it
# after them: "+49 1512 3456789" holds eleven digits that look like a mainland mobile.
CN_MOBILE_86 = re.compile(r"(?<![0-9])(?:\+|00)86[ -]?1[3-9]\d(?:[ -]?\d){8}(?![0-9])")
# International numbers need their "+" (or "00"): without it, any long number would be a
# candidate. Chinese landlines are recognised in their usual 0xx-xxxxxxxx form.
INTL_PHONE = re.compile(r"(?<![0-9])(?:\+|00)[1-9][0-9 \-().]{5,18}[0-9](?![0-9])")
CN_LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}-\d{7,8}(?![0-9])")
# A Chinese street address down to the house number: …路/街/道/巷/弄/胡同 + digits + 号, and what
# follows it (building, unit, room). An English one: a house number, capitalised words and a
# street type.
CN_ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{2,20}?(?:路|街|大道|巷|弄|胡同)\d{1,5}号(?:\d{1,5}(?:栋|幢|号楼|单元|楼|室))*"
)
EN_ADDRESS = re.compile(
    r"\b\d{1,5}(?: [A-Z][a-z]+){1,3} (?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd"
    r"|Drive|Dr|Court|Ct|Way|Place|Pl)\b\.?"
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def digits_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def cn_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2, as GB 11643 uses it."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_cn_id(text: str) -> bool:
    value = text.replace(" ", "").upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    return cn_id_check_char(value[:17]) == value[17]


def luhn_valid(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_valid_card(text: str) -> bool:
    number = digits_of(text)
    return 13 <= len(number) <= 19 and luhn_valid(number)


def is_valid_phone(text: str, region: str | None = None) -> bool:
    candidate = "+" + text[2:] if text.startswith("00") else text
    try:
        parsed = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed)


def _always(_: str) -> bool:
    return True


def _landline(text: str) -> bool:
    return is_valid_phone(text, "CN")


# In priority order: a span taken by an earlier kind is not looked at again.
_DETECTORS = (
    (PiiKind.EMAIL, EMAIL, _always),
    (PiiKind.CN_ID, CN_ID, is_valid_cn_id),
    (PiiKind.CN_MOBILE, CN_MOBILE_86, _always),
    (PiiKind.PHONE, INTL_PHONE, is_valid_phone),
    (PiiKind.BANK_CARD, BANK_CARD, is_valid_card),
    (PiiKind.CN_MOBILE, CN_MOBILE, _always),
    (PiiKind.PHONE, CN_LANDLINE, _landline),
    (PiiKind.ADDRESS, CN_ADDRESS, _always),
    (PiiKind.ADDRESS, EN_ADDRESS, _always),
)


_GROUP_END = re.compile(r"[0-9](?=[ \-().])")


def _spans(kind: PiiKind, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where in a match the value may end. A phone candidate is greedy ("+690 7290 13000000000"
    is one match): shorter readings, cut at a separator, are tried after the whole."""
    if kind != PiiKind.PHONE:
        return [(start, end)]
    cuts = [start + m.end() for m in _GROUP_END.finditer(text, start, end)]
    return [(start, end), *((start, cut) for cut in reversed(cuts))]


def find_pii(text: str) -> list[Finding]:
    """Every piece of personal data in ``text``, in order, none overlapping."""
    if not text or _MAYBE_PII.search(text) is None:
        return []
    found: list[Finding] = []
    for kind, pattern, valid in _DETECTORS:
        pos = 0
        while (match := pattern.search(text, pos)) is not None:
            # A refused candidate may hide a valid one starting inside it ("7290 1000 0000
            # 0000 9" after a phone took 7290): look again one character on.
            pos = match.start() + 1
            for start, end in _spans(kind, text, *match.span()):
                if any(start < f.end and f.start < end for f in found):
                    continue
                if valid(text[start:end]):
                    found.append(Finding(kind, start, end, text[start:end]))
                    pos = end
                    break
    return sorted(found, key=lambda f: f.start)


def contains_pii(text: str) -> bool:
    return bool(find_pii(text))
