"""LICENSE file text -> best-effort license match, from the distinctive lines of the public texts.

Corpus suite: runs only when AIBOM_CORPUS names the folder holding the real-world corpus.
"""

from __future__ import annotations

from conftest import MOT
from test_licenses_text import EV

from aibom.license_text import from_text


def test_a_real_mit_license_file():
    text = (MOT / "LICENSE").read_text(encoding="utf-8")  # the Model Openness Tool's own LICENSE
    lic = from_text(text, EV)
    assert (lic.spdx, lic.category, lic.osi_approved) == ("MIT", "permissive", True)
