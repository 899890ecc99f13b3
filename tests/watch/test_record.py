"""A recorded watch reads back as it was written, and anything else is one clear line."""

from __future__ import annotations

import pytest

from goleakhelp.errors import UserError
from goleakhelp.render.json import watch_sample_json
from goleakhelp.watch.record import read_record
from goleakhelp.watch.sample import GroupCount, PlaceBytes, Sample

SAMPLE = Sample(
    1700000000.5,
    12,
    (GroupCount("main.lookup.func1 <- main.lookup", 10, "main.lookup.func1 (x.go:3) [chan send]", "chan-send-orphan"),),
    4096,
    (PlaceBytes("main.remember@x.go:9", 4096, 1, "main.remember (x.go:9)", None),),
    {"Sys": 123, "StackInuse": 456},
    ("heap: no answer within 10 s",),
)


def test_round_trip():
    text = watch_sample_json("http://127.0.0.1:6060", SAMPLE) + "\n" + '{"type": "summary"}\n'
    root, samples = read_record(text, "w.jsonl")
    assert root == "http://127.0.0.1:6060" and samples == [SAMPLE]


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "holds no samples"),
        ("not json\n", "w.jsonl:1: not JSON"),
        ('{"type": "sample"}\n', "w.jsonl:1: a sample with missing or wrong fields"),
        ('\n[1, 2]\n', "w.jsonl:2: not a watch sample"),
        ('{"type": "sample", "time": 1, "goroutines": [["k", "many", "l", null]]}\n', "missing or wrong fields"),
    ],
)
def test_bad_records(text, words):
    with pytest.raises(UserError, match=words):
        read_record(text, "w.jsonl")
