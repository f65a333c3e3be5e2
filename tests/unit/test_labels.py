"""Every user-facing text key used in code and templates exists in labels/zh_CN.yaml."""

import re

from reporting.analysis.insights import SUB_DIMENSIONS
from reporting.analysis.metrics import DIMENSION_FIELDS
from reporting.config import PACKAGE_DIR, TEMPLATES_DIR
from reporting.report.narrative import HEADLINE_CHANGES, TEST_LABELS
from reporting.vocab import labels

KEY_PATTERNS = (re.compile(r"""\blabel\(\s*["']([a-z0-9_]+)["']"""), re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']"""))


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
