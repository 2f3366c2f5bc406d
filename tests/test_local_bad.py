"""Bad model folders: a clear one-line error and exit 2 with no file written, or an Unknown and go on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from aibom.budget import CARD_LIMIT
from aibom.cli import main
from aibom.collect.local import collect_folder
from aibom.collect.options import CollectOptions
from aibom.collect.walk import walk
from aibom.errors import InputError

TINY = FIXTURES / "models" / "tiny-llama-ft"

# Run as root, a test cannot make a file unreadable with chmod alone: root bypasses permission bits
# through two capabilities. The child process drops them (capset(2), Linux) before running aibom, so
# it meets the file the way any other user would. As a normal user the prelude does nothing.
DROP_DAC_CAPABILITIES = """
import ctypes, os, struct
if os.geteuid() == 0:
    libc = ctypes.CDLL(None, use_errno=True)
    header = ctypes.create_string_buffer(struct.pack("Ii", 0x20080522, 0))
    data = ctypes.create_string_buffer(24)
    if libc.capget(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    caps = list(struct.unpack("6I", data.raw))
    keep = ~((1 << 1) | (1 << 2)) & 0xFFFFFFFF  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
    caps[0:3] = [c & keep for c in caps[0:3]]
    if libc.capset(header, ctypes.create_string_buffer(struct.pack("6I", *caps))) != 0:
        raise OSError(ctypes.get_errno(), "capset")
"""


def folder_with(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "model"
    root.mkdir()
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data if isinstance(data, bytes) else data.encode())
    return root


def generate(target: Path, out: Path, prelude: str = "") -> tuple[int, str]:
    """`aibom generate TARGET -o OUT` in a child process, as a user would run it: (exit code, stderr)."""
    code = prelude + "\nimport sys\nfrom aibom.cli import main\nsys.argv = ['aibom', *sys.argv[1:]]\nmain()\n"
    result = subprocess.run(
        [sys.executable, "-c", code, "generate", str(target), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode, result.stderr


def generate_here(
    target: Path, out: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    """The same through `aibom.cli.main` in this process (the child's imports cost seconds)."""
    monkeypatch.setattr(sys, "argv", ["aibom", "generate", str(target), "-o", str(out)])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().err


def assert_refused(result: tuple[int, str], out: Path, message: str, code: int = 2) -> None:
    """Exit `code` (2: bad input; 3: the environment, errors.from_os_error), one line, nothing written."""
    got, stderr = result
    assert got == code, stderr
    first = stderr.splitlines()[0]
    assert first.startswith("aibom: error: ") and message in first, stderr
    assert "Traceback" not in stderr
    assert not out.exists()
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")] == []


def test_not_a_folder(tmp_path: Path) -> None:
    file = tmp_path / "weights.txt"
    file.write_text("x")
    with pytest.raises(InputError, match=r"weights\.txt is not a folder$"):
        walk(file)
    with pytest.raises(InputError, match=r"nothing does not exist$"):
        walk(tmp_path / "nothing")


@pytest.mark.parametrize("content", [{}, {".git/HEAD": "ref: refs/heads/main\n"}])
def test_empty_folder(tmp_path: Path, content: dict[str, str]) -> None:
    root = folder_with(tmp_path, content)
    with pytest.raises(InputError, match=r"model has no files to describe \(give the folder"):
        collect_folder(root, CollectOptions())


def test_empty_folder_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = folder_with(tmp_path, {})
    out = tmp_path / "bom.json"
    assert_refused(generate_here(root, out, capsys, monkeypatch), out, "has no files to describe")


def test_readme_without_front_matter_is_an_unknown(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {"README.md": "# plain-7b\n\nA model.\n"})
    prov = collect_folder(root, CollectOptions())
    assert prov.name == "plain-7b"
    assert ("front-matter", "README.md has no YAML front matter") in [(u.field, u.reason) for u in prov.unknowns]


def test_non_utf8_card_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    card = "---\nlicense: mit\n---\n# Caf\xe9 model\n".encode("latin-1")
    root = folder_with(tmp_path, {"README.md": card})
    with pytest.raises(InputError, match=r"README\.md is not UTF-8 text \(byte 0xe9 at offset 26\)"):
        collect_folder(root, CollectOptions())
    out = tmp_path / "bom.json"
    assert_refused(generate_here(root, out, capsys, monkeypatch), out, "is not UTF-8 text")


def test_utf8_character_cut_by_the_read_limit_is_not_an_error(tmp_path: Path) -> None:
    card = ("---\nlicense: mit\n---\n# t\n\n" + "a" * (CARD_LIMIT - 27) + "é" * 10).encode()
    assert card[CARD_LIMIT - 1 : CARD_LIMIT + 1] == "é".encode()  # the limit falls inside the character
    prov = collect_folder(folder_with(tmp_path, {"README.md": card}), CollectOptions())
    assert [lic.spdx for lic in prov.licenses] == ["MIT"]


def test_unreadable_file(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {"README.md": "# m\n", "secret.bin": b"\0" * 16})
    (root / "secret.bin").chmod(0)
    out = tmp_path / "bom.json"
    try:
        result = generate(root, out, prelude=DROP_DAC_CAPABILITIES)
    finally:
        (root / "secret.bin").chmod(0o644)
    assert_refused(result, out, f"cannot read {root / 'secret.bin'}: permission denied", code=3)


def test_symlink_out_of_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not part of the model")
    root = folder_with(tmp_path, {"README.md": "# m\n"})
    (root / "sub").mkdir()
    (root / "sub" / "escape.txt").symlink_to(outside)
    with pytest.raises(InputError, match=r"sub/escape\.txt is a symlink to .*elsewhere\.txt, outside the model folder"):
        walk(root)
    out = tmp_path / "bom.json"
    assert_refused(generate_here(root, out, capsys, monkeypatch), out, "outside the model folder")


def test_symlinked_folder_out_of_the_model(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "w.bin").write_bytes(b"x")
    root = folder_with(tmp_path, {"README.md": "# m\n"})
    (root / "other").symlink_to(tmp_path / "other", target_is_directory=True)
    with pytest.raises(InputError, match="outside the model folder"):
        walk(root)


def test_symlink_loops(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {"README.md": "# m\n"})
    (root / "a").symlink_to("b")
    (root / "b").symlink_to("a")
    with pytest.raises(InputError, match=r"model/a is a symlink loop$"):
        walk(root)
    (root / "a").unlink()
    (root / "b").unlink()
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..", target_is_directory=True)
    with pytest.raises(InputError, match=r"sub/up is a symlink loop \(it points back to "):
        walk(root)


def test_broken_symlink(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {"README.md": "# m\n"})
    (root / "gone.safetensors").symlink_to("missing.safetensors")
    with pytest.raises(InputError, match=r"gone\.safetensors is a broken symlink \(missing\.safetensors\)$"):
        walk(root)


def test_fifo_is_refused(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {"README.md": "# m\n"})
    os.mkfifo(root / "pipe")
    with pytest.raises(InputError, match=r"pipe is not a regular file \(a FIFO, socket or device\) \(remove it"):
        walk(root)


def test_good_folder_cli_writes_a_bom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counterpart of the refusals above: the same command on the fixture succeeds."""
    out = tmp_path / "bom.json"
    code, stderr = generate_here(TINY, out, capsys, monkeypatch)
    assert code == 0, stderr
    assert '"name": "tiny-llama-ft"' in out.read_text()


@pytest.mark.parametrize("name", [b"caf\xe9.bin", b"line\nbreak.txt"])
def test_file_names_a_bom_cannot_hold(tmp_path: Path, name: bytes) -> None:
    root = folder_with(tmp_path, {"README.md": "# m\n"})
    with open(os.path.join(os.fsencode(root), name), "wb") as fh:
        fh.write(b"x")
    with pytest.raises(InputError, match="the file name is not printable UTF-8"):
        walk(root)


def test_cache_snapshot_given_as_a_folder_gets_a_hint(tmp_path: Path) -> None:
    repo = tmp_path / "models--org--name"
    (repo / "blobs").mkdir(parents=True)
    (repo / "blobs" / "0a1b").write_text("{}")
    snap = repo / "snapshots" / "c0ffee"
    snap.mkdir(parents=True)
    (snap / "config.json").symlink_to("../../blobs/0a1b")
    with pytest.raises(InputError) as err:
        walk(snap)
    assert err.value.hint == "this is a Hugging Face cache snapshot: give its repo id with --cache instead"


def test_absurdly_deep_folders_are_refused(tmp_path: Path) -> None:
    root = folder_with(tmp_path, {})
    deep = root.joinpath(*["d"] * 70)
    deep.mkdir(parents=True)
    (deep / "f.txt").write_text("x")
    with pytest.raises(InputError, match="nested more than 64 folders deep"):
        walk(root)
