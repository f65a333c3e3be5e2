"""The records store's schema and connection: its tables, its URL, and opening it.

The tables (records, imports, rejects, follow-up items, alerts sent, improvement measures) and the fields stored; which store a
parameter or the environment names, and its URL with the password hidden; opening a store
creates its tables (and a SQLite file's folder) and brings one made by an earlier version up
to date.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from reporting.config import PROJ_ROOT, store_url_setting
from reporting.errors import StoreError
from reporting.intake.ledger import LEDGER_COLUMNS

DEFAULT_STORE_PATH = PROJ_ROOT / "data" / "records.db"
TEXT_FIELDS = ("comment", "suggestion", "purpose", "follow_up_action")
SHORT_FIELDS = (
    "record_id", "customer_id", "customer_name", "phone", "customer_type", "service_type", "visitor",
    "channel", "status", "first_contact_resolved", "solution_accepted", "emotion", "owner",
)  # fmt: skip
TIME_FIELDS = ("visit_at", "service_completed_at", "due_at")
NUMBER_FIELDS = ("score_speed", "score_professional", "score_clarity", "score_attitude", "overall_satisfaction", "nps")
SQLITE_CACHE_KIB = 256 * 1024  # SQLite's page cache per connection (a ceiling, filled as needed): inserts keep the indexes in memory

metadata = MetaData()
records_table = Table(
    "records",
    metadata,
    Column("record_key", String(64), primary_key=True),
    *(Column(name, String(255)) for name in SHORT_FIELDS),
    *(Column(name, Text) for name in TEXT_FIELDS),
    *(Column(name, DateTime, index=name == "visit_at") for name in TIME_FIELDS),
    *(Column(name, Float) for name in NUMBER_FIELDS),
    Column("valid", Boolean, nullable=False),
    Column("import_id", Integer, nullable=False, index=True),
    Column("source", Text),
    Column("source_row", Integer),
)
imports_table = Table(
    "imports",
    metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False),
    Column("sha256", String(64)),
    Column("imported_at", DateTime, nullable=False),
    Column("read", Integer, nullable=False),
    Column("imported", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("rejected_by_reason", JSON, nullable=False),
    Column("controls_removed", Integer, nullable=True),
    Column("outside_window", Integer, nullable=True),
)
rejects_table = Table(
    "rejects",
    metadata,
    Column("reject_id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer, nullable=False, index=True),
    *(Column(name, Text) for name in LEDGER_COLUMNS if name != "row"),
    Column("row", Integer),
)
followups_table = Table(
    "followups",
    metadata,
    Column("item_id", String(16), primary_key=True),
    Column("record_id", String(255)),
    Column("customer_id", String(255)),
    Column("kind", String(16), nullable=False),
    Column("item", Text, nullable=False),
    Column("subject", Text),
    Column("owner", String(255)),
    Column("next_step", Text),
    Column("visit_at", DateTime),
    Column("due_at", DateTime, nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("done_at", DateTime),
    Column("result", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime),
)
alerts_sent_table = Table(  # who was told what (reporting.alerts.ledger): one row per alert key × channel
    "alerts_sent",
    metadata,
    Column("key", String(512), primary_key=True),
    Column("channel", String(512), primary_key=True),
    Column("condition", String(512), nullable=False, index=True),  # the key without its period: the same alert in any period
    Column("rule", String(255), nullable=False),
    Column("report", String(64), nullable=False, index=True),
    Column("slice", String(255), nullable=False),
    Column("period", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("metric", String(255)),
    Column("sent_at", DateTime, nullable=False),
    Column("cleared_at", DateTime),  # when a 已恢复 line for this condition was recorded on this channel
    Column("cleared_by", String(512)),  # that line's key
)
measures_table = Table(  # improvement measures tracked to their targets (reporting.followup.measures)
    "measures",
    metadata,
    Column("measure_id", String(512), primary_key=True),  # rule@slice#first period
    Column("rule", String(255), nullable=False),  # kind:subject
    Column("slice", String(255), nullable=False, index=True),  # field=value, "" for the whole centre
    Column("slice_label", String(255), nullable=False),
    Column("action", Text, nullable=False),
    Column("owner", String(255), nullable=False),
    Column("deadline", Date, nullable=False),
    Column("first_period", Date, nullable=False),
    Column("baseline", Float, nullable=False),
    Column("baseline_n", Integer, nullable=False),
    Column("baseline_sd", Float),
    Column("target", Float, nullable=False),
    Column("status", String(16), nullable=False),  # open / met / missed (as last judged) / closed (by a person)
    Column("judged_period", Date),
    Column("met_period", Date),
    Column("closed_at", DateTime),
    Column("note", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime),
)
STORED_FIELDS = tuple(c.name for c in records_table.columns if c.name not in ("import_id",))


def default_store_url() -> str:
    """The embedded store: ``data/records.db`` in the project, or the URL in ``REPORTING_STORE_URL``."""
    return store_url_setting() or f"sqlite:///{DEFAULT_STORE_PATH}"


def default_store_exists() -> bool:
    """Whether the default store exists already (always, for a server named in the environment)."""
    url = default_store_url()
    return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).exists()


def store_url(parameter: str) -> str:
    """The store a ``followup_store`` parameter names: its URL, or the default store when empty."""
    return parameter.strip() or default_store_url()


def failure_reason(error: SQLAlchemyError) -> str:
    """The database's own first line about a failure, short enough for a one-line message."""
    return str(getattr(error, "orig", error)).strip().splitlines()[0][:160]


