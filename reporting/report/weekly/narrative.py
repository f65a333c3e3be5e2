"""The weekly report's sentences: changes with their tests, findings, drivers, targets, coverage gaps."""

from __future__ import annotations

from reporting.analysis.compare import Change
from reporting.analysis.drivers import MIN_RESPONSES
from reporting.analysis.insights import Finding, Recommendation
from reporting.analysis.measures import GOES_DOWN, Progress
from reporting.analysis.multiplicity import DEFAULT_Q, decide
from reporting.followup.measure_sheet import status_label, subject_name, value_text
from reporting.report.html.values import format_percent, signed_points, signed_score
from reporting.report.weekly.model import ReportModel
from reporting.vocab import label

TEST_LABELS = {"two-sample z": "test_two_sample_z", "two-proportion z": "test_two_proportion_z", "Welch t": "test_welch_t"}


HEADLINE_CHANGES = ("overall_satisfaction", "csat", "nps", "participation", "first_contact_resolution")


def coverage_gaps(model: ReportModel) -> list[str]:
    """One weakness line per service type (or key customers) whose coverage is below its target."""
    if model.coverage is None:
        return []
    below = model.coverage.loc[model.coverage["met"].eq(False)]
    return [
        label(
            "coverage_gap",
            subject=r["subject"],
            rate=format_percent(r["rate"]),
            done=r["followed_up"],
            served=r["served"],
            target=format_percent(r["target"]),
        )
        for r in below.to_dict("records")
    ]


def describe_drivers(model: ReportModel) -> str:
    """One sentence on what moves overall satisfaction, and where the weakest driver is."""
    analysis = model.drivers
    if analysis is None:
        return label("drivers_none", n=MIN_RESPONSES)
    top = analysis.drivers[0]
    return label(
        "drivers_sentence", name=label(top.field), share=top.share, low=top.low, high=top.high, r2=analysis.r_squared, n=analysis.n
    )


def describe_change(key: str, change: Change | None) -> str:
    """One sentence on a KPI's change: a rise or fall only when its corrected test passes (q ≤ the report's level).

    p < 0.05 without that is said to be exploratory (探索性), not a change.
    """
    name = label(key)
    if change is None:
        return label("change_none", name=name)
    if key == "nps":
        delta = f"{abs(change.delta):.1f} 分" if change.significant else f"{change.delta:+.1f} 分"
    elif key in ("csat", "participation", "valid_response", "first_contact_resolution"):
        delta = f"{abs(change.delta) * 100:.1f} 个百分点" if change.significant else signed_points(change.delta)
    else:
        delta = f"{abs(change.delta):.2f} 分" if change.significant else signed_score(change.delta)
    p, q = format_p(change.p), format_p(change.q)
    if change.exploratory:
        return label("change_exploratory", name=name, delta=delta, p=p, q=q)
    if not change.significant:
        return label("change_noise", name=name, delta=delta, p=p)
    test = label(TEST_LABELS[change.test])
    return label("change_up" if change.delta > 0 else "change_down", name=name, delta=delta, test=test, p=p, q=q)


def format_p(value: float | None) -> str:
    """A p or q value after its sign: ``< 0.001``, ``= 0.034``, or 无法计算 when the test could not run."""
    if value is None:
        return "无法计算"
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"


def describe_segment_test(finding: Finding, q_level: float) -> str:
    """How a service type's or an agent's difference from the rest stands after correction ("" when untested)."""
    extra = dict(finding.extra)
    if "q" not in extra:
        return ""
    word = decide(extra["p"], extra["q"], q_level)
    return label(f"finding_test_{word}", p=format_p(extra["p"]), q=format_p(extra["q"]))


def describe_finding(finding: Finding, strength: bool, q_level: float = DEFAULT_Q) -> str:
    """One sentence for a strength or weakness, with its numbers (and a segment's corrected test, where run)."""
    extra = dict(finding.extra)
    if finding.kind == "dimension":
        if not strength and "importance" in extra:
            return label("weakness_driver", name=label(finding.subject), mean=finding.value, n=finding.n, share=extra["importance"])
        key = "strength_dimension" if strength else "weakness_dimension"
        return label(key, name=label(finding.subject), mean=finding.value, n=finding.n)
    if finding.kind == "service":
        key = "strength_service" if strength else "weakness_service"
        return label(key, name=finding.subject, mean=finding.value, n=finding.n) + describe_segment_test(finding, q_level)
    if finding.kind == "problem":
        return label("weakness_problem", name=finding.subject, share=finding.value, count=int(extra["count"]), n=finding.n)
    sentence = label("weakness_agent", name=finding.subject, mean=finding.value, n=finding.n, gap=extra["gap"])
    return sentence + describe_segment_test(finding, q_level)


def describe_target(recommendation: Recommendation) -> str:
    """The measurable target of a recommendation, computed from its current value."""
    if recommendation.kind == "dimension":
        return label("rec_target_score", name=label(recommendation.subject), current=recommendation.current, target=recommendation.target)
    if recommendation.kind == "problem":
        return label("rec_target_share", name=recommendation.subject, current=recommendation.current, target=recommendation.target)
    return label("rec_target_agent", name=recommendation.subject, current=recommendation.current, target=recommendation.target)


def met_target(recommendation: Recommendation) -> str:
    """A tracked recommendation whose measure reached its target this period: 已达到目标 5.8%（本期 5.6%）."""
    return label(
        "rec_target_met",
        target=value_text(recommendation.kind, recommendation.target),
        current=value_text(recommendation.kind, recommendation.current),
    )


def measure_row(item: Progress) -> dict[str, str]:
    """One line of 改进措施跟踪: what, owner, baseline → now, the change with its corrected test, target, deadline, status."""
    measure, change = item.measure, item.change
    kind = measure.kind
    return {
        "id": measure.id,
        "subject": subject_name(kind, measure.subject),
        "owner": measure.owner,
        "baseline": value_text(kind, measure.baseline.value, measure.baseline.n),
        "first": measure.first_period.isoformat(),
        "current": value_text(kind, item.current.value, item.current.n) if item.current else "—",
        "change": measure_change(kind, change),
        "target": value_text(kind, measure.target),
        "deadline": measure.deadline.isoformat(),
        "days": days_text(item.days_left),
        "status": item.status,
        "status_text": status_label(item.status),
    }


def measure_change(kind: str, change: Change | None) -> str:
    """The change since the baseline with its word: 显著 only when its q passes, 探索性 when only p < 0.05."""
    if change is None:
        return label("measure_change_untested")
    delta = signed_points(change.delta) if kind in GOES_DOWN else signed_score(change.delta)
    return label(f"measure_change_{change.decision}", delta=delta, p=format_p(change.p), q=format_p(change.q))


def days_text(days_left: int) -> str:
    """剩余 N 天, 今日到期 or 逾期 N 天 (counted from the period's end)."""
    if days_left > 0:
        return label("measure_days_left", days=days_left)
    return label("measure_days_today") if days_left == 0 else label("measure_days_over", days=-days_left)
