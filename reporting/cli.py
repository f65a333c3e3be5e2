"""The ``reporting`` command: demo data and report runs.

A user mistake prints one line and exits 2; a failing notebook cell exits 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from reporting.errors import ParameterError, ReportingError


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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    arguments = build_parser().parse_args(argv)
    try:
        if arguments.command == "demo-data":
            return _demo_data(arguments)
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
    from reporting.params import load_run_spec

    spec = load_run_spec(arguments.params, [tuple(p) for p in arguments.parameter], arguments.output_dir)
    print(f"正在生成 {spec.report} 报告：{spec.period_start} 至 {spec.period_end} …", flush=True)
    result = run_report(spec)
    print(f"完成（{result.seconds:.1f} 秒）。输出目录：{result.destination}")
    for path in result.files:
        print(f"  {path.name}")
    return 0
