"""Outputs: maps, static maps, the brief, exports, notifications."""
