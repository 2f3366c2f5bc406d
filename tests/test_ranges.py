"""RemoteFile: a ranged-read stream must behave exactly as the file it stands for, within its budget."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aibom.budget import HUB_RANGE_BLOCK
from aibom.collect.hf_hub.ranges import RemoteFile
from aibom.collect.weights.limits import NotRead


def remote(data: bytes, budget: int = 1 << 40) -> tuple[RemoteFile, list[tuple[int, int]]]:
    asked: list[tuple[int, int]] = []

    def fetch(start: int, end: int) -> bytes:
        asked.append((start, end))
        return data[start : end + 1]

    return RemoteFile(fetch, len(data), "f", budget), asked


ops = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 3 * HUB_RANGE_BLOCK)),
        st.tuples(st.just("seek"), st.integers(0, 4 * HUB_RANGE_BLOCK), st.sampled_from([0, 1, 2])),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 3 * HUB_RANGE_BLOCK + 17), steps=ops)
def test_reads_and_seeks_match_a_file(size: int, steps: list[tuple]) -> None:
    data = bytes(i % 251 for i in range(size))
    ours, _ = remote(data)
    real = io.BytesIO(data)
    for step in steps:
        if step[0] == "read":
            assert ours.read(step[1]) == real.read(step[1])
        else:
            offset = step[1] - (size if step[2] == 2 else 0)
            if (step[2] == 1 and real.tell() + offset < 0) or (step[2] == 2 and size + offset < 0):
                continue
            assert ours.seek(offset, step[2]) == real.seek(offset, step[2])
        assert ours.tell() == real.tell()


def test_each_block_is_fetched_once_and_aligned() -> None:
    data = bytes(3 * HUB_RANGE_BLOCK)
    ours, asked = remote(data)
    ours.read(10)
    ours.seek(5)
    ours.read(HUB_RANGE_BLOCK)
    assert asked == [(0, HUB_RANGE_BLOCK - 1), (HUB_RANGE_BLOCK, 2 * HUB_RANGE_BLOCK - 1)]


def test_the_budget_stops_reading() -> None:
    ours, asked = remote(bytes(4 * HUB_RANGE_BLOCK), budget=2 * HUB_RANGE_BLOCK)
    ours.read(2 * HUB_RANGE_BLOCK)
    with pytest.raises(NotRead, match="remote read budget"):
        ours.read(1)
    assert len(asked) == 1


def test_a_server_that_ignores_ranges_is_not_read_as_if_it_had_served_them() -> None:
    file = RemoteFile(lambda start, end: b"", 2 * HUB_RANGE_BLOCK, "f", 1 << 30)
    with pytest.raises(NotRead, match="did not serve bytes 0-"):
        file.read(4)


def test_zipfile_reads_an_archive_through_it() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
        zf.writestr("archive/data/0", bytes(2 * HUB_RANGE_BLOCK))
    ours, asked = remote(buf.getvalue())
    with zipfile.ZipFile(ours) as zf:  # type: ignore[arg-type]
        assert zf.read("archive/data.pkl") == b"\x80\x02}q\x00."
    assert sum(end - start + 1 for start, end in asked) < len(buf.getvalue())
