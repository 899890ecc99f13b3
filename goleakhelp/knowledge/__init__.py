"""The knowledge base: entries loaded from kb/ YAML files, their validation and search."""

from goleakhelp.knowledge.entry import Entry, Localized
from goleakhelp.knowledge.loader import KnowledgeBase, load_knowledge_base

__all__ = ["Entry", "KnowledgeBase", "Localized", "load_knowledge_base"]
