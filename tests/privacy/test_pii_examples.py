"""The masks as the issue names them, and what is left alone."""

from __future__ import annotations

import pytest

from parley.privacy.detect import PiiKind, find_pii, is_valid_cn_id
from parley.privacy.mask import mask_field, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我的手机是13812341234，谢谢", "我的手机是138****1234，谢谢"),
        ("call +86 138-1234-1234", "call +86 138****1234"),
        ("0086 138 1234 1234", "+86 138****1234"),
        ("卡号 6222 0212 3456 7894", "卡号 6222 **** **** 7894"),
        ("卡号6222021234567894。", "卡号6222 **** **** 7894。"),
        ("身份证11010519491231002X", "身份证1101**********002X"),
        ("write to zhang.san@example.com", "write to z***@example.com"),
        ("UK +44 7911 123456", "UK +44 ******3456"),
        ("US +1 (415) 555-2671", "US +1 ******2671"),
        ("座机 010-12345678", "座机 010-****5678"),
        ("寄到北京市朝阳区建国路88号2单元301室", "寄到北京市朝阳区建国路**号*单元***室"),
        ("I live at 221 Baker Street", "I live at *** Baker Street"),
    ],
)
def test_masks(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "订单 2024-01-15 编号 12345",
        "order 6222021234567890 is not a card (Luhn fails)",
        "11010519491231002 1",
        "版本 1.2.3，价格 ¥199.00",
        "",
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert mask_text(text) == text


def test_an_impossible_birth_date_is_not_an_id() -> None:
    # Checksum computed for 1990-02-30, a day that does not exist.
    assert not is_valid_cn_id("110101199002301234")
    assert all(f.kind != PiiKind.CN_ID for f in find_pii("110101199002301234"))


def test_a_field_that_is_not_recognised_is_masked_all_but_the_end() -> None:
    assert mask_field("A1234567") == "****4567"
    assert mask_field("13812341234") == "138****1234"
    assert mask_field("") == ""
