"""Masking of names, phone numbers and personal data inside free text."""

import pytest

from reporting.intake.privacy import mask_name, mask_phone, mask_text


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("010-62345678", "010****5678"),
        ("0755-8123456", "075****3456"),
        ("", ""),
        (None, ""),
        ("12345", "*****"),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("王小明", "王**"), ("欧阳娜娜", "欧阳**"), ("李", "李*"), ("", ""), (None, "")]
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_text_masks_numbers_mail_and_known_names():
    text = "我叫王小明，有问题打我电话13812345678或 138 1234 5678，邮箱 wxm2024@example.com，身份证110101199003071234"
    masked = mask_text(text, names=("王小明",))
    assert masked == "我叫王**，有问题打我电话138****5678或 138****5678，邮箱 w***@example.com，身份证110101********1234"


def test_mask_text_leaves_ordinary_numbers():
    assert mask_text("等了3天，排队42分钟，订单号2026") == "等了3天，排队42分钟，订单号2026"
