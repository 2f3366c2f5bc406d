"""Changes of the files: weights and their formats (a pickle replacing safetensors), shards, parameter counts."""

from __future__ import annotations

from dataclasses import replace

from aibom.diff.changes import SEVERITIES, Change, Severity, _change, _matched
from aibom.model import (
    FileEntry,
    Provenance,
)

CODE_RUNNING_FORMATS = frozenset({"pickle"})


"""Weight formats whose loading can execute code."""


_SUFFIX_FORMATS: tuple[tuple[str, str], ...] = (  # when a BOM records no header inspection of the file
    (".safetensors", "safetensors"),
    (".gguf", "gguf"),
    (".onnx", "onnx"),
    (".bin", "pickle"),
    (".pt", "pickle"),
    (".pth", "pickle"),
    (".ckpt", "pickle"),
    (".pkl", "pickle"),
    (".h5", "hdf5"),
    (".msgpack", "flax-msgpack"),
)


_FILE_SEVERITY: dict[str, Severity] = {
    "weights": "medium", "code": "medium", "config": "low", "tokenizer": "low",
}


def _weight_format(entry: FileEntry) -> str:
    if entry.weights is not None:
        fmt = entry.weights.format.lower()
        return "pickle" if "pickle" in fmt or fmt in ("pytorch", "torch") else fmt
    name = entry.path.lower()
    return next((fmt for suffix, fmt in _SUFFIX_FORMATS if name.endswith(suffix)), "unknown")


def _weights(old: tuple[FileEntry, ...], new: tuple[FileEntry, ...]) -> list[Change]:
    found = []
    fmt_old = sorted({_weight_format(f) for f in old if f.role == "weights"})
    fmt_new = sorted({_weight_format(f) for f in new if f.role == "weights"})
    if fmt_old and fmt_new and fmt_old != fmt_new:
        before, after = ", ".join(fmt_old), ", ".join(fmt_new)
        risky = sorted((set(fmt_new) - set(fmt_old)) & CODE_RUNNING_FORMATS)
        message = f"Weights moved from {before} to {after}"
        severity: Severity
        if risky:
            severity, message = "high", f"{message} ({', '.join(risky)} can run code when loaded)"
        elif (set(fmt_old) - set(fmt_new)) & CODE_RUNNING_FORMATS:
            severity, message = "info", f"{message} (no code-running format left)"
        else:
            severity = "medium"
        found.append(_change("weight-format", "weights", before, after, severity, message))
    risks_old = {f.path: set(f.weights.risks) for f in old if f.weights is not None}
    for entry in new:
        if entry.weights is None:
            continue
        path, risks, before = entry.path, set(entry.weights.risks), risks_old.get(entry.path, set())
        found += [_change("weight-risk", path, None, r, "high", f"{path}: new risk: {r}")
                  for r in sorted(risks - before)]
        found += [_change("weight-risk", path, r, None, "info", f"{path}: risk gone: {r}")
                  for r in sorted(before - risks)]
    return found


def _dtypes(prov: Provenance) -> tuple[int | None, str | None]:
    counts: dict[str, int] = {}
    for entry in prov.weight_files:
        for dtype, n in entry.weights.parameters if entry.weights else ():
            counts[dtype] = counts.get(dtype, 0) + n
    total = prov.parameters.value if prov.parameters is not None else (sum(counts.values()) or None)
    return total, ", ".join(sorted(counts)) or None


def _parameters(old: Provenance, new: Provenance) -> list[Change]:
    (n_old, d_old), (n_new, d_new) = _dtypes(old), _dtypes(new)
    found = []
    if n_old is not None and n_new is not None and n_old != n_new:
        found.append(_change("parameters", "count", n_old, n_new, "medium",
                             f"Parameter count changed ({n_old:,} → {n_new:,})"))
    if d_old and d_new and d_old != d_new:
        found.append(_change("parameters", "dtype", d_old, d_new, "medium",
                             f"Weight dtypes changed ({d_old} → {d_new})"))
    return found


def _file_change(kind: str, entries: tuple[FileEntry, ...], old: object, new: object, detail: str) -> Change:
    """A file-* change; weight and code files are called out, weight files join the `weights` group."""
    roles = sorted({f.role for f in entries})
    severity = min((_FILE_SEVERITY.get(r, "info") for r in roles), key=SEVERITIES.index)
    path = entries[-1].path
    called_out = " / ".join(r for r in roles if r in ("weights", "code"))
    label = f"{called_out.capitalize()} file {path}" if called_out else f"File {path}"
    change = _change(kind, path, old, new, severity, f"{label} {detail}")
    return replace(change, groups=("files", "weights", "any")) if "weights" in roles else change


def _files(old: tuple[FileEntry, ...], new: tuple[FileEntry, ...]) -> list[Change]:
    removed, added, both = _matched(old, new, lambda f: f.path)
    found = [_file_change("file-removed", (f,), f.sha256, None, "removed") for f in removed]
    found += [_file_change("file-added", (f,), None, f.sha256, "added") for f in added]
    for f_old, f_new in both:
        parts = []
        if f_old.sha256 and f_new.sha256 and f_old.sha256 != f_new.sha256:
            parts.append(f"sha256 {f_old.sha256[:12]}… → {f_new.sha256[:12]}…")
        if f_old.size is not None and f_new.size is not None and f_old.size != f_new.size:
            parts.append(f"size {f_old.size:,} → {f_new.size:,} bytes")
        if parts:
            sha = parts[0].startswith("sha256")
            values = (f_old.sha256, f_new.sha256) if sha else (f_old.size, f_new.size)
            detail = f"changed: {', '.join(parts)}"
            found.append(_file_change("file-changed", (f_old, f_new), *values, detail))
    return found
