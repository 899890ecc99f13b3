"""Cut the build folder out of a protobuf profile's strings, so fixtures written by the
fixture scripts hold no machine paths (used by make_dump_fixtures and make_profile_fixtures)."""

from __future__ import annotations

import gzip
from pathlib import Path


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7


def _enc_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def strip_build_dir(data: bytes, build_dir: Path) -> bytes:
    """The profile with `build_dir/` cut from the strings of its string table (the executable's
    path in the main mapping), re-compressed without a timestamp."""
    raw = gzip.decompress(data)
    prefix = str(build_dir).encode() + b"/"
    out = bytearray()
    i = 0
    while i < len(raw):
        start = i
        key, i = _varint(raw, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, i = _varint(raw, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            size, j = _varint(raw, i)
            value, i = raw[j : j + size], j + size
            if number == 6 and value.startswith(prefix):  # Profile.string_table
                value = value[len(prefix) :]
                out += _enc_varint(key) + _enc_varint(len(value)) + value
                continue
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")
        out += raw[start:i]
    return gzip.compress(bytes(out), mtime=0)
