"""The second-verification list."""

import pandas as pd

from reporting.text.verify import second_verification


def test_reasons_are_collected_per_record():
    scores = [5.0] * 11 + [1.0]
    valid = pd.DataFrame(
        {
            "record_id": [f"R{i:02d}" for i in range(12)],
            "service_type": ["售后维修"] * 12,
            "visitor": ["KF001"] * 12,
            "overall_satisfaction": scores,
            "comment": ["很好"] * 11 + [None],
        }
    )
    contradiction = pd.Series([False] * 3 + [True] + [False] * 8)
    result = second_verification(valid, contradiction)
    assert result[["record_id", "reason"]].to_dict("records") == [
        {"record_id": "R03", "reason": "评分与评论矛盾"},
        {"record_id": "R11", "reason": "低分（1-2 分）未说明原因；与同一回访人的其他评分差异很大"},
    ]
