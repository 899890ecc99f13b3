"""Confidence choices made from the precision sample on real code (benchmarks/precision_sample.md)."""

from __future__ import annotations

from goleakhelp.code.analyze import analyze_text

DIAL_ALL = """package p

import "net"

func dialAll(addrs []string) error {
	for _, a := range addrs {
		c, err := net.Dial("tcp", a)
		if err != nil {
			return err
		}
		defer c.Close()
	}
	return nil
}
"""


def _confidence(name: str) -> list[str]:
    findings, errors = analyze_text(DIAL_ALL, name, (1, 21))
    assert errors == ()
    return [f.confidence for f in findings if f.id == "defer-in-loop"]


def test_defer_in_loop_is_high_in_code_and_medium_in_tests():
    # Tests often keep each iteration's server or stream to their end on purpose.
    assert _confidence("dial.go") == ["high"]
    assert _confidence("dial_test.go") == ["medium"]
