"""The one registry of code detectors: each detector declares its KB id and its triggers
where it is defined, so a detector cannot exist without them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from goleakhelp.code.context import CodeContext

Detect = Callable[[CodeContext], None]


@dataclass(frozen=True)
class Detector:
    id: str  # the KB entry it reports
    run: Detect
    # Text a file must contain for the detector to have anything to find; files without
    # any of it are not walked for this detector (most files trigger few detectors).
    triggers: tuple[bytes, ...]

    def wanted(self, source: bytes) -> bool:
        return any(t in source for t in self.triggers)


REGISTRY: dict[str, Detector] = {}


def register(entry_id: str, run: Detect, triggers: tuple[bytes, ...]) -> Detector:
    if entry_id in REGISTRY:
        raise ValueError(f"two detectors for {entry_id}")
    if not triggers:
        raise ValueError(f"detector {entry_id} has no trigger text")
    REGISTRY[entry_id] = detector = Detector(entry_id, run, triggers)
    return detector


def detector(entry_id: str, *triggers: bytes) -> Callable[[Detect], Detect]:
    """Decorator: `@detector("ctx-lostcancel", b"context.With")`."""

    def wrap(run: Detect) -> Detect:
        register(entry_id, run, triggers)
        return run

    return wrap
