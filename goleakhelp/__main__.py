"""Entry point for `python -m goleakhelp`."""

from goleakhelp.cli import main

main()
