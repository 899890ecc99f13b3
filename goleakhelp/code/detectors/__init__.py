"""Leak-pattern detectors: one small module per family, each function named for its KB id.

A detector takes a CodeContext, looks at the syntax tree and reports Findings through
the context; messages say what was seen, and the explanation comes from the KB.
"""

from __future__ import annotations

from collections.abc import Callable

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors import context as context_detectors
from goleakhelp.code.detectors import database, defers, goroutines, http, resources, sync, timers

Detector = Callable[[CodeContext], None]

# KB id -> detector. The KB entries without one say why in their `code` notes.
DETECTORS: dict[str, Detector] = {
    "ctx-lostcancel": context_detectors.ctx_lostcancel,
    "defer-in-loop": defers.defer_in_loop,
    "mutex-unreleased": sync.mutex_unreleased,
    "wg-add-in-goroutine": sync.wg_add_in_goroutine,
    "select-empty": goroutines.select_empty,
    "sleep-poll": timers.sleep_poll,
    "time-after-loop": timers.time_after_loop,
    "ticker-unstopped": timers.ticker_unstopped,
    "http-body-unclosed": http.http_body_unclosed,
    "client-no-timeout": http.client_no_timeout,
    "transport-per-request": http.transport_per_request,
    "sql-open-per-call": database.sql_open_per_call,
    **resources.DETECTORS,
}
