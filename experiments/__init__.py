"""Batch runs and result storage: every result directory carries its provenance."""

from .storage import provenance, write_run

__all__ = ["provenance", "write_run"]
