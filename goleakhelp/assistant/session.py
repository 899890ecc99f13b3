"""The chat assistant's core: one message in, one Reply out, with the last result remembered
so that follow-ups ("show the fix", "why?", "2", "more") refer to it.

Answers come only from the knowledge base and the analyses; the session never prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from goleakhelp.assistant.explain import Explanation, explain_text
from goleakhelp.assistant.reply import (
    Item,
    Reply,
    Say,
    ShowCheatsheet,
    ShowCodeFinding,
    ShowDumpGroup,
    ShowEntry,
    ShowExplanation,
)
from goleakhelp.errors import UserError
from goleakhelp.i18n import label

# A chat message this long is not typed or pasted by a person; big dumps go to `goleakhelp dump FILE`.
MAX_MESSAGE_CHARS = 8 * 1024 * 1024
# Follow-ups are short; anything longer is a new question even if it contains "fix".
MAX_FOLLOWUP_CHARS = 80
ANSWER_HITS = 3  # a chat answer shows the best few entries; "more" pages on
PAGE = 5

FOLLOWUPS: tuple[tuple[str, re.Pattern], ...] = (
    ("pick", re.compile(r"(?i)^\s*(?:#|no\.?\s*|number\s+|(?:show|open|pick)\s+(?:#|no\.?\s*)?|第\s*)?(\d{1,3})\s*(?:个|条|项|号)?\s*[.!?？。]?\s*$")),
    (
        "fix",
        re.compile(
            r"(?i)^\s*(?:(?:please\s+)?(?:show|give|tell)\s+(?:me\s+)?|what'?s\s+|what\s+is\s+)?(?:the\s+)?(?:fix|fixes|fixed(?:\s+code)?|solution)"
            r"(?:\s+(?:for|of)\s+(?:it|this|that))?\s*[?.!]*\s*$|^\s*how\s+(?:do\s+i|to|can\s+i|should\s+i|do\s+we)\s+(?:fix|solve|repair)(?:\s+(?:it|this|that))?\s*[?.!]*\s*$"
            r"|^\s*(?:那)?(?:怎么|如何|该怎么)?(?:修复|修|解决|改)(?:它|这个|一下)?(?:呢|吧)?\s*[?？。!！]*\s*$|^\s*(?:修复方法|解决办法|解决方法)\s*[?？]*\s*$"
        ),
    ),
    (
        "why",
        re.compile(
            r"(?i)^\s*(?:but\s+|and\s+)?why(?:\s+(?:does|is|did)\s+(?:it|this|that)\s+(?:leak|a\s+leak|happen|block|stuck|leaking)\??)?\s*[?.!]*\s*$"
            r"|^\s*(?:那)?为什么(?:会)?(?:泄漏|泄露|阻塞|卡住)?(?:呢)?\s*[?？。]*\s*$|^\s*(?:原因|什么原因)(?:是什么)?(?:呢)?\s*[?？]*\s*$"
        ),
    ),
    ("more", re.compile(r"(?i)^\s*(?:more|show\s+more|tell\s+me\s+more|next|details?|more\s+details|full\s+entry|all)\s*[?.!]*\s*$|^\s*(?:更多|详细|详情|下一页|还有呢?)\s*[?？。]*\s*$")),
    ("code", re.compile(r"(?i)^\s*(?:show\s+(?:me\s+)?)?(?:the\s+)?(?:code|examples?|leaky\s+code)\s*[?.!]*\s*$|^\s*(?:示例|代码|例子)(?:呢)?\s*[?？]*\s*$")),
)

COMMANDS = ("/help", "/cheatsheet", "/show ID", "/lang en|zh", "/clear", "/quit")


@dataclass
class Session:
    kb: object  # knowledge.loader.KnowledgeBase
    lang: str = "en"
    go_version: tuple[int, int] | None = None
    kb_dirs: tuple = ()
    lang_fixed: bool = False  # chosen with --lang or /lang: a Chinese question does not switch it
    last: Explanation | None = None
    items: list[Item] = field(default_factory=list)
    focus: str | None = None  # the entry "fix" and "why" refer to
    shown: int = 0  # search hits shown so far, for "more"
    index: object = None  # the open search index, opened on first use

    # -- the one entry point ------------------------------------------------------------

    def handle(self, message: str) -> Reply:
        """Answer one message. Bad input gives an error reply; the session goes on."""
        if len(message) > MAX_MESSAGE_CHARS:
            return self._error(label("chat_too_big", self.lang, size=f"{len(message):,}", limit=f"{MAX_MESSAGE_CHARS:,}"))
        if _binary(message):
            return self._error(label("chat_binary", self.lang))
        text = message.strip()
        if not text:
            return Reply()
        try:
            if text.startswith("/") and "\n" not in text:
                return self._command(text)
            if len(text) <= MAX_FOLLOWUP_CHARS and "\n" not in text:
                for intent, pattern in FOLLOWUPS:
                    m = pattern.match(text)
                    if m:
                        return self._followup(intent, m)
            return self._explain(message)
        except UserError as exc:
            return self._error(str(exc))

    # -- new input ------------------------------------------------------------------------

    def _explain(self, message: str) -> Reply:
        from goleakhelp.knowledge.analysis import has_cjk

        if not self.lang_fixed and has_cjk(message) and len(message) < 2000:
            self.lang = "zh"
        explanation = self._run(message)
        self.last = explanation
        self.items = _items(explanation)
        self.focus = next((i.entry_id for i in self.items if i.entry_id), None)
        self.shown = len(self.items)
        detected = label("detected", self.lang, what=explanation.detection.describe(self.lang), route=label(f"route_{explanation.route}", self.lang))
        parts: list = [Say(detected, "dim"), ShowExplanation(explanation)]
        return Reply(tuple(parts), self._sources(), self._offer())

    def _run(self, message: str) -> Explanation:
        return explain_text(
            message,
            self.kb,
            self.lang,
            go_version=self.go_version,
            origin=label("chat_message", self.lang),
            index_handle=self._handle(),
            kb_dirs=self.kb_dirs,
            search_limit=ANSWER_HITS,
        )

    def _handle(self):
        if self.index is None:
            from goleakhelp.knowledge.index import open_index

            self.index = open_index(self.kb_dirs)
        return self.index

    # -- follow-ups -------------------------------------------------------------------------

    def _followup(self, intent: str, match: re.Match) -> Reply:
        if intent == "pick":
            return self._pick(int(match.group(1)))
        if self.focus is None:
            return Reply((Say(label("chat_nothing_yet", self.lang), "warn"),))
        if intent == "fix":
            return Reply((ShowEntry(self.focus, ("fix", "fixed")),), (self.focus,), self._offer())
        if intent == "why":
            return Reply((ShowEntry(self.focus, ("why",)),), (self.focus,), self._offer())
        if intent == "code":
            return Reply((ShowEntry(self.focus, ("leaky", "fixed")),), (self.focus,), self._offer())
        return self._more()

    def _pick(self, number: int) -> Reply:
        if not self.items:
            return Reply((Say(label("chat_nothing_to_pick", self.lang), "warn"),))
        if not 1 <= number <= len(self.items):
            return Reply((Say(label("chat_pick_range", self.lang, n=len(self.items)), "warn"),))
        item = self.items[number - 1]
        if item.entry_id:
            self.focus = item.entry_id
        sources = (item.entry_id,) if item.entry_id else ()
        if item.kind == "group":
            return Reply((ShowDumpGroup(self.last.result, item.index),), sources, self._offer())
        if item.entry_id is None:
            return Reply((Say(label("chat_no_pattern", self.lang), "warn"),))
        if item.kind == "finding":
            return Reply((ShowCodeFinding(self.last.result, item.index), ShowEntry(item.entry_id, ("why", "fix"))), sources, self._offer())
        return Reply((ShowEntry(item.entry_id, ("symptoms", "why", "fix")),), sources, self._offer())

    def _more(self) -> Reply:
        last = self.last
        if last is not None and last.route == "search" and len(last.result.hits) >= self.shown and self.shown < 30:
            from goleakhelp.knowledge.search import search

            wider = search(last.detection.text, last.lang, self.shown + PAGE, handle=self._handle())
            if len(wider.hits) > self.shown:
                first = self.shown
                self.last = Explanation(last.detection, last.route, wider, last.lang)
                self.items = _items(self.last)
                self.shown = len(wider.hits)
                return Reply((ShowExplanation(self.last, first),), tuple(h.id for h in wider.hits[first:]), self._offer())
        return Reply((ShowEntry(self.focus),), (self.focus,), self._offer())

    # -- slash commands -----------------------------------------------------------------------

    def _command(self, text: str) -> Reply:
        name, _, arg = text.partition(" ")
        name, arg = name.lower(), arg.strip()
        if name in ("/quit", "/exit", "/q"):
            return Reply((Say(label("chat_bye", self.lang), "dim"),), quit=True)
        if name in ("/help", "/?", "/h"):
            return Reply((Say(label("chat_help", self.lang)),))
        if name == "/cheatsheet":
            return Reply((ShowCheatsheet(),))
        if name == "/clear":
            self.last, self.items, self.focus, self.shown = None, [], None, 0
            return Reply((Say(label("chat_cleared", self.lang), "dim"),))
        if name == "/lang":
            if arg not in ("en", "zh"):
                return self._error(label("chat_lang_usage", self.lang, current=self.lang))
            self.lang, self.lang_fixed = arg, True
            return Reply((Say(label("chat_lang_set", self.lang), "dim"),))
        if name == "/show":
            if not arg:
                return self._error(label("chat_show_usage", self.lang))
            entry = self.kb.get(arg)
            if entry is None:
                message = label("unknown_id", self.lang, id=arg)
                close = self.kb.closest_ids(arg)
                if close:
                    message += " " + label("closest", self.lang, ids=", ".join(close))
                return self._error(message)
            self.focus = entry.id
            return Reply((ShowEntry(entry.id),), (entry.id,), self._offer())
        return self._error(label("chat_unknown_command", self.lang, name=name))

    # -- helpers ----------------------------------------------------------------------------------

    def _error(self, text: str) -> Reply:
        return Reply((Say(text, "error"),))

    def _sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.entry_id for i in self.items if i.entry_id))

    def _offer(self) -> tuple[str, ...]:
        offers = []
        if self.items:
            offers.append(label("offer_pick", self.lang, n=len(self.items)))
        if self.focus:
            offers.append(label("offer_fix", self.lang))
            offers.append(label("offer_why", self.lang))
            offers.append(label("offer_more", self.lang))
        return tuple(offers)


def _items(explanation: Explanation) -> list[Item]:
    result = explanation.result
    if explanation.route == "search":
        return [Item(hit.id, "hit", n) for n, hit in enumerate(result.hits)]
    if explanation.route == "dump":
        # In the order the report shows them: suspicious groups, then the low ones.
        shown = [(n, f) for n, f in enumerate(result.findings) if f.suspicion in ("high", "medium")]
        shown += [(n, f) for n, f in enumerate(result.findings) if f.suspicion == "low"]
        return [Item(f.matches[0].id if f.matches else None, "group", n) for n, f in shown]
    if explanation.route == "code":
        return [Item(f.id, "finding", n) for n, f in enumerate(result.findings)]
    if explanation.route == "heap":
        from goleakhelp.profiles.heap import heap_items

        return [Item(entry_id, "pattern", n) for n, entry_id in heap_items(result)]
    return []


def _binary(message: str) -> bool:
    """Mostly characters no one types: NULs, control bytes, undecodable bytes."""
    sample = message[:65536]
    if not sample:
        return False
    odd = sum(1 for c in sample if (c < " " and c not in "\n\t\r\x1b") or c in "\ufffd\x7f")
    return "\x00" in sample or odd > 0.1 * len(sample)
