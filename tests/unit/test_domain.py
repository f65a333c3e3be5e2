"""The domain's fixed values and the editable vocabularies stay in step: a value the code compares against exists there."""

from __future__ import annotations

from reporting import domain
from reporting.config import VOCAB_DIR
from reporting.vocab import read_yaml


def test_the_canonical_values_are_the_ones_intake_maps_exports_onto():
    synonyms = read_yaml(VOCAB_DIR / "synonyms.yaml")
    statuses = (domain.VISIT_COMPLETED, domain.VISIT_REFUSED, domain.VISIT_UNREACHABLE, domain.VISIT_RESCHEDULED)
    assert set(statuses) == set(synonyms["status"])
    assert domain.YES in synonyms["yes_no"]


def test_the_tag_the_code_reads_is_one_the_tag_rules_set():
    assert domain.SUGGESTING_CUSTOMER in read_yaml(VOCAB_DIR / "tags.yaml")


def test_feedback_types_are_the_ones_the_tag_rules_may_name():
    header = (VOCAB_DIR / "tags.yaml").read_text(encoding="utf-8").splitlines()[3]
    assert header.split("feedback_type: ")[1].split()[0] == "|".join(domain.FEEDBACK_TYPES)
    assert domain.SENTIMENTS == (domain.POSITIVE, domain.NEUTRAL, domain.NEGATIVE)
