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
