"""Renderers: each turns result values into one output format (terminal, JSON, Markdown, HTML)."""
