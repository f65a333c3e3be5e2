"""Masking of personal data (names, phone numbers, ID numbers, e-mail) for exports."""

from __future__ import annotations

import re

import pandas as pd

_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)")
_ID_CARD = re.compile(r"(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_phone(phone: object) -> str:
    """Mask a phone number the way the seeds do: ``13812345678`` → ``138****5678``.

    Args:
        phone: a phone number in any common spelling (spaces, dashes); missing → "".

    Returns:
        The masked number; anything with fewer than 7 digits is fully starred.
    """
    if phone is None or (isinstance(phone, float) and pd.isna(phone)):
        return ""
    digits = re.sub(r"\D", "", str(phone))
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name: object) -> str:
    """Mask a person's name: ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧阳**``.

    Args:
        name: a Chinese or Latin-script name; missing → "".

    Returns:
        The surname (first character, or two for common compound surnames) and stars.
    """
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return ""
    text = str(name).strip()
    if not text:
        return ""
    keep = 2 if text[:2] in _COMPOUND_SURNAMES and len(text) > 2 else 1
    return text[:keep] + "*" * max(1, len(text) - keep)


_COMPOUND_SURNAMES = frozenset({"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙"})


def mask_text(text: object, names: tuple[str, ...] = ()) -> str:
    """Mask personal data inside free text.

    Phone numbers, ID-card numbers and e-mail addresses are masked wherever they
    appear; each of ``names`` (e.g. the customer's own name) is replaced by its mask.

    Args:
        text: a customer comment or any free text; missing → "".
        names: names known to belong to the record, masked where they occur.

    Returns:
        The text with personal data masked.
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    masked = str(text)
    masked = _ID_CARD.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), masked)
    masked = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", masked)
    masked = _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", masked)
    masked = _EMAIL.sub(lambda m: f"{m.group(1)}***{m.group(2)}", masked)
    for name in names:
        if isinstance(name, str) and len(name.strip()) >= 2:
            masked = masked.replace(name.strip(), mask_name(name))
    return masked
