"""Fetch (or rebuild) the real-world AcroForm corpus that `bench/form_corpus.py` scores.

    python bench/fetch_form_corpus.py                 # fetch the files listed in bench/form_corpus.csv
    python bench/fetch_form_corpus.py --discover DIR  # rebuild the manifest from local git mirrors

The corpus is the test PDFs of public projects (pdf.js: Apache-2.0; PyPDFForm: MIT; pypdf: BSD-3-Clause;
pikepdf: MPL-2.0; py-pdf/sample-files: see its README, mostly public-domain or CC files) that have an AcroForm
and at least one text field. The PDFs are not committed (tens of MB, other people's files): the manifest
(repo, commit, path, sha256) is. Fetching reads each file from a local bare mirror
(`<mirrors>/<owner>+<name>/repo`, as the `fetch` tool of our workstations leaves them) or else downloads it
from raw.githubusercontent.com at the pinned commit, and checks its sha256.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import subprocess
import sys
import urllib.request
from concurrent.futures import ProcessPoolExecutor, TimeoutError
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "form_corpus.csv"
CORPUS = HERE / "corpus"
REPOS = (
    "mozilla/pdf.js",
    "chinapandaman/PyPDFForm",
    "py-pdf/pypdf",
    "pikepdf/pikepdf",
    "py-pdf/sample-files",
)
MAX_BYTES = 20 * 1024 * 1024


def local_name(repo: str, path: str) -> str:
    """A flat, unique file name for one corpus entry."""
    return f"{repo.replace('/', '+')}+{path.replace('/', '+')}"


def _git(mirror: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={mirror}", *args], check=True, capture_output=True).stdout


def _has_text_field(data: bytes) -> bool:
    """True when the PDF has an AcroForm with at least one text field (checked with pypdf)."""
    import io
    import warnings

    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return False
            root = reader.trailer["/Root"]
            if "/AcroForm" not in root:
                return False
            fields = reader.get_fields() or {}
            return any(f.get("/FT") == "/Tx" for f in fields.values())
        except Exception:
            return False


def discover(mirrors: Path) -> list[dict[str, str]]:
    """Every distinct PDF of the source repositories' HEAD that has an AcroForm and a text field."""
    rows: list[dict[str, str]] = []
    seen: set[str] = set()  # the same form committed twice counts once
    with ProcessPoolExecutor(2) as pool:
        for repo in REPOS:
            mirror = mirrors / repo.replace("/", "+") / "repo"
            commit = _git(mirror, "rev-parse", "HEAD").decode().strip()
            listing = _git(mirror, "ls-tree", "-r", "-l", "HEAD").decode("utf-8", "replace").splitlines()
            for line in listing:
                meta, path = line.split("\t", 1)
                size = meta.split()[3]
                if not path.lower().endswith(".pdf") or not size.isdigit() or int(size) > MAX_BYTES:
                    continue
                data = _git(mirror, "show", f"HEAD:{path}")
                try:
                    ok = pool.submit(_has_text_field, data).result(timeout=20)
                except TimeoutError:
                    ok = False
                digest = hashlib.sha256(data).hexdigest()
                if ok and digest not in seen:
                    seen.add(digest)
                    rows.append(
                        {
                            "repo": repo,
                            "commit": commit,
                            "path": path,
                            "sha256": digest,
                            "bytes": str(len(data)),
                        }
                    )
                    print(f"{repo} {path}", file=sys.stderr)
    return rows


def fetch(mirrors: Path, out: Path) -> int:
    """Fetch every manifest entry into `out` (mirror first, then GitHub); return how many failed."""
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            target = out / local_name(row["repo"], row["path"])
            if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == row["sha256"]:
                continue
            mirror = mirrors / row["repo"].replace("/", "+") / "repo"
            try:
                if mirror.exists():
                    data = _git(mirror, "show", f"{row['commit']}:{row['path']}")
                else:
                    url = f"https://raw.githubusercontent.com/{row['repo']}/{row['commit']}/{row['path']}"
                    with urllib.request.urlopen(url, timeout=60) as response:
                        data = response.read(MAX_BYTES + 1)
            except (OSError, subprocess.CalledProcessError) as exc:
                print(f"not fetched: {row['repo']} {row['path']}: {exc}", file=sys.stderr)
                failed += 1
                continue
            if hashlib.sha256(data).hexdigest() != row["sha256"]:
                print(f"sha256 differs: {row['repo']} {row['path']}", file=sys.stderr)
                failed += 1
                continue
            target.write_bytes(data)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"), help="local bare git mirrors")
    parser.add_argument("--out", type=Path, default=CORPUS, help="where the PDFs go (not committed)")
    parser.add_argument("--discover", action="store_true", help="rebuild form_corpus.csv from the mirrors")
    args = parser.parse_args()
    if args.discover:
        rows = discover(args.mirrors)
        with MANIFEST.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(
                handle, ["repo", "commit", "path", "sha256", "bytes"], lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(rows)
        print(f"{len(rows)} forms in {MANIFEST}", file=sys.stderr)
    failed = fetch(args.mirrors, args.out)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
