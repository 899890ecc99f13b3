"""goleakhelp: find and fix memory and goroutine leaks in Go services."""

__version__ = "0.1.0"
