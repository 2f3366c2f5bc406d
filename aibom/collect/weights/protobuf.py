"""The protobuf wire format, streamed from a file: fields are visited in place, payloads nobody asks
for (tensor data, graph nodes) are seeked over, never read, so memory stays at one buffer whatever
the file's size. Only what the ONNX reader needs: varints, fixed 32/64-bit values, length-delimited
payloads, and the caps that keep a crafted file from costing more than a real one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from aibom.budget import ONNX_MAX_FIELDS
from aibom.collect.weights.limits import Malformed

BUFFER = 1 << 16
VARINT, I64, LEN, I32 = 0, 1, 2, 5


@dataclass(frozen=True)
class Field:
    """One field: its number, wire type and value (a varint's or fixed value's number, else the
    payload's offset and length in the file)."""

    number: int
    wire: int
    value: int
    length: int = 0


class Reader:
    """Reads a protobuf message region of `fh` through one small buffer, seeking over what it skips."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh, self.size = fh, size
        self.pos = 0
        self._buf, self._at = b"", 0
        self.visited = 0

    def _fill(self, pos: int) -> None:
        self.fh.seek(pos)
        self._buf, self._at = self.fh.read(min(BUFFER, self.size - pos)), pos
        if not self._buf:
            raise Malformed(f"protobuf is truncated at byte {pos} of {self.size}")

    def byte(self) -> int:
        if self.pos >= self.size:
            raise Malformed(f"protobuf is truncated at byte {self.pos} of {self.size}")
        if not self._at <= self.pos < self._at + len(self._buf):
            self._fill(self.pos)
        value = self._buf[self.pos - self._at]
        self.pos += 1
        return value

    def varint(self) -> int:
        value = 0
        for shift in range(0, 70, 7):
            b = self.byte()
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
        raise Malformed(f"protobuf varint longer than 10 bytes at byte {self.pos}")

    def take(self, offset: int, length: int, cap: int) -> bytes:
        """`length` bytes at `offset`, refused above `cap` (a string field is never allowed to be large)."""
        if length > cap:
            raise Malformed(f"protobuf string of {length} bytes at byte {offset} is above the {cap}-byte cap")
        self.fh.seek(offset)
        data = self.fh.read(length)
        if len(data) != length:
            raise Malformed(f"protobuf is truncated at byte {offset + len(data)} of {self.size}")
        return data

    def fields(self, start: int, end: int) -> Iterator[Field]:
        """The fields of the message at [start, end); a length-delimited payload is skipped after the
        caller has handled it (reading it, or not)."""
        self.pos = start
        while self.pos < end:
            self.visited += 1
            if self.visited > ONNX_MAX_FIELDS:
                raise Malformed(f"protobuf has more than {ONNX_MAX_FIELDS} fields")
            key = self.varint()
            number, wire = key >> 3, key & 7
            if number == 0:
                raise Malformed(f"protobuf field number 0 at byte {self.pos}")
            if wire == VARINT:
                yield Field(number, wire, self.varint())
            elif wire in (I64, I32):
                width = 8 if wire == I64 else 4
                data = bytes(self.byte() for _ in range(width))
                yield Field(number, wire, int.from_bytes(data, "little"))
            elif wire == LEN:
                length = self.varint()
                offset = self.pos
                if length > end - offset:
                    raise Malformed(f"protobuf field {number} of {length} bytes runs past its message at byte {offset}")
                yield Field(number, wire, offset, length)
                self.pos = offset + length
            else:
                raise Malformed(f"protobuf wire type {wire} (groups or invalid) at byte {self.pos}")
        if self.pos != end:
            raise Malformed(f"protobuf message overruns its end at byte {end}")

    def packed_varints(self, f: Field, limit: int) -> list[int]:
        """A packed repeated varint field (at most `limit` values)."""
        values: list[int] = []
        self.pos = f.value
        while self.pos < f.value + f.length:
            if len(values) >= limit:
                raise Malformed(f"protobuf packed field {f.number} has more than {limit} values")
            values.append(self.varint())
        return values


def signed(value: int) -> int:
    """An int64 varint as the signed number it encodes."""
    return value - (1 << 64) if value >= 1 << 63 else value
