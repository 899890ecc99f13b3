"""Reading the heap?debug=1 text and `go tool pprof -raw` output of real profiles."""

from __future__ import annotations

import gzip
import re

from goleakhelp.profiles.heap import heap_text_format, parse_heap_text, read_heap_profile
from tests.profiles.conftest import fixture_bytes

HEADER = re.compile(r"^heap profile: (\d+): (\d+) \[(\d+): (\d+)\] @ heap/(\d+)")


def _functions(site) -> list[str]:
    return [f.function for f in site.frames]


def test_debug1_totals_are_the_header_totals(debug1):
    header = HEADER.match(fixture_bytes("heap.debug1.txt").decode())
    inuse_objects, inuse_bytes, alloc_objects, _, rate = map(int, header.groups())
    assert (debug1.inuse_objects, debug1.inuse_bytes, debug1.alloc_objects) == (inuse_objects, inuse_bytes, alloc_objects)
    assert sum(s.inuse_bytes for s in debug1.sites) == debug1.inuse_bytes
    assert debug1.sample_rate == rate // 2 == 1  # heapgen sets runtime.MemProfileRate = 1
    assert debug1.format == "heap-debug1" and not debug1.scaled


def test_debug1_sites_are_merged_and_sorted_by_inuse_bytes(debug1):
    text = fixture_bytes("heap.debug1.txt").decode()
    records = len(re.findall(r"(?m)^\d+: \d+ \[\d+: \d+\] @", text))
    assert len(debug1.sites) < records  # records with the same lines but other PCs are one site
    assert sum(s.records for s in debug1.sites) == records
    inuse = [s.inuse_bytes for s in debug1.sites]
    assert inuse == sorted(inuse, reverse=True)


def test_debug1_top_site_is_the_retained_read_buffers(debug1):
    top = debug1.sites[0]
    assert _functions(top)[:2] == ["io.ReadAll", "main.keepUploadHeads"]
    assert (top.frames[0].file, top.frames[1].file) == ("io/io.go", "heapgen/main.go")
    assert top.inuse_objects == 6 and top.inuse_bytes == 6 << 20  # six 1 MiB bodies kept by 16-byte heads
    assert top.allocator.function == "io.ReadAll"
    assert top.user_frame.function == "main.keepUploadHeads"
    assert [f.function for f in top.allocation_path] == ["io.ReadAll", "main.keepUploadHeads"]


def test_map_growth_is_charged_to_the_inserting_function(debug1):
    # runtime.mapassign and friends are left out of heap stacks.
    site = next(s for s in debug1.sites if s.allocator.function == "main.fillIndex")
    assert site.frames[0].function == "main.fillIndex" and site.inuse_bytes > 500_000


def test_debug1_memstats(debug1):
    ms = debug1.memstats
    assert ms is not None
    assert ms.heap_alloc >= debug1.inuse_bytes  # the profile is as of the last GC, a subset of the heap
    assert ms.heap_inuse > 0 and ms.sys > ms.heap_inuse and ms.num_gc >= 1 and ms.heap_objects > 0


def test_debug1_note_says_what_the_numbers_are(debug1):
    assert any("every allocation was recorded" in n for n in debug1.notes)


def test_unscaled_note_for_the_default_rate():
    text = fixture_bytes("heap.debug1.txt").decode()
    default_rate = re.sub(r"@ heap/\d+", "@ heap/1048576", text, count=1)
    profile = parse_heap_text(default_rate)
    assert profile.sample_rate == 524288 and not profile.scaled
    assert any("not scaled" in n and "524,288" in n for n in profile.notes)


def test_raw_reader_reads_the_protobuf_profile(raw, debug1):
    assert raw.format == "pprof-raw" and raw.kind == "heap" and raw.sample_rate == 1
    assert raw.memstats is None
    assert sum(s.inuse_bytes for s in raw.sites) == raw.inuse_bytes
    # Written by the same process after one more GC: the retained sites are the same.
    for a, b in zip(debug1.sites[:3], raw.sites[:3]):
        assert [(f.function, f.file, f.line) for f in a.frames] == [(f.function, f.file, f.line) for f in b.frames]
        assert a.inuse_bytes == b.inuse_bytes


def test_raw_reader_marks_inlined_frames_and_keeps_generic_names(raw):
    inlined = {f.function for s in raw.sites for f in s.frames if f.inlined}
    assert "os.Create" in inlined  # inlined into main.write
    names = {f.function for s in raw.sites for f in s.frames}
    assert any(n.startswith("internal/sync.newEntryNode[go.shape.") for n in names)


def test_forms_are_recognised():
    assert heap_text_format(fixture_bytes("heap.debug1.txt").decode()) == "heap-debug1"
    assert heap_text_format(fixture_bytes("heap.raw.txt").decode()) == "pprof-raw"
    assert heap_text_format("goroutine 1 [running]:\nmain.main()\n") is None


def test_crlf_and_gzip_compressed_text_read_the_same(debug1):
    data = fixture_bytes("heap.debug1.txt")
    for variant in (data.replace(b"\n", b"\r\n"), gzip.compress(data)):
        again = read_heap_profile(variant, "variant")
        assert again.inuse_bytes == debug1.inuse_bytes and len(again.sites) == len(debug1.sites)
