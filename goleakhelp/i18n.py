"""The user's language, and the interface's own words in English and Chinese.

Entry texts come from the KB; this module only holds the labels around them.
"""

from __future__ import annotations

import os

def detect_lang(environ: dict[str, str] | None = None) -> str:
    """`zh` when the locale asks for Chinese (LANGUAGE, then LC_ALL, then LANG), else `en`."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        first = value.split(":")[0].lower()
        if first in ("c", "posix") or first.startswith("c."):
            return "en"
        return "zh" if first.startswith("zh") else "en"
    return "en"


LABELS: dict[str, tuple[str, str]] = {
    "symptoms": ("Symptoms", "症状"),
    "errors": ("Error messages", "错误信息"),
    "why": ("Why it leaks", "为什么会泄漏"),
    "why_technique": ("What it is for", "用途"),
    "fix": ("Fix", "修复方法"),
    "pitfalls": ("Common wrong advice", "常见错误建议"),
    "leaky": ("Leaky code", "有泄漏的代码"),
    "fixed": ("Fixed code", "修复后的代码"),
    "example": ("Example", "示例"),
    "commands": ("Commands", "命令"),
    "dump": ("In a goroutine dump", "goroutine dump 中的特征"),
    "heap": ("In a heap profile", "heap profile 中的特征"),
    "linters": ("Linters", "静态检查工具"),
    "no_linter": ("No linter catches this.", "没有静态检查工具能发现它。"),
    "detector": ("goleakhelp code", "goleakhelp code 代码检测"),
    "detector_yes": (
        "Detected in source: goleakhelp code reports it as {id}.",
        "可以从源码检测：goleakhelp code 会以 {id} 报告。",
    ),
    "go_versions": ("Go versions", "Go 版本说明"),
    "related": ("Related", "相关条目"),
    "references": ("References", "参考资料"),
    "wait_state": ("wait state", "等待状态"),
    "frames": ("frames", "调用帧"),
    "created_by": ("created by", "创建者"),
    "any_state": ("any", "任意"),
    "kind": ("kind", "类型"),
    "category": ("category", "分类"),
    "severity": ("severity", "严重程度"),
    "id": ("id", "编号"),
    "title": ("title", "标题"),
    "score": ("score", "得分"),
    "matched": ("matched", "匹配"),
    "symptom": ("Symptom", "症状"),
    "cause": ("Cause", "原因"),
    "collect": ("Collecting evidence", "收集证据"),
    "cheatsheet_title": ("goleakhelp cheat sheet: Go memory and goroutine leaks", "goleakhelp 速查表：Go 内存与 goroutine 泄漏"),
    "did_you_mean": ("Did you mean", "您是不是要找"),
    "showing_for": ("results include the corrected words", "结果已包含更正后的词"),
    "no_results": (
        "No entry matches {query!r}. Try other words for the symptom (\"goroutines keep growing\", \"too many open files\"), an error message, or `goleakhelp list` to browse.",
        "没有条目匹配 {query!r}。换个说法描述症状（如“goroutine 一直增长”“too many open files”）、粘贴错误信息，或用 `goleakhelp list` 浏览全部条目。",
    ),
    "more": ("Full entry: goleakhelp show {id}", "完整条目：goleakhelp show {id}"),
    "unknown_id": ("No entry with id {id!r}.", "没有编号为 {id!r} 的条目。"),
    "closest": ("Closest ids: {ids}", "最接近的编号：{ids}"),
    "entries": ("{n} entries", "共 {n} 个条目"),
    "kb_summary": ("{valid} valid entries in {files} files, {bad} problem(s)", "{files} 个文件中有 {valid} 个有效条目，{bad} 个问题"),
    "kb_not_compiled": ("not compiled: {reason}", "未编译：{reason}"),
    "kb_no_compile": ("does not compile:", "无法编译："),
    "kb_wrote": (
        "wrote {path}: fill in every TODO, then run `goleakhelp kb check --kb-dir {folder}`",
        "已写入 {path}：填好每个 TODO 后运行 `goleakhelp kb check --kb-dir {folder}`",
    ),
    # code analysis
    "code_hidden": (
        "{count} more {id} finding(s) not shown (--max-per-rule 0 shows all)",
        "另有 {count} 处 {id} 未显示（--max-per-rule 0 显示全部）",
    ),
    "code_summary": ("{findings} finding(s) in {files} file(s), {lines} lines", "{files} 个文件、{lines} 行中发现 {findings} 处问题"),
    # goroutine dump reports
    "dump_summary": (
        "{total} goroutines in {groups} groups ({form}); {suspicious} suspicious",
        "共 {total} 个 goroutine，{groups} 组（{form}）；{suspicious} 组可疑",
    ),
    "dump_states": ("states", "状态"),
    "dump_nothing": (
        "Nothing suspicious: no group is blocked in large numbers, for long, or marked leaked. "
        "To catch a slow leak, compare two dumps taken minutes apart: goleakhelp dump --base OLD NEW",
        "没有可疑之处：没有大量、长时间阻塞或被标记为 leaked 的 goroutine 组。"
        "要发现缓慢的泄漏，请比较间隔几分钟的两份 dump：goleakhelp dump --base OLD NEW",
    ),
    "dump_group": ("{count} goroutines", "{count} 个 goroutine"),
    "dump_evidence": ("Evidence", "证据"),
    "dump_pattern": ("Pattern", "模式"),
    "dump_why_matched": ("why it matches", "匹配原因"),
    "dump_also": ("also fits", "也符合"),
    "dump_tied": (
        "equally likely from this dump: {ids}; compare your code with each entry (goleakhelp show ID)",
        "仅凭这份 dump 同样可能：{ids}；请对照各条目检查代码（goleakhelp show ID）",
    ),
    "dump_no_pattern": ("No known pattern matches this code path.", "没有已知模式匹配这条代码路径。"),
    "dump_stack": ("Stack", "调用栈"),
    "dump_source": ("Blocked line", "阻塞所在行"),
    "dump_start_here": ("start here", "从这里开始"),
    "dump_low": ("Worth a look (low suspicion)", "值得一看（可疑程度低）"),
    "dump_others": ("{n} more groups look normal; --all shows them", "另有 {n} 组看起来正常；--all 可全部显示"),
    "dump_waiting": ("waiting {low}–{high} minutes", "已等待 {low}–{high} 分钟"),
    "dump_created": ("created by {fn}", "创建者 {fn}"),
    "dump_parents": ("from {n} goroutines", "来自 {n} 个 goroutine"),
    "dump_parent": ("in goroutine {id}", "位于 goroutine {id}"),
    "dump_labels": ("labels", "标签"),
    "dump_base": ("compared with {origin}: {base} goroutines then, {total} now", "与 {origin} 比较：当时 {base} 个 goroutine，现在 {total} 个"),
    "dump_growth": ("{base} → {count}", "{base} → {count}"),
    "dump_header": ("The dump starts with: {header}", "dump 开头：{header}"),
    "suspicion_high": ("HIGH", "高"),
    "suspicion_medium": ("MEDIUM", "中"),
    "suspicion_low": ("LOW", "低"),
    "suspicion_none": ("none", "无"),
    # heap profile reports
    "heap_summary": (
        "{inuse} in use in {objects} objects at {sites} allocation sites ({form}); {patterns} known pattern(s) match",
        "{sites} 个分配点共有 {objects} 个对象、{inuse} 在用（{form}）；匹配 {patterns} 个已知模式",
    ),
    "heap_memstats": (
        "MemStats: HeapInuse {inuse}, free but resident (HeapIdle − HeapReleased) {free}, Sys {sys}, {gc} GCs",
        "MemStats：HeapInuse {inuse}，空闲但仍驻留（HeapIdle − HeapReleased）{free}，Sys {sys}，已 GC {gc} 次",
    ),
    "heap_patterns": ("Known patterns", "已知模式"),
    "heap_held": ("{bytes} ({share}) at {sites} site(s)", "{sites} 个分配点共 {bytes}（{share}）"),
    "heap_frame_matches": ("{fn} matches {pattern}", "{fn} 匹配 {pattern}"),
    "heap_matched_frames": ("Matched frames", "匹配的调用帧"),
    "heap_allocated_at": ("Allocated at", "分配位置"),
    "heap_more_sites": ("... {n} more sites", "……另有 {n} 个分配点"),
    "heap_tied": (
        "equally likely from this profile: {ids}; compare your code with each entry (goleakhelp show ID)",
        "仅凭这份 profile 同样可能：{ids}；请对照各条目检查代码（goleakhelp show ID）",
    ),
    "heap_minor": ("Also matched, each under {share} of in-use memory: {ids}", "也有匹配，但各自不到在用内存的 {share}：{ids}"),
    "heap_unmatched": (
        "{bytes} ({share}) of in-use memory matches no entry; the largest holders:",
        "{bytes}（{share}）的在用内存没有匹配任何条目；占用最多的函数：",
    ),
    "heap_holder": (
        "{fn} ({loc}): {bytes} ({share}) in {objects} objects at {sites} site(s)",
        "{fn}（{loc}）：{sites} 个分配点、{objects} 个对象，共 {bytes}（{share}）",
    ),
    "heap_holder_near": (
        "the same function also allocates memory matched by {ids}; the same structure may keep this too",
        "同一函数分配的其他内存匹配 {ids}；这部分可能也被同一结构保留",
    ),
    "heap_candidates": (
        "Memory the program's own code keeps shows up at the function that allocated it, and one profile cannot "
        "tell which pattern keeps it; it may be: {ids}. Take two profiles minutes apart and compare them: "
        "go tool pprof -base OLD NEW",
        "程序自身代码保留的内存记在分配它的函数上，仅凭一份 profile 无法判断是哪种模式保留了它；可能是：{ids}。"
        "请间隔几分钟采集两份 profile 并对比：go tool pprof -base OLD NEW",
    ),
    "heapdiff_summary": (
        "In-use heap {change} from {base} to {new} ({delta}{rate}) between {base_origin} and {origin}",
        "在用堆内存从 {base} {change}到 {new}（{delta}{rate}），{base_origin} → {origin}",
    ),
    "heapdiff_grew": ("grew", "增长"),
    "heapdiff_shrank": ("shrank", "减少"),
    "heapdiff_rate": (", {rate} per minute over {minutes}", "，{minutes} 内每分钟 {rate}"),
    "heapdiff_patterns": ("What grew, by known pattern", "按已知模式看增长"),
    "heapdiff_pattern_held": ("+{bytes} ({share} of the growth) at {places} place(s)", "{places} 处共 +{bytes}（占增长的 {share}）"),
    "heapdiff_growing": ("Allocation sites that grew", "增长的分配点"),
    "heapdiff_site": ("+{bytes} and +{objects} objects ({base} → {new}){rate}", "+{bytes}、+{objects} 个对象（{base} → {new}）{rate}"),
    "heapdiff_site_rate": (", {rate}/min", "，每分钟 {rate}"),
    "heapdiff_unexplained": (
        "No known pattern names these sites: read the code at the program's frame; a map, slice or cache that only grows is the usual cause.",
        "这些分配点没有对应的已知模式：请查看程序自己的那一帧代码；通常是只增不减的 map、切片或缓存。",
    ),
    "heapdiff_flat": (
        "The heap is flat: it did not grow enough between the two profiles to be a leak in Go objects.",
        "堆内存基本持平：两次采样之间的增长不足以说明 Go 对象在泄漏。",
    ),
    "heapdiff_flat_rss": (
        "If the process's memory (RSS) still grows, it is outside the Go heap: read {ids}.",
        "如果进程内存（RSS）仍在增长，增长发生在 Go 堆之外：请看 {ids}。",
    ),
    "heapdiff_flat_goroutines": (
        "If the goroutine count grows, their stacks are not in heap profiles: read {ids}, and run `goleakhelp dump` on a goroutine dump.",
        "如果 goroutine 数量在增长，它们的栈不在 heap profile 里：请看 {ids}，并对 goroutine dump 运行 `goleakhelp dump`。",
    ),
    "heapdiff_memstats": (
        "runtime.MemStats: Sys {sys}, HeapInuse {heap}, StackInuse {stack}, idle but resident {idle}",
        "runtime.MemStats：Sys {sys}，HeapInuse {heap}，StackInuse {stack}，空闲但仍驻留 {idle}",
    ),
    "heapdiff_nothing_grew": ("No allocation site grew by more than {bytes}.", "没有哪个分配点增长超过 {bytes}。"),
    "watch_title": ("Watching {root}", "正在观察 {root}"),
    "watch_status": ("{n} samples over {seconds} s; Ctrl-C ends with a summary", "{seconds} 秒内 {n} 次采样；按 Ctrl-C 结束并显示汇总"),
    "watch_goroutines_now": ("{n} goroutines", "{n} 个 goroutine"),
    "watch_heap_now": ("heap {bytes} in use", "堆在用 {bytes}"),
    "watch_poll_failed": ("last poll failed: {error}", "上次采样失败：{error}"),
    "watch_nothing_grows": ("Nothing grows so far.", "目前没有在增长的项。"),
    "watch_col_what": ("what", "对象"),
    "watch_col_now": ("now", "当前"),
    "watch_col_rate": ("per min", "每分钟"),
    "watch_col_trend": ("trend", "趋势"),
    "watch_col_pattern": ("pattern", "模式"),
    "watch_kind_goroutines": ("goroutines", "goroutine"),
    "watch_kind_heap": ("heap", "堆"),
    "watch_mark_goroutines": ("G", "G"),
    "watch_mark_heap": ("H", "H"),
    "watch_legend": ("G: goroutine group, H: heap allocation place", "G：goroutine 分组，H：堆分配位置"),
    "watch_summary": ("{samples} samples over {seconds} s of {root}", "{root}：{seconds} 秒内 {samples} 次采样"),
    "watch_failed_polls": ("{n} poll(s) failed; the trends use the others", "{n} 次采样失败；趋势基于其余采样"),
    "watch_goroutines_range": ("goroutines: {first} → {last}", "goroutine：{first} → {last}"),
    "watch_heap_range": ("heap in use: {first} → {last}", "堆在用：{first} → {last}"),
    "watch_nothing_steady": ("Nothing grew steadily.", "没有持续增长的项。"),
    "watch_growing": ("Grew steadily", "持续增长"),
    "watch_per_minute": ("{rate}/min", "每分钟 {rate}"),
    "watch_dig_in": ("To dig in:", "进一步排查："),
    "watch_html_stack": ("frames", "调用帧"),
    "watch_html_seconds": ("seconds since the first sample", "距第一次采样的秒数"),
    "watch_wrote_report": ("wrote {path}", "已写入 {path}"),
    "heap_sites": ("Largest allocation sites", "最大的分配点"),
    "heap_site": ("{bytes} in {objects} objects ({share})", "{objects} 个对象共 {bytes}（{share}）"),
    "heap_no_pattern": ("no known pattern", "无已知模式"),
    "heap_nothing": (
        "No allocation site holds memory in this profile. Take it while memory is high, or compare two: go tool pprof -base OLD NEW",
        "这份 profile 中没有分配点占用内存。请在内存偏高时采集，或对比两份：go tool pprof -base OLD NEW",
    ),
}

CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "goroutine": ("Goroutines and channels", "goroutine 与 channel"),
    "sync": ("sync: WaitGroup, Mutex, Cond", "sync：WaitGroup、Mutex、Cond"),
    "context": ("Contexts", "context"),
    "timer": ("Timers and tickers", "定时器与 ticker"),
    "http": ("HTTP and gRPC", "HTTP 与 gRPC"),
    "database": ("database/sql", "database/sql"),
    "resource": ("Files, connections and pipes", "文件、连接与管道"),
    "memory": ("Memory retention", "内存滞留"),
    "cgo-os": ("cgo, threads and processes", "cgo、线程与进程"),
    "finalizer": ("Finalizers", "finalizer"),
    "diagnostics": ("Diagnostics", "诊断手段"),
}

KIND_NAMES: dict[str, tuple[str, str]] = {
    "pattern": ("leak pattern", "泄漏模式"),
    "technique": ("technique", "诊断技巧"),
    "not-a-leak": ("not a leak", "并非泄漏"),
}


# The assistant's own words (explain and chat).
ASSISTANT_LABELS: dict[str, tuple[str, str]] = {
    "detected": ("Detected {what} → {route}", "识别为：{what} → {route}"),
    "what_dump": ("a goroutine dump", "goroutine dump"),
    "what_debug1": ("a goroutine profile (debug=1)", "goroutine profile（debug=1）"),
    "what_leak_profile": ("a goroutine leak profile", "goroutine 泄漏 profile（goroutineleak）"),
    "what_protobuf_goroutines": ("a goroutine profile (protobuf)", "goroutine profile（protobuf）"),
    "what_traces": ("`go tool pprof -traces` output", "`go tool pprof -traces` 的输出"),
    "what_crash": ("a crash with goroutine stacks", "带 goroutine 栈的崩溃输出"),
    "what_heap": ("a heap profile", "heap profile"),
    "what_heap_protobuf": ("a heap profile (protobuf)", "heap profile（protobuf）"),
    "what_code": ("Go code ({lines} lines)", "Go 代码（{lines} 行）"),
    "what_code_inside": ("Go code ({lines} lines inside other text)", "夹在其他文字中的 Go 代码（{lines} 行）"),
    "what_log": ("a log excerpt", "一段日志"),
    "what_error": ("an error message", "错误信息"),
    "what_question": ("a question", "问题"),
    "what_symptom": ("a symptom or keywords", "症状或关键词"),
    "what_forced_dump": ("a goroutine dump (as asked with --as)", "goroutine dump（按 --as 指定）"),
    "what_forced_code": ("Go code (as asked with --as)", "Go 代码（按 --as 指定）"),
    "what_forced_query": ("a search query (as asked with --as)", "搜索词（按 --as 指定）"),
    "route_dump": ("goroutine dump analysis", "goroutine dump 分析"),
    "route_code": ("code analysis", "代码分析"),
    "route_search": ("knowledge-base search", "知识库搜索"),
    "route_heap": ("heap profile analysis", "heap profile 分析"),
    "chat_message": ("the message", "这条消息"),
    "chat_welcome": (
        "goleakhelp chat: ask about a leak, describe a symptom, or paste a goroutine dump or Go code.\n"
        "A multi-line paste is one message; to type several lines, start and end them with a line of three quotes (\"\"\").\n"
        "/help lists the commands; Ctrl-D or /quit leaves.",
        "goleakhelp chat：可以询问泄漏问题、描述症状，或粘贴 goroutine dump 或 Go 代码。\n"
        "多行粘贴算作一条消息；手动输入多行时，用单独一行三个引号（\"\"\"）开始和结束。\n"
        "输入 /help 查看命令；Ctrl-D 或 /quit 退出。",
    ),
    "chat_help": (
        "Ask a question (\"why does time.After in a loop leak?\"), describe a symptom, or paste a dump, Go code,\n"
        "a heap profile or an error message. After an answer you can type:\n"
        "  2 / #2            open item 2 of the last answer\n"
        "  fix               the fix for the current entry, with fixed code\n"
        "  why?              why it leaks\n"
        "  code              the leaky and the fixed example\n"
        "  more              more results, or the whole entry\n"
        "Commands:\n"
        "  /show ID          show an entry (ids as printed in answers)\n"
        "  /cheatsheet       every pattern on one page\n"
        "  /lang en|zh       answer in English or Chinese\n"
        "  /clear            forget the last answer\n"
        "  /quit             leave (also Ctrl-D or Ctrl-C)\n"
        "Multi-line input: paste it, or type a line with three quotes (\"\"\"), the lines, and another \"\"\".",
        "可以提问（“为什么在循环里用 time.After 会泄漏？”）、描述症状，或粘贴 dump、Go 代码、heap profile 或错误信息。\n"
        "得到回答后可以输入：\n"
        "  2 / #2 / 第2个     打开上一个回答中的第 2 项\n"
        "  怎么修             当前条目的修复方法及修复后的代码\n"
        "  为什么             泄漏的原因\n"
        "  代码               有泄漏的示例和修复后的示例\n"
        "  更多               更多结果，或完整条目\n"
        "命令：\n"
        "  /show ID          显示一个条目（ID 见回答中）\n"
        "  /cheatsheet       所有模式的速查表\n"
        "  /lang en|zh       用英文或中文回答\n"
        "  /clear            忘掉上一个回答\n"
        "  /quit             退出（也可按 Ctrl-D 或 Ctrl-C）\n"
        "多行输入：直接粘贴，或先输入一行三个引号（\"\"\"），再输入内容，最后再输入一行 \"\"\"。",
    ),
    "chat_too_big": (
        "That message has {size} characters; the chat takes up to {limit}. Save it to a file and run `goleakhelp explain FILE`.",
        "这条消息有 {size} 个字符，chat 最多接受 {limit} 个。请保存为文件后运行 `goleakhelp explain FILE`。",
    ),
    "chat_too_many": (
        "Stopped after {limit} messages; the other {left} were not answered. Pipe in fewer at a time, or put a whole dump or file in one message.",
        "已在 {limit} 条消息后停止，其余 {left} 条没有回答。请每次少输入一些，或把整个 dump 或文件作为一条消息。",
    ),
    "chat_binary": (
        "That looks like binary data, not text; paste a goroutine dump, Go code, an error message or a question.",
        "这看起来是二进制数据而不是文本；请粘贴 goroutine dump、Go 代码、错误信息或问题。",
    ),
    "chat_nothing_yet": (
        "There is no answer to follow up yet: ask a question or paste a dump or code first.",
        "还没有可以追问的回答：请先提问，或粘贴 dump 或代码。",
    ),
    "chat_nothing_to_pick": ("The last answer has no numbered items to pick.", "上一个回答中没有可选的编号项。"),
    "chat_no_pattern": ("No known pattern matches that item.", "没有已知的模式与这一项匹配。"),
    "chat_pick_range": ("Pick a number from 1 to {n}.", "请输入 1 到 {n} 之间的编号。"),
    "chat_bye": ("Bye.", "再见。"),
    "chat_cleared": ("Forgot the last answer.", "已忘掉上一个回答。"),
    "chat_lang_usage": ("Use /lang en or /lang zh (now: {current}).", "用法：/lang en 或 /lang zh（当前：{current}）。"),
    "chat_lang_set": ("Answers are now in English.", "现在用中文回答。"),
    "chat_show_usage": ("Use /show ID, for example /show time-after-loop.", "用法：/show ID，例如 /show time-after-loop。"),
    "chat_unknown_command": ("Unknown command {name}; /help lists the commands.", "未知命令 {name}；输入 /help 查看命令。"),
    "chat_sources": ("From the knowledge base: {ids}", "依据的知识库条目：{ids}"),
    "chat_next": ("Next: {offers}", "接下来可以输入：{offers}"),
    "offer_pick": ("1–{n} to open an item", "1–{n} 打开某一项"),
    "offer_fix": ("fix", "怎么修"),
    "offer_why": ("why?", "为什么"),
    "offer_more": ("more", "更多"),
}
LABELS.update(ASSISTANT_LABELS)


def label(key: str, lang: str, **fields: object) -> str:
    en, zh = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def category_name(category: str, lang: str) -> str:
    en, zh = CATEGORY_NAMES.get(category, (category, category))
    return zh if lang == "zh" else en


def kind_name(kind: str, lang: str) -> str:
    en, zh = KIND_NAMES.get(kind, (kind, kind))
    return zh if lang == "zh" else en


# Knowledge-base check messages in Chinese. The schema writes each problem in English (the
# one source of each message); `kb check --lang zh` shows these translations, matched by
# pattern, and falls back to English for anything not listed.
_PROBLEMS_ZH: tuple[tuple[str, str], ...] = (
    (r"^is missing$", "缺失"),
    (r"^section is missing$", "缺少这一部分"),
    (r"^must be a non-empty text$", "必须是非空文本"),
    (r"^still marked TODO: write this section$", "仍标记为 TODO：请写完这一部分"),
    (r"^must be one line$", "必须只有一行"),
    (r"^is (.+); expected one of: (.+)$", r"值为 \1；应为以下之一：\2"),
    (r"^must be a list of texts$", "必须是文本列表"),
    (r"^must list at least one item$", "至少要有一项"),
    (r"^must be a mapping$", "必须是映射（键值对）"),
    (r"^has (\d+) English and (\d+) Chinese items; translate each item$", r"有 \1 条英文、\2 条中文；请逐条翻译"),
    (r"^holds no Chinese text$", "没有中文内容"),
    (r"^regular expression does not compile: (.+)$", r"正则表达式无法编译：\1"),
    (r"^is not a YAML mapping of sections$", "不是由各部分组成的 YAML 映射"),
    (r"^unknown section; sections are: (.+)$", r"未知的部分；可用的部分有：\1"),
    (r"^(.+) is not a slug \(lower-case words joined by '-'\)$", r"\1 不是合法编号（用 '-' 连接的小写单词）"),
    (r"^(.+) does not match the file name (.+)$", r"\1 与文件名 \2 不一致"),
    (r"^the first fix step is the one-line fix and must be one line$", "第一条修复步骤是一行修复说明，必须只有一行"),
    (r"^a pattern needs Go code here$", "泄漏模式条目在这里需要 Go 代码"),
    (r"^must be a whole Go file starting with a package clause$", "必须是以 package 子句开头的完整 Go 文件"),
    (r"^only patterns have leaky code; a (.+) entry sets it to null$", r"只有泄漏模式才有 leaky 代码；\1 条目应设为 null"),
    (r"^a technique lists the commands a user runs$", "诊断技巧条目必须列出用户要运行的命令"),
    (r"^must be a list$", "必须是列表"),
    (r"^(.+) is not a Go wait reason or goroutine status$", r"\1 不是 Go 的等待原因或 goroutine 状态"),
    (r"^must be a whole number of goroutines$", "必须是 goroutine 的整数个数"),
    (r"^unknown key; .*$", "未知的键；签名只有 states、frames、created_by，以及可选的 source、min_count、go_before 和 module_since"),
    (r"^(.+) is not a module path and version like \"(.+)\"$", r'\1 不是 "\2" 这样的模块路径加版本'),
    (r"^matches every goroutine: .*$", "会匹配所有 goroutine：请给出 states、frames、created_by 或 min_count"),
    (r"^must be a list of \{tool, rule\}$", "必须是 {tool, rule} 列表"),
    (r"^is `true` when goleakhelp code detects this pattern, .*$", "goleakhelp code 能检测该模式时为 `true`，否则用 {en, zh} 说明原因"),
    (r"^must be a list of \{version, en, zh\}$", "必须是 {version, en, zh} 列表"),
    (r"^(.+) is not a Go version like \"1\.23\" \(quote it in YAML\)$", r'\1 不是 "1.23" 这样的 Go 版本（在 YAML 中请加引号）'),
    (r"^(.+) is not an http\(s\) URL$", r"\1 不是 http(s) 网址"),
    (r"^duplicate id (.+), also used by (.+)$", r"编号 \1 重复，\2 也在使用"),
    (r"^unknown entry id (.+)$", r"未知的条目编号 \1"),
    (r"^an entry cannot be related to itself$", "条目不能与自身相关"),
    (r"^cannot read: (.+)$", r"无法读取：\1"),
    (r"^is ([\d,]+) bytes; an entry is at most ([\d,]+)$", r"大小为 \1 字节；条目最多 \2 字节"),
    (r"^is not UTF-8 text \(byte (\d+)\)$", r"不是 UTF-8 文本（第 \1 字节）"),
    (r"^invalid YAML: (.+)$", r"YAML 无效：\1"),
    (r"^knowledge-base folder does not exist or is not a folder$", "知识库文件夹不存在，或不是文件夹"),
)


def problem_message(message: str, lang: str) -> str:
    """A KB check message in the user's language."""
    if lang != "zh":
        return message
    import re

    for pattern, chinese in _PROBLEMS_ZH:
        if re.match(pattern, message):
            return re.sub(pattern, chinese, message)
    return message
