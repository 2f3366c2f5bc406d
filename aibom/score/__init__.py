"""Openness profiles applied to a Provenance (`profiles`, `requirements`, `osaid`, `mof`) and reports."""

PROFILES = ("core", "mof", "osaid")
"""The openness profiles (here, so the CLI can offer them without importing the scorer)."""
