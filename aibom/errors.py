"""User-facing errors: one place for their wording and their exit codes."""

from __future__ import annotations


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
