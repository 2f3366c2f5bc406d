"""errors.from_os_error: the one OS error -> exit code rule."""

from __future__ import annotations

import errno

import pytest

from aibom.errors import EnvironmentFailure, InputError, from_os_error


@pytest.mark.parametrize(("exc", "kind", "reason"), [
    (PermissionError(errno.EACCES, "Permission denied"), EnvironmentFailure, "permission denied"),
    (OSError(errno.EIO, "Input/output error"), EnvironmentFailure, "Input/output error"),
    (OSError(errno.ENOSPC, "No space left on device"), EnvironmentFailure, "No space left on device"),
    (OSError(errno.EROFS, "Read-only file system"), EnvironmentFailure, "Read-only file system"),
    (OSError(errno.EMFILE, "Too many open files"), EnvironmentFailure, "Too many open files"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), InputError, "No such file or directory"),
    (NotADirectoryError(errno.ENOTDIR, "Not a directory"), InputError, "Not a directory"),
    (OSError(errno.ELOOP, "Too many levels of symbolic links"), InputError, "Too many levels of symbolic links"),
    (OSError(errno.ENAMETOOLONG, "File name too long"), InputError, "File name too long"),
])
def test_the_machine_refusing_is_the_environment_a_wrong_path_is_bad_input(exc: OSError, kind: type, reason: str,
                                                                            ) -> None:
    error = from_os_error(exc, "cannot read x")
    assert type(error) is kind and error.message == f"cannot read x: {reason}"
    assert error.exit_code == (3 if kind is EnvironmentFailure else 2)


def test_a_missing_path_from_the_os_is_bad_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    try:
        (tmp_path / "missing" / "x").read_text()
    except OSError as exc:
        assert from_os_error(exc, "cannot read x").exit_code == 2
