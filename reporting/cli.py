"""The ``reporting`` command: demo data and report runs.

A user mistake prints one line and exits 2; a failing notebook cell exits 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import unicodedata
from datetime import date
from pathlib import Path

from reporting.errors import ParameterError, ReportingError, UserInputError
from reporting.vocab import label


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = argparse.ArgumentParser(prog="reporting", description="回访报告工作簿：把回访记录生成标准周报（HTML/PDF）。")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo-data", help="生成演示用的回访记录（CSV，中文表头）")
    demo.add_argument("--out", required=True, type=Path, help="输出的 CSV 文件路径")
    demo.add_argument("--weeks", type=int, default=10, help="生成多少个完整周（至少 8，默认 10）")
    demo.add_argument("--rows-per-week", type=int, default=300, help="平均每周回访条数（默认 300）")
    demo.add_argument("--seed", type=int, default=7, help="随机种子，相同种子生成相同数据（默认 7）")
    demo.add_argument("--end", default="2026-11-22", help="数据的最后一天 YYYY-MM-DD（默认 2026-11-22）")

    run = commands.add_parser("run", help="按参数文件执行报告笔记本并导出 HTML、PDF、指标与清单")
    run.add_argument("params", type=Path, help="参数文件，例如 params/weekly.yaml")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"), help="覆盖一个参数，可重复")
    run.add_argument("--output-dir", type=Path, default=None, help="输出根目录（默认 outputs/）")
    run.add_argument("--fail-on-empty", action="store_true", help="统计周期内没有记录时以代码 2 退出（供调度任务使用）")

    load = commands.add_parser("import", help="把回访记录文件导入记录库（重复记录只存一次，剔除行记入台账）")
    load.add_argument("paths", nargs="+", help="CSV / XLSX / Parquet 文件或通配符")
    load.add_argument("--store", default=None, help="记录库地址（SQLAlchemy URL，默认 sqlite:///data/records.db）")
    load.add_argument("--json", action="store_true", help="以 JSON 输出台账，供脚本使用")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    arguments = build_parser().parse_args(argv)
    try:
        if arguments.command == "demo-data":
            return _demo_data(arguments)
        if arguments.command == "import":
            return _import(arguments)
        return _run(arguments)
    except ReportingError as error:
        print(f"错误：{error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


def _demo_data(arguments: argparse.Namespace) -> int:
    from reporting.demo import DemoSpec, generate_demo_records
    from reporting.export import write_records_csv
    from reporting.pipeline import parse_date

    if arguments.weeks < 8:
        raise ParameterError(f"--weeks 的值 {arguments.weeks} 太小：演示数据至少需要 8 周")
    if arguments.rows_per_week < 1:
        raise ParameterError(f"--rows-per-week 的值 {arguments.rows_per_week} 必须为正整数")
    end: date = parse_date(arguments.end, "--end")
    records = generate_demo_records(DemoSpec(arguments.weeks, arguments.rows_per_week, arguments.seed, end))
    write_records_csv(records, arguments.out)
    print(f"已生成 {len(records)} 条演示回访记录：{arguments.out}")
    return 0


def _run(arguments: argparse.Namespace) -> int:
    from reporting.execute import run_report
    from reporting.intake import count_period_records
    from reporting.params import load_run_spec

    spec = load_run_spec(arguments.params, [tuple(p) for p in arguments.parameter], arguments.output_dir)
    if arguments.fail_on_empty and count_period_records(str(spec.parameters["source"]), spec.period_start, spec.period_end) == 0:
        raise UserInputError(label("empty_period_error", start=spec.period_start, end=spec.period_end))
    print(f"正在生成 {spec.report} 报告：{spec.period_start} 至 {spec.period_end} …", flush=True)
    result = run_report(spec)
    print(f"完成（{result.seconds:.1f} 秒）。输出目录：{result.destination}")
    for path in result.files:
        print(f"  {path.name}")
    if result.attempted == 0:
        print(label("empty_period_warning", start=spec.period_start, end=spec.period_end), file=sys.stderr)
    return 0


def _import(arguments: argparse.Namespace) -> int:
    from reporting.intake import import_files
    from reporting.load import expand_sources
    from reporting.store import default_store_url, masked_url

    url = arguments.store or default_store_url()
    paths = [path for spec in arguments.paths for path in expand_sources(spec)]
    ledgers = import_files(paths, url)
    if arguments.json:
        print(json.dumps({"files": [ledger.as_dict() for ledger in ledgers]}, ensure_ascii=False, indent=2))
        return 0
    print(f"已导入记录库 {masked_url(url)}")
    print(_pad("文件", 30) + "".join(_pad(h, 10, right=True) for h in ("读取", "导入", "重复", "剔除")))
    for ledger in ledgers:
        counts = (ledger.read, ledger.imported, ledger.duplicates, ledger.rejected)
        print(_pad(Path(ledger.path).name, 30) + "".join(_pad(str(c), 10, right=True) for c in counts))
        for reason, count in ledger.rejected_by_reason.items():
            print(f"    剔除原因：{reason} {count} 行")
    return 0


def _pad(text: str, width: int, right: bool = False) -> str:
    """Pad to a terminal width, counting CJK characters as two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - used)
    return fill + text if right else text + fill
