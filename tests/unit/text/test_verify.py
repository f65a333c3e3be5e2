"""The second-verification list."""

import pandas as pd

from reporting.text.verify import VERIFY_COLUMNS, second_verification


def test_reasons_are_collected_per_record_contradictions_first_names_masked():
    scores = [5.0] * 11 + [1.0]
    valid = pd.DataFrame(
        {
            "record_id": [f"R{i:02d}" for i in range(12)],
            "customer_id": [f"C{i:02d}" for i in range(12)],
            "customer_name": ["张三丰"] * 12,
            "service_type": ["售后维修"] * 12,
            "visitor": ["KF001"] * 12,
            "overall_satisfaction": scores,
            "comment": ["很好"] * 11 + [None],
        }
    )
    disagreements = pd.DataFrame({"position": [7, 3], "label": ["正面", "正面"], "text_negative": [0.93, 0.81]})
    result = second_verification(valid, disagreements)
    assert list(result.columns) == VERIFY_COLUMNS
    assert result[["record_id", "customer_id", "customer_name", "reason"]].to_dict("records") == [
        {"record_id": "R07", "customer_id": "C07", "customer_name": "张**", "reason": "评分与文字矛盾（评分正面，文字负面）"},
        {"record_id": "R03", "customer_id": "C03", "customer_name": "张**", "reason": "评分与文字矛盾（评分正面，文字负面）"},
        {
            "record_id": "R11",
            "customer_id": "C11",
            "customer_name": "张**",
            "reason": "低分（1-2 分）未说明原因；与同一回访人的其他评分差异很大",
        },
    ]
    assert result["text_negative"].iloc[:2].tolist() == [0.93, 0.81] and pd.isna(result["text_negative"].iloc[2])
