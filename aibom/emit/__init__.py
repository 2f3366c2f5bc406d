"""Provenance -> CycloneDX and back (`cyclonedx`, `reader`), and BOM validation (`validate`)."""

SPEC_VERSIONS = ("1.6", "1.7")
"""CycloneDX versions aibom writes (here, so the CLI can offer them without importing the emitter)."""
