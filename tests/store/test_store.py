"""The store, exercised identically on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from reporting.errors import StoreError
from reporting.intake import store, store_queries, store_schema
from reporting.intake.clean import select_period
from reporting.intake.sources import import_files, read_files
from reporting.intake.store_queries import pull_period
from reporting.intake.store_schema import open_store, records_table


def stored_count(url: str) -> int:
    with open_store(url).connect() as connection:
        return int(connection.execute(select(func.count()).select_from(records_table)).scalar_one())


def test_import_then_reimport_adds_nothing(store_url, small_csv):
    (first,) = import_files([small_csv], store_url)
    assert first.read == first.imported + first.duplicates + first.rejected
    assert first.imported > 400 and first.rejected > 0 and first.duplicates > 0
    assert stored_count(store_url) == first.imported
    (second,) = import_files([small_csv], store_url)
    assert (second.read, second.imported, second.duplicates, second.rejected) == (
        first.read,
        0,
        first.imported + first.duplicates,
        first.rejected,
    )
    assert stored_count(store_url) == first.imported


def test_pulled_period_equals_the_files_period(store_url, small_csv):
    import_files([small_csv], store_url)
    start, end = date(2026, 11, 16), date(2026, 11, 22)
    pulled = pull_period(store_url, start, end)
    from_files = select_period(read_files([small_csv]).records, start, end)
    assert len(pulled.records) == len(from_files) == store_queries.count_period(store_url, start, end)
    columns = ["record_id", "visit_at", "status", "service_type", "overall_satisfaction", "nps", "comment", "valid"]

    def comparable(frame: pd.DataFrame) -> list[dict[str, object]]:
        plain = frame[columns].sort_values("record_id").astype(object)
        return plain.where(plain.notna(), None).to_dict("records")

    assert comparable(pulled.records) == comparable(from_files)
    (ledger,) = pulled.ledgers
    assert ledger.path == str(small_csv) and ledger.read == ledger.imported + ledger.duplicates + ledger.rejected
    assert len(pulled.rejects) == ledger.rejected


def test_a_failure_mid_import_leaves_the_store_as_it_was(store_url, small_csv, monkeypatch):
    import_files([small_csv], store_url)
    before = stored_count(store_url)
    other = small_csv.with_name("other.csv")
    frame = pd.read_csv(small_csv, dtype=str)
    frame["记录编号"] = "NEW-" + frame["记录编号"]
    frame.to_csv(other, index=False)
    real_chunks = store._chunks

    def crash_after_first_chunk(rows):
        for number, chunk in enumerate(real_chunks(rows)):
            if number == 1:
                raise RuntimeError("power cut")
            yield chunk

    monkeypatch.setattr(store, "CHUNK", 100)  # several chunks even for the small file
    monkeypatch.setattr(store, "_chunks", crash_after_first_chunk)
    with pytest.raises(RuntimeError, match="power cut"):
        import_files([other], store_url)
    assert stored_count(store_url) == before
    with open_store(store_url).connect() as connection:
        assert connection.execute(select(func.count()).select_from(store.imports_table)).scalar_one() == 1


def test_the_period_query_is_parameterised(store_url):
    query = (
        select(records_table.c.record_key)
        .where(records_table.c.visit_at >= pd.Timestamp("2026-11-16").to_pydatetime())
        .compile(open_store(store_url))
    )
    assert "2026" not in str(query) and list(query.params.values())[0].year == 2026


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://analyst:s3cret@127.0.0.1:1/records", "无法连接数据库 postgresql+psycopg://analyst:***@127.0.0.1:1/records"),
        ("nosuchdb://x/y", "数据库地址 nosuchdb://x/y 无效或缺少驱动"),
    ],
)
def test_unreachable_or_malformed_store_is_a_clear_error(url, message):
    with pytest.raises(StoreError) as error:
        open_store(url)
    assert message in str(error.value) and "s3cret" not in str(error.value)


def test_control_characters_are_cleaned_counted_and_kept_through_the_store(store_url, tmp_path):
    csv = tmp_path / "dirty.csv"
    csv.write_text(
        "回访时间,回访状态,服务类型,整体满意度,推荐意愿,客户反馈\n"
        "2026-11-17 09:00,完成,售后维修,2,3,\x08太慢了\x1b\n"
        "2026-11-17 10:00,完成,售后维修,5,9,很好\r\n",
        encoding="utf-8",
    )
    (ledger,) = import_files([csv], store_url)
    assert (ledger.read, ledger.imported, ledger.controls_removed) == (2, 2, 1)
    pulled = pull_period(store_url, date(2026, 11, 16), date(2026, 11, 22))
    assert pulled.records["comment"].tolist() == ["太慢了", "很好"]
    assert [led.controls_removed for led in pulled.ledgers] == [1]


def test_a_store_made_before_the_controls_column_is_brought_up_to_date(tmp_path, small_csv):
    import sqlite3

    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    import_files([small_csv], url)
    with sqlite3.connect(path) as connection:  # the imports table as an earlier version made it
        connection.execute("ALTER TABLE imports DROP COLUMN controls_removed")
    store_schema.open_store.cache_clear()  # as a new process (of the newer version) would meet it
    pulled = pull_period(url, date(2026, 11, 16), date(2026, 11, 22))  # adds the column again, as NULL
    assert [led.controls_removed for led in pulled.ledgers] == [0]
    (again,) = import_files([small_csv], url)
    assert again.imported == 0 and again.controls_removed == 0


def test_the_duplicate_check_finds_stored_keys_across_chunks(store_url, small_csv, monkeypatch):
    import_files([small_csv], store_url)
    stored = read_files([small_csv]).records["record_key"].tolist()
    monkeypatch.setattr(store, "CHUNK", 7)  # many chunks on SQLite; PostgreSQL asks once
    asked = ["id:never-stored-1", *stored[:20], "id:never-stored-2", *stored[-3:]]
    with open_store(store_url).connect() as connection:
        assert store._stored_keys(connection, asked) == set(stored[:20]) | set(stored[-3:])
        assert store._stored_keys(connection, []) == set()


@pytest.mark.parametrize("slice_field, slice_value", [("", ""), ("service_type", "售后维修"), ("no_such_field", "x")])
def test_the_trend_window_aggregated_in_sql_equals_the_one_from_the_file(store_url, small_csv, slice_field, slice_value):
    """Per-period sums by GROUP BY, the window's words and the latest ratings: the same as the file's, slice pushed down."""
    from reporting.report.loading import load_with_window
    from reporting.report.window import window_of

    import_files([small_csv], store_url)
    start, end = date(2026, 11, 16), date(2026, 11, 22)
    files, computed = load_with_window(str(small_csv), start, end, slice_field, slice_value)
    stored, window = load_with_window(store_url, start, end, slice_field, slice_value)
    expected = window_of(files.records, start, end, 8)
    assert computed is None and window is not None
    pd.testing.assert_frame_equal(window.summaries, expected.summaries, check_dtype=False)
    assert (len(window.summaries) == 8) == (slice_field != "no_such_field")
    worded = expected.feedback.loc[expected.feedback["comment"].notna() | expected.feedback["suggestion"].notna()]
    pd.testing.assert_frame_equal(window.feedback.fillna(""), worded.reset_index(drop=True).fillna(""), check_dtype=False)
    pd.testing.assert_frame_equal(window.history, expected.history, check_dtype=False)
    # only the report period and the one before it travel in full
    assert stored.records["visit_at"].between(pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-23"), inclusive="left").all()
    assert len(stored.records) == files.records["visit_at"].ge(pd.Timestamp("2026-11-09")).sum()


@pytest.mark.parametrize("slice_field, slice_value", [("service_type", "售后维修"), ("channel", "电话"), ("no_such_field", "x")])
def test_a_slice_pulled_by_its_query_equals_the_period_sliced_after_pulling(store_url, small_csv, slice_field, slice_value):
    """Only the slice's rows travel; records, ledgers, rejects and the accounting are those of the whole period, sliced."""
    from reporting.report.loading import select_slice

    import_files([small_csv], store_url)
    start, end = date(2026, 11, 9), date(2026, 11, 22)
    pushed = pull_period(store_url, start, end, slice_field, slice_value)
    after = select_slice(pull_period(store_url, start, end), slice_field, slice_value)
    pd.testing.assert_frame_equal(pushed.records, after.records)
    assert (pushed.ledgers, pushed.other_slices, pushed.not_pulled) == (after.ledgers, after.other_slices, after.not_pulled)
    pd.testing.assert_frame_equal(pushed.rejects, after.rejects)
    assert (len(pushed.records) > 0) == (slice_field != "no_such_field") and pushed.other_slices > 0
    assert len(pushed.records) + pushed.other_slices == store_queries.count_period(store_url, start, end)


@pytest.mark.parametrize("slice_field, slice_value", [("", ""), ("service_type", "售后维修")])
def test_a_report_from_a_store_accounts_for_every_stored_record(store_url, small_csv, slice_field, slice_value):
    """imported = analysed + outside_period + other_slices + not_pulled: the records the report's queries did not need count too."""
    from reporting.report import weekly
    from reporting.report.params import WeeklyParams

    import_files([small_csv], store_url)
    week = {"period_start": date(2026, 11, 16), "period_end": date(2026, 11, 22)}
    model = weekly.build(WeeklyParams(source=store_url, **week, slice_field=slice_field, slice_value=slice_value))
    ledger = model.ledger
    assert ledger.not_pulled > 0 and ledger.imported == stored_count(store_url)
    assert ledger.imported == ledger.analysed + ledger.outside_period + ledger.other_slices + ledger.not_pulled
