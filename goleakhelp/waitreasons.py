"""The Go runtime's goroutine wait reasons, as printed in goroutine dump headers.

Copied from runtime/runtime2.go (waitReasonStrings) of Go 1.27; older runtimes
print a subset of these (for example `semacquire` where newer ones print the
sync.* reasons). KB dump signatures may only name reasons and statuses from these lists.
"""

WAIT_REASONS: frozenset[str] = frozenset(
    {
        "GC assist marking",
        "IO wait",
        "chan receive (nil chan)",
        "chan send (nil chan)",
        "dumping heap",
        "garbage collection",
        "garbage collection scan",
        "panicwait",
        "select",
        "select (no cases)",
        "GC assist wait",
        "GC sweep wait",
        "GC scavenge wait",
        "chan receive",
        "chan send",
        "finalizer wait",
        "force gc (idle)",
        "GOMAXPROCS updater (idle)",
        "semacquire",
        "sleep",
        "sync.Cond.Wait",
        "sync.Mutex.Lock",
        "sync.RWMutex.RLock",
        "sync.RWMutex.Lock",
        "sync.WaitGroup.Wait",
        "trace reader (blocked)",
        "wait for GC cycle",
        "GC worker (idle)",
        "GC worker (active)",
        "preempted",
        "debug call",
        "GC mark termination",
        "stopping the world",
        "flushing proc caches",
        "trace goroutine status",
        "trace proc status",
        "page trace flush",
        "coroutine",
        "GC weak to strong wait",
        "synctest.Run",
        "synctest.Wait",
        "chan receive (durable)",
        "chan send (durable)",
        "select (durable)",
        "sync.WaitGroup.Wait (durable)",
        "cleanup wait",
    }
)

# Goroutine statuses printed instead of a wait reason (runtime/traceback.go gStatusStrings).
STATUSES: frozenset[str] = frozenset(
    {
        "idle",
        "runnable",
        "running",
        "syscall",
        "waiting",
        "dead",
        "copystack",
        "leaked",
        "preempted",
        "waiting for cgo callback",
    }
)

# What a dump header can show in its state field.
DUMP_STATES: frozenset[str] = WAIT_REASONS | STATUSES

# Forms without a header (pprof -traces, and debug=1 for the frames it keeps) show the
# function a goroutine parked in instead of its wait reason. Innermost match wins.
PARKING_FRAMES: dict[str, str] = {
    "runtime.chansend": "chan send",
    "runtime.chanrecv": "chan receive",
    "runtime.selectgo": "select",
    "runtime.block": "select (no cases)",
    "runtime.netpollblock": "IO wait",
    "internal/poll.runtime_pollWait": "IO wait",
    "runtime.timeSleep": "sleep",
    "time.Sleep": "sleep",
    "internal/sync.runtime_SemacquireMutex": "sync.Mutex.Lock",
    "sync.runtime_SemacquireMutex": "sync.Mutex.Lock",
    "sync.runtime_SemacquireRWMutexR": "sync.RWMutex.RLock",
    "sync.runtime_SemacquireRWMutex": "sync.RWMutex.Lock",
    "sync.runtime_SemacquireWaitGroup": "sync.WaitGroup.Wait",
    "sync.runtime_Semacquire": "semacquire",
    "sync.runtime_notifyListWait": "sync.Cond.Wait",
    "runtime.gcBgMarkWorker": "GC worker (idle)",
    "runtime.bgsweep": "GC sweep wait",
    "runtime.bgscavenge": "GC scavenge wait",
    "runtime.forcegchelper": "force gc (idle)",
    "runtime.runFinalizers": "finalizer wait",
    "runtime.runfinq": "finalizer wait",
    "runtime.goroutineProfileWithLabels": "running",
}


def parked_state(functions) -> str:
    """The wait state implied by the innermost parking frame, or "" when none is known."""
    for function in functions:
        state = PARKING_FRAMES.get(function)
        if state is not None:
            return state
    return ""
