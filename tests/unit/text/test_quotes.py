"""Quote selection: focused, low-scored first, distinct, masked."""

import pandas as pd

from reporting.text.quotes import is_near_duplicate, select_quotes, trim_quote


def test_trim_quote():
    assert trim_quote("  很慢  很慢 ") == "很慢 很慢"
    assert trim_quote("一" * 100, limit=10) == "一" * 9 + "…"


def test_near_duplicates_are_detected_despite_different_openers():
    assert is_near_duplicate("说实话，在线排队等了42分钟才接通", ["这次体验不太好，在线排队等了53分钟才接通"])
    assert not is_near_duplicate("师傅态度很差", ["电话一直没人接"])


def test_select_quotes_orders_masks_and_skips_duplicates():
    records = pd.DataFrame(
        {
            "record_id": ["A", "B", "C", "D"],
            "service_type": ["售后维修"] * 4,
            "overall_satisfaction": [2.0, 1.0, 1.0, 3.0],
            "customer_name": ["张三丰", "李四", "王五", "赵六"],
            "comment": [
                "等了三天才上门，很慢",
                "我是李四，电话13812345678，一直没人接，太慢了",
                "我是王五，电话13812345678，一直没人接，太慢了！",
                "还行，就是慢",
            ],
        }
    )
    mask = pd.Series([True, True, True, True])
    focus = pd.Series([1, 1, 1, 2])
    quotes = select_quotes(records, mask, focus, limit=3)
    assert [(q.record_id, q.score, q.text) for q in quotes] == [
        ("B", 1, "我是李*，电话138****5678，一直没人接，太慢了"),
        ("A", 2, "等了三天才上门，很慢"),
        ("D", 3, "还行，就是慢"),
    ]
