"""Reading records files and mapping their headers."""

import pandas as pd
import pytest

from reporting.errors import SourceError
from reporting.load import map_headers, normalise_header, read_records


def test_normalise_header_drops_suffixes_spaces_and_full_width():
    assert normalise_header(" 推荐意愿(0-10) ") == "推荐意愿"
    assert normalise_header("推荐意愿（0-10分）") == "推荐意愿"
    assert normalise_header("ｎｐｓ") == "nps"


def test_map_headers_chinese_and_english():
    assert map_headers(["回访时间", "回访状态", "整体满意度", "NPS", "备注"]) == {
        "回访时间": "visit_at",
        "回访状态": "status",
        "整体满意度": "overall_satisfaction",
        "NPS": "nps",
    }


def write_csv(path, columns):
    pd.DataFrame({c: ["x"] for c in columns}).to_csv(path, index=False)
    return path


def test_read_records_all_three_formats(tmp_path):
    frame = pd.DataFrame(
        {"回访时间": ["2026-11-17 09:05"], "回访状态": ["完成"], "服务类型": ["售后维修"], "整体满意度": ["5"], "推荐意愿(0-10)": ["9"]}
    )
    frame.to_csv(tmp_path / "a.csv", index=False, encoding="utf-8-sig")
    frame.to_excel(tmp_path / "a.xlsx", index=False)
    frame.to_parquet(tmp_path / "a.parquet")
    for name in ("a.csv", "a.xlsx", "a.parquet"):
        records = read_records(tmp_path / name)
        assert records.to_dict("records") == [
            {"visit_at": "2026-11-17 09:05", "status": "完成", "service_type": "售后维修", "overall_satisfaction": "5", "nps": "9"}
        ]


def test_missing_required_column_names_it_and_the_headers_found(tmp_path):
    path = write_csv(tmp_path / "b.csv", ["回访时间", "回访状态", "服务类型", "整体满意度"])
    with pytest.raises(SourceError, match=r"缺少必需的列：推荐意愿（找到的列：回访时间、回访状态、服务类型、整体满意度）"):
        read_records(path)


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(SourceError, match="找不到数据文件"):
        read_records(tmp_path / "nope.csv")
    (tmp_path / "c.txt").write_text("x")
    with pytest.raises(SourceError, match="不支持的数据文件类型"):
        read_records(tmp_path / "c.txt")


def test_non_utf8_csv_is_a_clear_error(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("回访时间,回访状态\n".encode("gbk"))
    with pytest.raises(SourceError, match="不是 UTF-8 编码"):
        read_records(path)
