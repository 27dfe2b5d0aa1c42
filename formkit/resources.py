"""Where the shipped assets (fonts, forms, profiles, mail texts) are, installed or in a checkout.

`pip install .` puts the top-level `assets/` folder inside the package as `formkit/assets`; in a source
checkout it sits next to the package. Both layouts are looked up, the installed one first.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def assets_dir() -> Path:
    """The folder holding fonts/, forms/, profiles/ and mail/."""
    installed = _PACKAGE_DIR / "assets"
    if (installed / "fonts").is_dir():
        return installed
    return _PACKAGE_DIR.parent / "assets"


def asset(*parts: str) -> Path:
    """Path of one shipped asset, e.g. asset("fonts", "DejaVuSans.ttf")."""
    return assets_dir().joinpath(*parts)


__all__ = ["asset", "assets_dir"]
