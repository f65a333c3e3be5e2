"""Sentiment, feedback type and contradictions."""

import pandas as pd

from reporting.text.sentiment import classify_feedback, load_lexicon, text_polarity


def test_polarity_is_negation_aware():
    lexicon = load_lexicon()
    assert text_polarity("师傅很专业，非常满意", lexicon) == (2, 0)
    assert text_polarity("很不满意，处理太慢", lexicon) == (0, 2)
    assert text_polarity("价格并不贵，速度也不慢", lexicon) == (0, 0)


def test_feedback_types_sentiment_and_contradictions():
    texts = pd.Series(
        [
            "客服态度很好，谢谢",
            "等了三天没人处理，太慢了",
            "希望增加晚上的服务",
            "请问怎么开发票",
            "还行吧",
            "太慢了，很失望",
            "非常满意，点赞",
        ]
    )
    ratings = pd.Series([5, 1, 4, 3, None, 5, 1])
    problems = pd.Series([False, True, False, False, False, True, False])
    result = classify_feedback(texts, ratings, problems)
    assert result["sentiment"].tolist() == ["正面", "负面", "正面", "中性", "中性", "负面", "正面"]
    assert result["feedback_type"].tolist() == ["表扬", "投诉", "建议", "咨询", None, "投诉", "表扬"]
    assert result["contradiction"].tolist() == [False, False, False, False, False, True, True]
