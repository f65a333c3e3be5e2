"""Formatting helpers and escaping in the rendered fragments."""

from reporting.report.html.fragments import render_fragment
from reporting.report.html.values import format_nps, format_percent, format_score


def test_formatters():
    assert format_percent(0.1234) == "12.3%"
    assert format_percent(None) == "—"
    assert format_score(3.456) == "3.46"
    assert format_nps(-23.41) == "-23.4"
    assert format_nps(5) == "+5.0"


def test_fragments_escape_customer_text():
    html = render_fragment("figure.html.j2", data="AAAA", alt="<script>alert(1)</script>").data
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_quotes_are_escaped_never_run():
    from types import SimpleNamespace

    from reporting.report.weekly.model import ProblemSection, ThemeSection
    from reporting.text.quotes import Quote
    from reporting.text.reading import TextCoverage

    quote = Quote("R1", "售后维修", 1, "<script>alert('x')</script>太慢了")
    theme = ThemeSection("<b>快递</b>·三天", ("<b>快递</b>",), 1, 0.5, (Quote("R2", "售后维修", 2, "<img src=x>没到"),), ("R2",))
    model = SimpleNamespace(
        problems=(ProblemSection("响应速度", 1, 1.0, (quote,)),),
        themes=(theme,),
        sample={"valid": 2},
        feedback_counts={"投诉": 2},
        tag_counts={},
        sentiment_counts={"负面": 2},
        verification=[],
    )
    counts = {"feedback_counts": [{"name": "投诉", "count": 2, "share": 1.0}], "sentiment_counts": []}
    html = render_fragment("problems.html.j2", m=model, verification=[], verify_shown=20, demands=[], **counts).data
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;太慢了" in html and "&lt;b&gt;快递&lt;/b&gt;·三天" in html
    opening = render_fragment("text_coverage.html.j2", m=model, coverage=TextCoverage(1, 1, 2), low_coverage=True).data
    assert "其中 1 条（50.0%）归入问题分类表" in opening and "覆盖率低于 80%" in opening


def test_change_sentences_call_rises_and_falls_only_when_significant():
    from reporting.analysis.compare import Change
    from reporting.report.weekly.narrative import describe_change

    fall = Change(-28.6, 0.0, -28.6, "two-sample z", -3.76, 0.00017, 234, 219, q=0.0012)
    noise = Change(0.786, 0.793, -0.007, "two-proportion z", -0.2, 0.844, 309, 280, q=0.844)
    rise = Change(4.1, 3.9, 0.2, "Welch t", 2.5, 0.013, 200, 190, q=0.052)
    exploratory = Change(4.1, 3.9, 0.2, "Welch t", 2.1, 0.036, 200, 190, q=0.144)
    assert describe_change("nps", fall) == "NPS较上期下降 28.6 分（双样本 z 检验，p < 0.001，校正后 q = 0.001），差异显著。"
    assert describe_change("participation", noise) == "参与率较上期变化 -0.7 个百分点（p = 0.844），差异在随机波动范围内，不视为升降。"
    assert (
        describe_change("overall_satisfaction", rise)
        == "整体满意度较上期上升 0.20 分（Welch t 检验，p = 0.013，校正后 q = 0.052），差异显著。"
    )
    assert describe_change("overall_satisfaction", exploratory) == (
        "整体满意度较上期变化 +0.20 分（p = 0.036，校正后 q = 0.144）："
        "探索性——单看 p 小于 0.05，但经多重检验校正后未达到显著水平，不视为升降。"
    )
    assert describe_change("csat", None) == "CSAT（4-5 分占比）：上期没有可比数据。"


def test_a_cache_folder_that_is_a_file_only_means_the_partials_are_compiled_again(tmp_path, monkeypatch):
    from jinja2 import DictLoader, Environment

    import reporting.report.html.fragments as fragments

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(fragments, "CACHE_DIR", blocked)
    env = Environment(loader=DictLoader({"part.html.j2": "共 {{ n }} 条"}), bytecode_cache=fragments._CompiledPartials())
    assert env.get_template("part.html.j2").render(n=3) == "共 3 条"
