"""The weekly report's model: every number the report shows, as frozen dataclasses, formatted at render time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from reporting.alerts.attention import AttentionItem
from reporting.alerts.model import Alert
from reporting.analysis.compare import Change
from reporting.analysis.drivers import DriverAnalysis
from reporting.analysis.insights import Finding, Recommendation
from reporting.analysis.measures import Measure, Progress, Reading
from reporting.analysis.metrics import (
    Interval,
    NpsResult,
    Rate,
)
from reporting.analysis.multiplicity import DEFAULT_Q, HypothesisTest
from reporting.followup.progress import FollowupKpis
from reporting.intake.clean import FileLedger
from reporting.text.keywords import Keyword
from reporting.text.quotes import Quote
from reporting.text.reading import TextCoverage


@dataclass(frozen=True)
class Ledger:
    """Where the rows went.

    Per file (``files``): ``read = imported + duplicates + rejected``. Of the records
    imported: ``imported = analysed + outside_period + other_slices + not_pulled`` —
    outside rows feed the trend or belong to other periods; ``not_pulled`` counts, for a
    store, the stored records of these imports that the report's queries did not need.
    """

    files: tuple[FileLedger, ...]
    analysed: int
    outside_period: int
    other_slices: int = 0
    not_pulled: int = 0

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def controls_removed(self) -> int:
        return sum(f.controls_removed for f in self.files)

    @property
    def outside_window(self) -> int:
        return sum(f.outside_window for f in self.files)

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for ledger in self.files:
            for reason, count in ledger.rejected_by_reason.items():
                totals[reason] = totals.get(reason, 0) + count
        return dict(sorted(totals.items()))


@dataclass(frozen=True)
class ProblemSection:
    """One problem type: how often it was mentioned, its causes, its trend and customers' words.

    Attributes:
        causes: second-level labels ``(cause, count, share of this type's mentions)``.
        trend: ``(period start, share of valid responses)`` over recent periods (TOP-3 only).
    """

    type: str
    count: int
    share: float
    quotes: tuple[Quote, ...]
    causes: tuple[tuple[str, int, float], ...] = ()
    trend: tuple[tuple[date, float], ...] = ()


@dataclass(frozen=True)
class ThemeSection:
    """A theme discovered among the complaints no problem type matched.

    Attributes:
        share: of valid responses, like a problem type's.
        record_ids: the records it holds.
    """

    name: str
    keywords: tuple[str, ...]
    count: int
    share: float
    quotes: tuple[Quote, ...]
    record_ids: tuple[str, ...]


@dataclass(frozen=True)
class TextMethod:
    """How the comments were read: sentiment ``stacked`` (the prior and the ratings) or ``prior``, on how many rated
    examples; themes grouped by ``words`` or by ``embeddings``."""

    method: str
    examples: int
    themes: str = "words"


@dataclass(frozen=True)
class ReportModel:
    """Everything the weekly report shows, as raw numbers and records."""

    period_start: date
    period_end: date
    ledger: Ledger
    sample: dict[str, int]
    participation: Rate
    valid_response: Rate
    satisfaction: Interval
    csat: Interval
    nps: NpsResult
    dimensions: dict[str, Interval]
    bands: dict[str, float]
    fcr: Rate
    solution_acceptance: Rate
    by_service: pd.DataFrame
    by_agent: pd.DataFrame
    score_distribution: pd.DataFrame
    problems: tuple[ProblemSection, ...]
    strengths: tuple[Finding, ...]
    weaknesses: tuple[Finding, ...]
    recommendations: tuple[Recommendation, ...]
    trend: pd.DataFrame
    taxonomy_version: str
    min_segment_n: int
    rejects: pd.DataFrame = field(repr=False)
    slice_label: str = ""
    previous_start: date | None = None
    previous_end: date | None = None
    changes: dict[str, Change | None] = field(default_factory=dict)
    drivers: DriverAnalysis | None = None
    sentiment_counts: dict[str, int] = field(default_factory=dict)
    feedback_counts: dict[str, int] = field(default_factory=dict)
    verification: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    timeliness: Rate = Rate(0, 0)
    late: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    by_channel: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    keywords: tuple[tuple[Keyword, ...], tuple[Keyword, ...]] | None = None
    demands: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    tag_counts: dict[str, int] = field(default_factory=dict)
    praise: tuple[Quote, ...] = ()
    record_sheet: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    plan: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    followup: FollowupKpis | None = None
    coverage: pd.DataFrame | None = field(default=None, repr=False)
    themes: tuple[ThemeSection, ...] = ()
    text_coverage: TextCoverage = TextCoverage(0, 0, 0)
    text_method: TextMethod = TextMethod("prior", 0)
    top_problems: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    taxonomy_suggestions: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    fdr_q: float = DEFAULT_Q
    tests: tuple[HypothesisTest, ...] = ()
    attention: tuple[AttentionItem, ...] = ()
    problem_history: dict[str, tuple[tuple[date, float], ...]] = field(default_factory=dict)
    alerts: tuple[Alert, ...] = ()
    readings: dict[str, Reading] = field(default_factory=dict, repr=False)
    measures: tuple[Progress, ...] = ()
    proposed: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class PeriodRecords:
    """The records a report period is computed from.

    Attributes:
        records: the period's follow-ups, in visit-time order.
        valid: the period's valid responses.
        previous: the period of equal length before it, for the comparisons.
    """

    records: pd.DataFrame
    valid: pd.DataFrame
    previous: pd.DataFrame
    start: date
    end: date
    previous_start: date
    previous_end: date
