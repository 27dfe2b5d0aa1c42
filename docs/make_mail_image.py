"""Render the README's picture of a draft made by `formkit mail DIR --draft` (docs/images/mail-draft.png).

The example batch (examples/applicants.csv) is built and mailed as drafts; the first family physician's
.eml is parsed back and shown the way a mail program's compose window shows an `X-Unsent: 1` message
(sender left to the officer's mailbox, recipient, subject, the packet attached, the HTML body), rendered by
Chromium through Playwright. It is formkit's own rendering of the file, not a screenshot of Outlook.

python docs/make_mail_image.py
"""

from __future__ import annotations

import html
import os
import sys
import tempfile
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FORMKIT_REF_KEY", "readme-example")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1764115200")

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from formkit import profile as profiles  # noqa: E402
from formkit.batch.manifest import read_manifest  # noqa: E402
from formkit.batch.run import BatchOptions, run  # noqa: E402
from formkit.mail.outbox import write_outbox  # noqa: E402

OUT = ROOT / "docs" / "images" / "mail-draft.png"
CHROMIUM = os.environ.get("FORMKIT_CHROMIUM", "/usr/bin/chromium")

PAGE = """<!doctype html><html lang="tr"><meta charset="utf-8"><style>
body {{ margin: 0; font: 14px "DejaVu Sans", sans-serif; background: #f3f3f3; }}
.bar {{ background: #0f6cbd; color: #fff; padding: 8px 14px; display: flex; gap: 12px; align-items: center; }}
.send {{ background: #fff; color: #0f6cbd; font-weight: bold; padding: 6px 18px; border-radius: 3px; }}
.note {{ margin-left: auto; font-size: 12px; opacity: .9; }}
table {{ width: 100%; border-collapse: collapse; background: #fff; }}
td {{ padding: 6px 14px; border-bottom: 1px solid #e1e1e1; }} td:first-child {{ width: 70px; color: #555; }}
.att {{ display: inline-block; border: 1px solid #c8c8c8; padding: 4px 10px; border-radius: 3px; }}
.body {{ background: #fff; margin: 0; padding: 6px 14px 14px; }}
</style><div class="bar"><span class="send">Gönder</span><span>Yeni ileti (taslak)</span>
<span class="note">{file} — X-Unsent: 1</span></div>
<table><tr><td>Kimden</td><td><i>Outlook'taki kendi posta kutunuz</i></td></tr>
<tr><td>Kime</td><td>{to}</td></tr><tr><td>Konu</td><td>{subject}</td></tr>
<tr><td>Ek</td><td><span class="att">{attachment} ({size} KB)</span></td></tr></table>
<div class="body">{body}</div></html>"""


def draft() -> tuple[Path, EmailMessage]:
    """The first family physician's draft of the example batch."""
    folder = Path(tempfile.mkdtemp(prefix="formkit-readme-mail-"))
    profile = profiles.load()
    run(ROOT / "examples" / "applicants.csv", folder, BatchOptions(profile=profile))
    write_outbox(folder, profile, draft=True)
    row = next(r for r in read_manifest(folder).ok_rows() if r.track == "aile-hekimi")
    path = next((folder / "drafts").glob(f"{row.ref}.eml"))
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage) and message["X-Unsent"] == "1"
    return path, message


def main() -> None:
    path, message = draft()
    body = message.get_body(("html",))
    attachment = next(message.iter_attachments())
    assert body is not None
    page = PAGE.format(
        file=html.escape(path.name),
        to=html.escape(str(message["To"])),
        subject=html.escape(str(message["Subject"])),
        attachment=html.escape(attachment.get_filename() or ""),
        size=len(attachment.get_content()) // 1024,
        body=body.get_content(),
    )
    page_file = path.with_suffix(".html")
    page_file.write_text(page, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 860, "height": 900})
            tab.goto(page_file.as_uri())
            shot = path.with_suffix(".png")
            tab.screenshot(path=str(shot), full_page=False)
        finally:
            browser.close()
    Image.open(shot).convert("RGB").quantize(colors=256).save(OUT, optimize=True)
    print(OUT)


if __name__ == "__main__":
    main()
