"""CLI commands: decide."""

from __future__ import annotations
