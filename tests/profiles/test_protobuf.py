"""Protobuf profiles, decoded natively with pprof's official schema: no Go toolchain needed."""

from __future__ import annotations

import gzip

import pytest

from goleakhelp.dumps.analyze import analyze_dump
from goleakhelp.errors import UserError
from goleakhelp.profiles.heap import analyze_heap, parse_heap_text, read_heap_profile
from goleakhelp.dumps.source import DumpSource
from goleakhelp.inputs import is_gzip
from goleakhelp.profiles.pprof import decode_profile, is_protobuf_profile
from tests.profiles.conftest import DUMPS, fixture_bytes, manifest

HEAP_TYPES = ("alloc_objects", "alloc_space", "inuse_objects", "inuse_space")


def test_gzip_magic():
    assert is_gzip(fixture_bytes("heap.pb.gz"))
    assert not is_gzip(fixture_bytes("heap.debug1.txt"))


@pytest.mark.parametrize(
    "name,kind,types,default",
    [
        ("heap.pb.gz", "heap", HEAP_TYPES, None),
        ("allocs.pb.gz", "allocs", HEAP_TYPES, "alloc_space"),
        ("goroutine.pb.gz", "goroutine", ("goroutine",), None),
    ],
)
def test_kind_from_the_sample_types(name, kind, types, default):
    profile = decode_profile(fixture_bytes(name), name)
    assert (profile.kind, profile.sample_types, profile.default_sample_type or None) == (kind, types, default)


def test_goroutine_profile_from_the_dump_fixtures():
    assert decode_profile((DUMPS / "chan-send-orphan.proto.pb.gz").read_bytes()).kind == "goroutine"


def test_text_and_junk_are_not_protobuf_profiles():
    with pytest.raises(UserError, match="heap.debug1.txt is not a pprof profile"):
        decode_profile(fixture_bytes("heap.debug1.txt"), "heap.debug1.txt")
    with pytest.raises(UserError, match="gzip-compressed but holds no pprof profile"):
        decode_profile(gzip.compress(b"hello"), "x.gz")
    for data in (fixture_bytes("heap.debug1.txt"), bytes(range(256)) * 64, b"", gzip.compress(b"hello")):
        assert not is_protobuf_profile(data)


@pytest.mark.parametrize("name", ["heap.pb.gz", "allocs.pb.gz", "goroutine.pb.gz"])
def test_unpacked_protobuf_is_recognised_too(name):
    # goleakhelp's input reader gunzips what it reads before anyone looks at it.
    data = gzip.decompress(fixture_bytes(name))
    assert is_protobuf_profile(data) and is_protobuf_profile(fixture_bytes(name))
    assert decode_profile(data).kind == decode_profile(fixture_bytes(name)).kind


def test_heap_protobuf_is_read_without_a_toolchain(monkeypatch):
    monkeypatch.setenv("PATH", "")
    profile = read_heap_profile(fixture_bytes("heap.pb.gz"), "heap.pb.gz")
    assert profile.format == "protobuf" and profile.inuse_bytes > 0


@pytest.mark.parametrize("packed", [True, False])
def test_native_heap_reading_equals_go_tool_pprof_raw(packed):
    """The stored `go tool pprof -raw` output of the same profile, read by the text reader, gives
    the same sites, frames (inlined ones included) and totals."""
    data = fixture_bytes("heap.pb.gz")
    native = read_heap_profile(data if packed else gzip.decompress(data), "heap.pb.gz")
    stored = parse_heap_text(fixture_bytes("heap.raw.txt").decode(), "heap.raw.txt")
    assert (native.inuse_bytes, native.inuse_objects, native.alloc_bytes, native.alloc_objects) == (
        stored.inuse_bytes,
        stored.inuse_objects,
        stored.alloc_bytes,
        stored.alloc_objects,
    )
    assert [s.frames for s in native.sites] == [s.frames for s in stored.sites]
    assert (native.sample_rate, native.kind) == (stored.sample_rate, stored.kind)


def test_decoded_profile_values():
    heap = decode_profile(fixture_bytes("heap.pb.gz"), "heap.pb.gz")
    assert heap.units == ("count", "bytes", "count", "bytes") and heap.period_type == "space"
    assert any(f.inlined for s in heap.samples for f in s.frames)  # inlined calls become frames
    assert all(s.frames and s.frames[-1].inlined is False for s in heap.samples)
    assert any(key == "bytes" for s in heap.samples for key, _ in s.labels)  # heap samples carry their size
    goroutines = decode_profile(fixture_bytes("goroutine.pb.gz"))
    assert goroutines.kind == "goroutine" and sum(s.values[0] for s in goroutines.samples) > 0
    assert goroutines.samples[0].frames[0].function == "runtime.gopark"


def test_allocs_protobuf_keeps_its_kind():
    profile = read_heap_profile(fixture_bytes("allocs.pb.gz"), "allocs.pb.gz")
    assert profile.kind == "allocs" and profile.alloc_bytes >= profile.inuse_bytes > 0


def test_heap_protobuf_end_to_end(kb):
    report = analyze_heap(fixture_bytes("heap.pb.gz"), kb.entries.values(), "heap.pb.gz")
    assert report.profile.format == "protobuf"
    assert {p.id for p in report.patterns} >= set(manifest()["patterns"])


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: raw[:200] + bytes(b ^ 0xA5 for b in raw[200:400]) + raw[400:],  # bytes flipped
        lambda raw: b"\x0a\xff\xff\xff\xff\x0f" + raw,  # a length past the end
    ],
)
def test_damaged_protobuf_is_one_line(damage):
    raw = gzip.decompress(fixture_bytes("heap.pb.gz"))
    try:
        profile = read_heap_profile(damage(raw), "heap.pb")
    except UserError as exc:
        assert "\n" not in str(exc)
    else:  # protobuf is lenient: a flip inside a string still decodes, and must still add up
        assert profile.inuse_bytes >= 0


def test_other_kinds_are_refused_with_the_reason():
    with pytest.raises(UserError, match="goroutine profile, not a heap profile"):
        read_heap_profile(fixture_bytes("goroutine.pb.gz"), "goroutine.pb.gz")


def test_goroutine_protobuf_is_a_dump_form(kb):
    data = gzip.decompress(fixture_bytes("goroutine.pb.gz"))  # input readers unpack gzip first
    report = analyze_dump(DumpSource.from_bytes(data, "goroutine.pb.gz"), kb.entries.values(), origin="goroutine.pb.gz")
    assert report.format == "pprof-proto"
    expect = manifest()["goroutines"]
    group = next(f for f in report.findings if f.matches and f.matches[0].id == expect["expect"])
    assert group.group.count == expect["count"] and group.group.state == "chan send"
    frame = next(fr for fr in group.group.frames if fr.function == expect["function"])
    assert frame.file == "heapgen/main.go" and frame.line > 0  # files and lines, which -traces lacked


def test_goroutine_protobuf_matches_what_the_text_dump_matches(kb):
    """The same scenario written by the runtime as debug=2 text and as a protobuf profile."""
    text = analyze_dump((DUMPS / "chan-send-orphan.debug2.txt").read_text(), kb.entries.values())
    proto = analyze_dump(DumpSource.from_bytes(gzip.decompress((DUMPS / "chan-send-orphan.proto.pb.gz").read_bytes()), "p"), kb.entries.values())
    def leaking(report):
        return {(f.group.count, f.matches[0].id) for f in report.findings if f.matches and f.suspicion != "none"}
    assert leaking(proto) == leaking(text) and leaking(text)
