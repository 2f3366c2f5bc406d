"""What a license asks of whoever ships the model: the notice and attribution duties every license
carries (a permissive one included), beside the restrictions `licenses.terms` lists. A reviewer
approving a release needs both: MIT forbids nothing but still asks for its notice to travel."""

from __future__ import annotations

from aibom.licenses import terms
from aibom.model import License

DUTY_KINDS = frozenset({"attribution", "naming", "pass-through", "share-alike", "registration"})
"""Term kinds that are duties to do something rather than limits on use."""

NOTICES = {
    "Apache-2.0": ("Give recipients a copy of the license.", "Keep the NOTICE file's attributions, if the "
                   "model ships one.", "Mark files you changed as changed."),
    "MIT": ("Keep the copyright notice and the permission notice in all copies.",),
    "BSD-2-Clause": ("Keep the copyright notice, the conditions and the disclaimer.",),
    "BSD-3-Clause": ("Keep the copyright notice, the conditions and the disclaimer.",
                     "Do not use the copyright holder's name to endorse derived work."),
    "CC-BY-4.0": ("Credit the creator, link the license and say what you changed.",),
    "CC-BY-SA-4.0": ("Credit the creator, link the license and say what you changed.",),
    "OpenRAIL-M": ("Pass the use restrictions on to everyone you share the model with.",),
}
"""Duties of common licenses, from their texts, in a reviewer's words."""

GENERIC = {
    "permissive": "Keep the copyright notice and the license text with every copy.",
    "copyleft": "Ship the license text, and share changes under the same license.",
}


def duties(lic: License) -> tuple[str, ...]:
    """The duties `lic` sets on redistribution: its own notice duties, then those its terms name."""
    own = NOTICES.get(lic.spdx or "", ())
    if not own and lic.category in GENERIC:
        own = (GENERIC[lic.category],)
    named = tuple(f"{t.text[0].upper()}{t.text[1:]}" for t in terms(lic) if t.kind in DUTY_KINDS)
    return tuple(dict.fromkeys((*own, *named)))
