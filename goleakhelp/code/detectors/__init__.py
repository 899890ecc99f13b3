"""Leak-pattern detectors: one small module per family, each function named for its KB id.

A detector takes a CodeContext, looks at the syntax tree and reports Findings through
the context; messages say what was seen, and the explanation comes from the KB. Each
registers itself with `@detector(id, triggers...)` (see registry.py); every module in
this package is imported here, so adding a module is all it takes to add detectors.
"""

from __future__ import annotations

import importlib
import pkgutil

from goleakhelp.code.detectors.registry import REGISTRY, Detector

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "registry":
        importlib.import_module(f"{__name__}.{_module}")

# KB id -> detector, in a stable order.
DETECTORS: dict[str, Detector] = dict(sorted(REGISTRY.items()))

__all__ = ["DETECTORS", "Detector"]
