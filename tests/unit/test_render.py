"""Formatting helpers and escaping in the rendered fragments."""

from reporting.render import format_nps, format_percent, format_score, render_fragment


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

    from reporting.model import ProblemSection
    from reporting.quotes import Quote

    quote = Quote("R1", "售后维修", 1, "<script>alert('x')</script>太慢了")
    model = SimpleNamespace(problems=(ProblemSection("响应速度", 1, 1.0, (quote,)),), sample={"valid": 1})
    html = render_fragment("problems.html.j2", m=model).data
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;太慢了" in html
