"""The web form: any staff member makes their own packet in a browser (`formkit serve`).

`create_app` builds the Flask application; `serve` runs it with waitress. Templates and static files
ship inside this package (no CDN, no external fonts or scripts: it works offline on an intranet).
"""

from __future__ import annotations

from formkit.web.app import create_app
from formkit.web.server import serve

__all__ = ["create_app", "serve"]
