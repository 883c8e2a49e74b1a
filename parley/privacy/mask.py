"""Masking: what a member sees of personal data they have not revealed.

Each kind keeps just enough to recognise the value with the customer ("the card ending 1234"):
138****1234, 6222 **** **** 1234, 1101**********123X, z***@example.com. Masked text contains no
digit run a detector would find again, so masking twice changes nothing.
"""

from __future__ import annotations

from typing import Any

import phonenumbers

from parley.privacy.detect import Finding, PiiKind, digits_of, find_pii


def mask_cn_mobile(text: str) -> str:
    """The first three and last four digits of the national number: 138****1234 (with +86
    in front when it was written with a country code)."""
    digits = digits_of(text)
    national = digits[-11:]
    masked = f"{national[:3]}****{national[-4:]}"
    return f"+86 {masked}" if len(digits) > 11 else masked


def mask_phone(text: str) -> str:
    """The country code and the last four digits: +44 ******3456."""
    if text.startswith(("+", "00")):
        digits = digits_of(text)
        candidate = "+" + text[2:] if text.startswith("00") else text
        try:
            code = str(phonenumbers.parse(candidate, None).country_code)
        except phonenumbers.NumberParseException:
            code = ""
        rest = digits[len(code) + (2 if text.startswith("00") else 0) :]
        # Short plans (Tokelau's five digits) keep two, or the mask would be the number.
        keep = 4 if len(rest) >= 8 else 2
        return f"+{code} {'*' * (len(rest) - keep)}{rest[-keep:]}"
    # A Chinese landline keeps its area code: 010-****5678.
    area, _, number = text.partition("-")
    return f"{area}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"


def mask_email(text: str) -> str:
    local, _, domain = text.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_cn_id(text: str) -> str:
    value = text.replace(" ", "").upper()
    return f"{value[:4]}{'*' * 10}{value[-4:]}"


def mask_card(text: str) -> str:
    digits = digits_of(text)
    middle = len(digits) - 8
    groups = ["****"] * (middle // 4) + (["*" * (middle % 4)] if middle % 4 else [])
    return " ".join([digits[:4], *groups, digits[-4:]])


def mask_address(text: str) -> str:
    """The street stays (it says where, not who); house, building and room numbers go."""
    out = []
    for ch in text:
        out.append("*" if ch.isdigit() else ch)
    return "".join(out)


_MASKERS = {
    PiiKind.EMAIL: mask_email,
    PiiKind.CN_ID: mask_cn_id,
    PiiKind.BANK_CARD: mask_card,
    PiiKind.CN_MOBILE: mask_cn_mobile,
    PiiKind.PHONE: mask_phone,
    PiiKind.ADDRESS: mask_address,
}


def mask_finding(finding: Finding) -> str:
    return _MASKERS[finding.kind](finding.text)


def _mask_once(text: str, findings: list[Finding]) -> str:
    parts: list[str] = []
    last = 0
    for finding in findings:
        parts.append(text[last : finding.start])
        parts.append(mask_finding(finding))
        last = finding.end
    parts.append(text[last:])
    return "".join(parts)


def mask_text(text: str) -> str:
    """``text`` with every piece of personal data masked; the rest unchanged.

    Masked text is read again until nothing is found: where numbers touch, one reading can
    hide another ("+690 7290 1000 0000 0000 9" is a phone then a card, or the phone took the
    1000), and what one mask keeps could complete the other. Messages rarely hold any, so the
    usual cost is one pass."""
    for _ in range(4):
        findings = find_pii(text)
        if not findings:
            break
        text = _mask_once(text, findings)
    return text


def mask_data(value: Any) -> Any:
    """Every string inside a JSON value masked (a message's ``data``, a contact's
    attributes); other values as they are. Returns the value itself when nothing changed."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()} if value else value
    if isinstance(value, list):
        return [mask_data(v) for v in value] if value else value
    return value


def mask_field(value: str) -> str:
    """A field that is personal data as a whole (a contact's phone or ID number): masked as
    its kind if recognised, else all but the last four characters."""
    if not value:
        return value
    masked = mask_text(value)
    if masked != value:
        return masked
    keep = value[-4:] if len(value) > 6 else ""
    return "*" * (len(value) - len(keep)) + keep
