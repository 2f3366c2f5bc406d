"""User-facing errors: one place for their wording and their exit codes."""

from __future__ import annotations

import errno


class AibomError(Exception):
    """An error the user can act on. `exit_code` follows DESIGN.md §7."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(AibomError):
    """Bad input or usage: a missing folder, a broken file, an invalid BOM. Exit 2."""

    exit_code = 2


class EnvironmentFailure(AibomError):
    """The environment failed us: network, permissions, disk. Exit 3."""

    exit_code = 3


class PolicyFailure(AibomError):
    """The policy said no (unmet requirements, forbidden differences). Exit 1."""

    exit_code = 1


_ENVIRONMENT_ERRNOS = frozenset(
    getattr(errno, name) for name in ("EACCES", "EPERM", "EIO", "ENOSPC", "EDQUOT", "EROFS", "ENOMEM",
                                      "EMFILE", "ENFILE", "ETIMEDOUT", "EAGAIN", "EBUSY", "ENXIO")
    if hasattr(errno, name)
)


def from_os_error(exc: OSError, action: str, hint: str = "") -> AibomError:
    """The one mapping of an OS error to an exit code, worded ``{action}: {reason}``.

    The rule: the environment's fault (exit 3) when the path is right but this machine refuses or
    fails — permission denied, an I/O error, no space, a read-only file system, too many open files;
    bad input (exit 2) when the path itself is wrong — missing, not a file, a loop, a name too long.
    """
    reason = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or str(exc))
    error = EnvironmentFailure if exc.errno in _ENVIRONMENT_ERRNOS or isinstance(exc, PermissionError) \
        else InputError
    return error(f"{action}: {reason}", hint)
