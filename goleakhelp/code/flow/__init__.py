"""The analysis engine under the detectors: a control-flow graph per function (cfg),
paths through it that keep something held (paths), what branch conditions say about
errors and nil (conditions), and how one acquired value is released or handed on
(ownership). Graphs are built on first use and shared through CodeContext.graph."""
