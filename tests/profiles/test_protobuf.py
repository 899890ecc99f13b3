"""Protobuf profiles: recognised without a toolchain, converted with `go tool pprof` when one exists."""

from __future__ import annotations

import gzip

import pytest

from goleakhelp.dumps.analyze import analyze_dump
from goleakhelp.errors import UserError
from goleakhelp.profiles import protobuf
from goleakhelp.profiles.heap import analyze_heap, parse_heap_text, read_heap_profile
from goleakhelp.profiles.protobuf import convert_profile, identify_profile, is_gzip, is_protobuf_profile, profile_text
from tests.profiles.conftest import DUMPS, fixture_bytes, manifest, needs_go

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
    info = identify_profile(fixture_bytes(name), name)
    assert (info.kind, info.sample_types, info.default_sample_type) == (kind, types, default)


def test_goroutine_profile_from_the_dump_fixtures():
    assert identify_profile((DUMPS / "chan-send-orphan.proto.pb.gz").read_bytes()).kind == "goroutine"


def test_text_and_junk_are_not_protobuf_profiles():
    with pytest.raises(UserError, match="heap.debug1.txt is not a pprof profile"):
        identify_profile(fixture_bytes("heap.debug1.txt"), "heap.debug1.txt")
    with pytest.raises(UserError, match="gzip-compressed but holds no pprof profile"):
        identify_profile(gzip.compress(b"hello"), "x.gz")
    for data in (fixture_bytes("heap.debug1.txt"), bytes(range(256)) * 64, b"", gzip.compress(b"hello")):
        assert not is_protobuf_profile(data)


@pytest.mark.parametrize("name", ["heap.pb.gz", "allocs.pb.gz", "goroutine.pb.gz"])
def test_unpacked_protobuf_is_recognised_too(name):
    # goleakhelp's input reader gunzips what it reads before anyone looks at it.
    data = gzip.decompress(fixture_bytes(name))
    assert is_protobuf_profile(data) and is_protobuf_profile(fixture_bytes(name))
    assert identify_profile(data).kind == identify_profile(fixture_bytes(name)).kind


@pytest.mark.parametrize("name,command", [("heap.pb.gz", "go tool pprof -raw heap.pb.gz"), ("goroutine.pb.gz", "go tool pprof -traces goroutine.pb.gz")])
def test_without_a_toolchain_the_message_says_what_to_run(monkeypatch, name, command):
    monkeypatch.setattr(protobuf, "find_go", lambda: None)
    with pytest.raises(UserError) as info:
        convert_profile(fixture_bytes(name), name)
    message = str(info.value)
    assert "\n" not in message and "in protobuf form" in message and f"`{command}`" in message


def test_heap_reader_without_a_toolchain(monkeypatch):
    monkeypatch.setattr(protobuf, "find_go", lambda: None)
    with pytest.raises(UserError, match=r"is a heap profile in protobuf form .*go tool pprof -raw"):
        read_heap_profile(fixture_bytes("heap.pb.gz"), "heap.pb.gz")


@needs_go
def test_heap_protobuf_converts_to_what_the_raw_reader_reads():
    converted = convert_profile(fixture_bytes("heap.pb.gz"), "heap.pb.gz")
    assert converted.command == "go tool pprof -raw" and converted.info.kind == "heap"
    fresh = parse_heap_text(converted.text, "heap.pb.gz")
    stored = parse_heap_text(fixture_bytes("heap.raw.txt").decode(), "heap.raw.txt")
    assert (fresh.inuse_bytes, fresh.inuse_objects, len(fresh.sites)) == (stored.inuse_bytes, stored.inuse_objects, len(stored.sites))


@needs_go
def test_allocs_protobuf_keeps_its_kind():
    profile = read_heap_profile(fixture_bytes("allocs.pb.gz"), "allocs.pb.gz")
    assert profile.kind == "allocs" and profile.alloc_bytes >= profile.inuse_bytes > 0


@needs_go
def test_heap_protobuf_end_to_end(kb):
    report = analyze_heap(fixture_bytes("heap.pb.gz"), kb.entries.values(), "heap.pb.gz")
    assert report.profile.format == "pprof-raw"
    assert {p.id for p in report.patterns} >= set(manifest()["patterns"])


@needs_go
def test_goroutine_protobuf_converts_for_the_dump_reader(kb):
    converted = convert_profile(fixture_bytes("goroutine.pb.gz"), "goroutine.pb.gz")
    assert converted.command == "go tool pprof -traces"
    report = analyze_dump(converted.text, kb.entries.values(), origin="goroutine.pb.gz")
    expect = manifest()["goroutines"]
    group = next(f for f in report.findings if f.matches and f.matches[0].id == expect["expect"])
    assert group.group.count == expect["count"]
    assert expect["function"] in [fr.function for fr in group.group.frames]


@needs_go
def test_broken_toolchain_path_is_a_user_error():
    with pytest.raises(UserError, match="cannot run"):
        convert_profile(fixture_bytes("heap.pb.gz"), "heap.pb.gz", go="/nonexistent/go")


@needs_go
def test_unpacked_protobuf_converts(kb):
    report = analyze_heap(gzip.decompress(fixture_bytes("heap.pb.gz")), kb.entries.values(), "heap.pb")
    assert report.profile.format == "pprof-raw" and report.patterns
    traces = profile_text(gzip.decompress(fixture_bytes("goroutine.pb.gz")), "goroutine.pb")
    assert traces.splitlines()[2] == "Type: goroutine"
    assert parse_heap_text(profile_text(fixture_bytes("heap.pb.gz"), "heap.pb.gz")).format == "pprof-raw"
