"""Rows to packets in parallel, the manifest, errors and print files."""
