"""Words that mean the same thing in a leak report, in English and Chinese, for query expansion.

Readers name one thing many ways: 协程 for goroutine, 句柄 or fd for a file
descriptor, 泄露 for 泄漏, 闭包 for closure. A query is searched with the words
it uses plus every other member of each group it touches, so a Chinese query
also reaches the English fields (the KB's English text is the richer of the two)
and a colloquial word reaches the KB's own term. Groups were collected from
how Chinese articles and forum posts and English issues word leak problems, not
from the test queries' expected answers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from goleakhelp.knowledge.analysis import CJK

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("泄漏", "泄露", "leak"),
    ("内存泄漏", "内存泄露", "memory leak"),
    ("协程", "goroutine"),
    ("闭包", "closure", "匿名函数", "func literal"),
    ("句柄", "文件描述符", "fd", "file descriptor", "描述符"),
    ("通道", "管道", "channel", "chan"),
    ("定时器", "计时器", "timer"),
    ("打点器", "周期定时器", "ticker"),
    ("上下文", "context", "ctx"),
    ("互斥锁", "mutex"),
    ("读写锁", "rwmutex", "读锁", "rlock"),
    ("条件变量", "sync.cond"),
    ("等待组", "waitgroup"),
    ("死锁", "deadlock"),
    ("阻塞", "卡住", "卡死", "挂起", "blocked", "stuck", "hang"),
    ("超时", "timeout", "deadline"),
    ("取消", "cancel", "cancellation"),
    ("监控", "观测", "指标", "metrics", "monitor"),
    ("切片", "slice"),
    ("子切片", "subslice", "reslice"),
    ("字符串", "string"),
    ("子串", "子字符串", "substring"),
    ("底层数组", "backing array", "underlying array"),
    ("缓存", "cache"),
    ("淘汰", "过期", "eviction", "ttl"),
    ("连接池", "pool", "连接池耗尽"),
    ("数据库", "database", "sql"),
    ("事务", "transaction", "tx"),
    ("预编译语句", "预处理语句", "prepared statement", "stmt"),
    ("响应体", "response body", "resp.body"),
    ("客户端", "client"),
    ("服务端", "服务器", "server"),
    ("子进程", "subprocess", "child process"),
    ("僵尸进程", "zombie"),
    ("线程", "thread", "os thread"),
    ("终结器", "析构", "finalizer"),
    ("引用环", "循环引用", "reference cycle", "cycle"),
    ("堆内存", "heap"),
    ("常驻内存", "rss", "resident"),
    ("轮询", "polling", "poll"),
    ("休眠", "sleep"),
    ("无缓冲", "unbuffered"),
    ("接收", "receive", "recv"),
    ("发送", "send"),
    ("缓冲区", "buffer", "buffered"),
    ("单元测试", "测试", "test"),
    ("循环", "loop"),
    ("循环变量", "loop variable", "loopvar"),
    ("关闭", "close"),
    ("释放", "release", "free"),
    ("排查", "诊断", "定位", "diagnose", "debug", "troubleshoot"),
    ("性能分析", "剖析", "profile", "pprof"),
    ("堆栈", "调用栈", "stack", "goroutine dump"),
)


def _pattern(word: str) -> str:
    if re.search(rf"[{CJK}]", word):
        return re.escape(word)
    return rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])"


@lru_cache(maxsize=1)
def _matchers() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    return tuple((re.compile("|".join(map(_pattern, group)), re.I), group) for group in SYNONYM_GROUPS)


def expand(query: str) -> str:
    """The words of every synonym group the query touches that it does not already contain."""
    lowered = query.lower()
    extra: list[str] = []
    for matcher, group in _matchers():
        if matcher.search(query):
            extra += [w for w in group if w.lower() not in lowered and w not in extra]
    return " ".join(extra)
