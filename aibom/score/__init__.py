"""Openness profiles applied to a Provenance (`profiles`, `requirements`, `osaid`, `mof`) and reports."""

PROFILES = ("core", "mof", "osaid")
"""The openness profiles (here, so the CLI can offer them without importing the scorer)."""
SCORE_PROFILES = (*PROFILES, "g7")
"""What `score` and `report` judge: the openness profiles and the G7 minimum elements, a completeness
profile of the BOM itself (not embedded into BOMs, not compared by diff)."""
