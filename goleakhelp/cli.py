"""The goleakhelp command line: parse options, call the core, hand the result to a renderer."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from goleakhelp import __version__

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)
kb_app = typer.Typer(no_args_is_help=True, help="Check the knowledge base or start a new entry.")
app.add_typer(kb_app, name="kb")


@kb_app.command("check")
def kb_check(
    kb_dir: Optional[list[Path]] = typer.Option(None, "--kb-dir", help="Extra knowledge-base folder."),
    compile_go: bool = typer.Option(False, "--compile", help="Also build every Go example with the Go toolchain."),
) -> None:
    """Validate every KB entry."""
    from goleakhelp.knowledge import load_knowledge_base

    kb = load_knowledge_base(kb_dir or ())
    for p in kb.problems:
        typer.echo(str(p))
    bad = len(kb.problems)
    if compile_go:
        from goleakhelp.knowledge.gocompile import compile_examples

        for r in compile_examples(kb.entries.values()):
            if r.skipped:
                typer.echo(f"{r.entry_id}: code.{r.example}: not compiled: {r.skipped}")
            elif not r.ok:
                bad += 1
                typer.echo(f"{r.entry_id}: code.{r.example}: does not compile:\n{r.output}")
    typer.echo(f"{len(kb.entries)} entries, {bad} problems")
    raise typer.Exit(1 if bad else 0)


def main() -> None:
    app()
