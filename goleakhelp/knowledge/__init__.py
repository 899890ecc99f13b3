"""The knowledge base: entries loaded from kb/ YAML files, their validation and search.

Submodules are imported where they are used (`goleakhelp.knowledge.loader`,
`.search`, ...), so a command loads only what it needs.
"""
