"""Every user-facing text key used in code and templates exists in labels/zh_CN.yaml."""

import re

from reporting.analysis.insights import SUB_DIMENSIONS
from reporting.analysis.measures import STATUSES
from reporting.analysis.metrics import DIMENSION_FIELDS
from reporting.config import PACKAGE_DIR, TEMPLATES_DIR
from reporting.report.params import THEME_METHODS
from reporting.report.weekly.drill import KINDS
from reporting.report.weekly.narrative import HEADLINE_CHANGES, TEST_LABELS
from reporting.vocab import labels

# label("key") / t("key"), not a method of that name (SQLAlchemy's column.label("n"))
KEY_PATTERNS = (re.compile(r"""(?<![.\w])label\(\s*["']([a-z0-9_]+)["']"""), re.compile(r"""(?<![.\w])t\(\s*["']([a-z0-9_]+)["']"""))


def used_keys() -> set[str]:
    files = [*PACKAGE_DIR.rglob("*.py"), *TEMPLATES_DIR.rglob("*.j2")]
    return {key for path in files for pattern in KEY_PATTERNS for key in pattern.findall(path.read_text(encoding="utf-8"))}


def test_every_used_key_exists():
    keys = used_keys()
    assert len(keys) > 40  # the scan really finds the keys
    assert keys - set(labels()) == set()


def test_dynamic_keys_exist():
    # keys looked up through variables: dimension fields and segment fields
    assert set(DIMENSION_FIELDS) | set(SUB_DIMENSIONS) | {"service_type", "visitor", "channel"} <= set(labels())
    assert set(TEST_LABELS.values()) | set(HEADLINE_CHANGES) <= set(labels())
    assert {f"methods_themes_{grouping}" for grouping in set(THEME_METHODS) - {"auto"}} <= set(labels())  # what auto chose
    assert {f"measure_status_{status}" for status in STATUSES} | {f"drill_kind_{kind}" for kind in KINDS} <= set(labels())


def test_a_key_given_twice_in_a_vocabulary_is_refused_naming_it(tmp_path):
    import pytest

    from reporting.errors import UserInputError
    from reporting.vocab import load_taxonomy

    path = tmp_path / "taxonomy.yaml"
    path.write_text("version: x\ntypes:\n  响应速度: {keywords: [慢]}\ntypes:\n  新类型: {keywords: [门禁卡]}\n", encoding="utf-8")
    with pytest.raises(UserInputError, match="第 4 行的 types 与前面的同名项重复"):
        load_taxonomy(path)


def test_new_types_pasted_under_subtypes_are_refused(tmp_path):
    import pytest

    from reporting.errors import UserInputError
    from reporting.vocab import load_taxonomy

    path = tmp_path / "taxonomy.yaml"
    path.write_text("version: x\ntypes:\n  响应速度: {keywords: [慢]}\nsubtypes:\n  门禁故障: {刷不开: [刷不开]}\n", encoding="utf-8")
    with pytest.raises(UserInputError, match="subtypes 下有 types 中没有的类型 门禁故障"):
        load_taxonomy(path)


def test_every_test_family_and_decision_has_its_words():
    families = {"period_change", "segment"}  # compare.change_tests and compare.segment_tests
    decisions = {"significant", "exploratory", "none", "untested"}  # multiplicity.decide
    assert {f"family_{f}" for f in families} | {f"decision_{d}" for d in decisions} | {f"finding_test_{d}" for d in decisions} <= set(
        labels()
    )
