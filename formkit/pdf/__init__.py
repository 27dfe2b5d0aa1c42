"""Bytes and drawing: fonts, text fitting, the fast canvas, the plain reader, the writer, the joiner.

Nothing here knows about applicants, tracks or mail."""
