"""PostgreSQL timestamps read by psycopg's C parser.

Django reads ``timestamptz`` through a subclass of psycopg's pure-Python loader (it
pins the result to the connection's time zone object), so every timestamp a list
reads is parsed in Python: a tenth of the time of a thousand-claim workspace list.
This loader keeps Django's contract (the same ``timezone`` attribute, the value
pinned to it) and parses with the C loader psycopg ships in ``psycopg[binary]``.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.backends.signals import connection_created


def _c_loader() -> type | None:
    try:
        import psycopg  # noqa: F401  (psycopg_binary must be imported after it)
        from psycopg_binary import _psycopg
    except ImportError:
        return None
    return _psycopg.TimestamptzLoader  # type: ignore[attr-defined]  # the C module's stubs lack it


def use_c_timestamps(sender, connection, **kwargs: Any) -> None:
    """On each new PostgreSQL connection, the C parser for timestamps with a time zone."""
    parser = _c_loader()
    if connection.vendor != "postgresql" or parser is None:
        return
    from psycopg.adapt import Loader

    class CTimestamptzLoader(Loader):
        timezone = connection.timezone  # what Django's create_cursor compares

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._parse = cast(type, parser)(oid, context).load  # not None: checked above

        def load(self, data: Any) -> Any:
            return self._parse(data).replace(tzinfo=self.timezone)

    connection.connection.adapters.register_loader("timestamptz", CTimestamptzLoader)


connection_created.connect(use_c_timestamps, dispatch_uid="factcheck-c-timestamps")
