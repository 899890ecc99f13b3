"""Leak-pattern detectors: one small module per family, each function named for its KB id.

A detector takes a CodeContext, looks at the syntax tree and reports Findings through
the context; messages say what was seen, and the explanation comes from the KB.
"""

from __future__ import annotations

from collections.abc import Callable

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors import context as context_detectors
from goleakhelp.code.detectors import channels, database, defers, goroutines, http, misc, resources, sync, timers

Detector = Callable[[CodeContext], None]

# KB id -> detector.
DETECTORS: dict[str, Detector] = {
    "ctx-lostcancel": context_detectors.ctx_lostcancel,
    "ctx-not-inherited": context_detectors.ctx_not_inherited,
    "cond-no-signal": sync.cond_no_signal,
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
    "chan-send-orphan": channels.chan_send_orphan,
    "chan-recv-orphan": channels.chan_recv_orphan,
    "wg-missing-done": sync.wg_missing_done,
    "range-unclosed": channels.range_unclosed,
    "ticker-goroutine": channels.ticker_goroutine,
    "nil-chan": channels.nil_chan,
    "fat-context": misc.fat_context,
    "loopvar-capture": misc.loopvar_capture,
    "wg-copied": misc.wg_copied,
    "afterfunc-long": misc.afterfunc_long,
    "exec-no-wait": misc.exec_no_wait,
    "server-no-timeouts": misc.server_no_timeouts,
    "tcp-no-deadline": misc.tcp_no_deadline,
    **resources.DETECTORS,
}

# Text a file must contain for a detector to have anything to find; files without it are
# not walked for that detector (most files trigger few of them).
TRIGGERS: dict[str, tuple[bytes, ...]] = {
    "ctx-lostcancel": (b"context.With",),
    "ctx-not-inherited": (b"context.Background()", b"context.TODO()"),
    "cond-no-signal": (b"sync.NewCond", b"*sync.Cond"),
    "defer-in-loop": (b"defer",),
    "mutex-unreleased": (b"Lock()",),
    "wg-add-in-goroutine": (b".Add(",),
    "select-empty": (b"select",),
    "sleep-poll": (b"time.Sleep",),
    "time-after-loop": (b"time.After(",),
    "ticker-unstopped": (b"time.NewTicker", b"time.Tick("),
    "http-body-unclosed": (b".Get(", b".Do(", b".Post", b".Head("),
    "client-no-timeout": (b"http.",),
    "transport-per-request": (b"http.Transport",),
    "sql-open-per-call": (b"sql.Open",),
    "chan-send-orphan": (b"make(chan",),
    "chan-recv-orphan": (b"make(chan",),
    "wg-missing-done": (b".Done()",),
    "range-unclosed": (b"make(chan",),
    "ticker-goroutine": (b".C", b"time.Tick("),
    "nil-chan": (b"chan ",),
    "fat-context": (b"context.With",),
    "loopvar-capture": (b"func(",),
    "wg-copied": (b"sync.WaitGroup",),
    "afterfunc-long": (b"time.AfterFunc",),
    "exec-no-wait": (b".Start()",),
    "server-no-timeouts": (b"http.ListenAndServe", b"http.Server"),
    "tcp-no-deadline": (b"net.Dial",),
    **resources.TRIGGERS,
}