def is_store_url(source: str) -> bool:
    """Whether a ``source`` value names a database rather than files."""
    return "://" in source


def has_password(url: str) -> bool:
    """Whether a store URL carries a password (``postgresql://user:secret@host/db``)."""
    try:
        return bool(make_url(url).password)
    except ArgumentError:
        return "@" in url and ":" in url.split("@")[0].split("//")[-1]


def masked_url(url: str) -> str:
    """The URL with its password hidden, for messages and manifests."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


@cache
def open_store(url: str) -> Engine:
    """Connect to a store, creating its tables (and a SQLite file's folder) on first use.

    Args:
        url: a SQLAlchemy URL, e.g. ``sqlite:///data/records.db`` or
            ``postgresql+psycopg://user:pw@host/db``.

    Returns:
        The engine.

    Raises:
        StoreError: the URL is malformed, its driver is missing, or the database
            cannot be reached.
    """
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, pool_pre_ping=True)
        if parsed.get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_cache)
        metadata.create_all(engine)
        _add_missing_columns(engine)
        return engine
    except (ArgumentError, NoSuchModuleError):
        raise StoreError(f"数据库地址 {masked_url(url)} 无效或缺少驱动：请检查 URL，例如 sqlite:///data/records.db") from None
    except SQLAlchemyError as error:
        reason = failure_reason(error)
        raise StoreError(f"无法连接数据库 {masked_url(url)}（{reason}）：请检查地址、账号与服务器是否运行") from None


def _sqlite_cache(connection: Any, _record: Any) -> None:
    """A larger page cache for each new SQLite connection (the default 2 MB makes a large import's index updates go to disk)."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cursor.close()


def _add_missing_columns(engine: Engine) -> None:
    """Bring a store made by an earlier version up to date: add the columns it lacks (all nullable)."""
    present = {column["name"] for column in inspect(engine).get_columns(imports_table.name)}
    missing = [column for column in imports_table.columns if column.name not in present]
    if not missing:
        return
    with engine.begin() as connection:
        for column in missing:
            kind = column.type.compile(dialect=engine.dialect)
            connection.execute(text(f"ALTER TABLE {imports_table.name} ADD COLUMN {column.name} {kind}"))
