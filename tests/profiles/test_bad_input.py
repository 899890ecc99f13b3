"""Bad input gets a one-line UserError that says what the file is and what to do."""

from __future__ import annotations

import gzip

import pytest

from goleakhelp.errors import UserError
from goleakhelp.profiles.heap import parse_heap_text, read_heap_profile
from tests.profiles.conftest import DUMPS, fixture_bytes


def _error(data: bytes, origin: str = "prof.txt") -> str:
    with pytest.raises(UserError) as info:
        read_heap_profile(data, origin)
    message = str(info.value)
    assert "\n" not in message and message.startswith(origin)
    assert info.value.code == 2
    return message


@pytest.mark.parametrize("data", [b"", b"  \n\n", b"\r\n"])
def test_empty(data):
    assert "is empty" in _error(data)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40,
        b"\xff\xfe\xfd not utf-8 \xc3\x28",
    ],
)
def test_binary_junk(data):
    message = _error(data)
    assert "not a heap profile" in message or "not UTF-8" in message


def test_plain_text_that_is_no_profile():
    message = _error(b"hello\nworld\n")
    assert "is not a heap profile" in message and "debug=1" in message


def test_goroutine_dump_given_as_heap_profile():
    message = _error((DUMPS / "chan-send-orphan.debug2.txt").read_bytes())
    assert "goroutine dump" in message and "goleakhelp dump" in message
    message = _error((DUMPS / "chan-send-orphan.debug1.txt").read_bytes())
    assert "goroutine dump" in message


def test_goroutine_protobuf_given_as_heap_profile():
    message = _error(fixture_bytes("goroutine.pb.gz"), "goroutine.pb.gz")
    assert "goroutine profile" in message and "goleakhelp explain goroutine.pb.gz" in message


def _debug1() -> str:
    return fixture_bytes("heap.debug1.txt").decode()


def test_truncated_in_the_records():
    # runtime/pprof writes the largest sites last, so a cut loses the ones that matter.
    text = _debug1()
    cut = text[: text.index("# runtime.MemStats") // 2]
    cut = cut[: cut.rindex("\n") + 1]
    with pytest.raises(UserError, match="is cut short"):
        parse_heap_text(cut, "cut.txt")


def test_truncated_mid_line():
    text = _debug1()
    last_record = text.rindex("\n6: ")
    with pytest.raises(UserError, match=r"cut short: its last line \(\d+\) is an incomplete record"):
        parse_heap_text(text[: last_record + 12], "cut.txt")


def test_truncated_after_a_record_line():
    text = _debug1()
    end = text.index("\n", text.rindex("\n6: ") + 1)
    with pytest.raises(UserError, match="has no stack"):
        parse_heap_text(text[: end + 1], "cut.txt")


def test_cut_inside_memstats_is_read_with_a_note():
    text = _debug1()
    profile = parse_heap_text(text[: text.index("# NumGC")], "cut.txt")
    assert profile.sites and any("MemStats section is incomplete" in n for n in profile.notes)


def test_header_only_is_not_a_profile():
    with pytest.raises(UserError, match="first line starts like a heap profile"):
        parse_heap_text("heap profile: x\n", "h.txt")


def test_truncated_raw_output():
    text = fixture_bytes("heap.raw.txt").decode()
    with pytest.raises(UserError, match="Locations section .* is missing"):
        parse_heap_text(text[: text.index("Locations")], "raw.txt")


def test_damaged_gzip():
    data = fixture_bytes("heap.pb.gz")
    assert "cannot be unpacked" in _error(data[: len(data) // 2], "heap.pb.gz")


def test_gzip_of_something_else():
    assert "is not a heap profile" in _error(gzip.compress(b"just some words\n"), "x.gz")
    assert "binary data" in _error(gzip.compress(bytes(range(256)) * 4), "x.gz")
