"""A failed run's staging folder is kept under failed/, never lost to another failure of the same second."""

from pathlib import Path

from reporting.config import PARAMS_DIR
from reporting.run.params import load_run_spec
from reporting.run.staging import keep_failed


def test_two_failures_of_one_report_in_one_process_are_both_kept(tmp_path: Path):
    source = tmp_path / "records.csv"
    source.write_text("回访时间,回访状态,服务类型,整体满意度,推荐意愿\n", encoding="utf-8")
    spec = load_run_spec(PARAMS_DIR / "weekly.yaml", [("source", str(source))], tmp_path)
    kept = []
    for attempt in ("first", "second"):  # the same report, the same process id, as fast as a test calls the command twice
        staging = tmp_path / "weekly" / ".staging" / attempt
        staging.mkdir(parents=True)
        (staging / "run.log").write_text(attempt, encoding="utf-8")
        kept.append(keep_failed(staging, spec))
    assert kept[0] != kept[1] and [(k / "run.log").read_text(encoding="utf-8") for k in kept] == ["first", "second"]
    assert kept[0].parent == kept[1].parent == tmp_path.resolve() / "weekly" / "failed"
    assert not any((tmp_path / "weekly" / ".staging").iterdir())  # both moved, nothing left behind
