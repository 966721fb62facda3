"""Lighthouse (mobile preset) on the main public pages, served like production.

    .venv/bin/python bench/lighthouse.py

Needs Node.js/npm (lighthouse@12.2.3, the last release for Node 20, is installed into
bench/.lighthouse on first run) and Debian's Chromium. Prints the four category scores
and the bytes transferred per page, and how much of a guide page is HTML + CSS + JS.
This is a benchmark, not a test: record the figures in docs/benchmarks.md.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo_server import demo_server  # noqa: E402

HERE = Path(__file__).resolve().parent
LIGHTHOUSE_DIR = HERE / ".lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PAGES = {
    "home": "/zh-hans/",
    "guide": "/zh-hans/materials/guide-elders-police-calls/",
    "poster": "/zh-hans/materials/poster-screen-sharing/",
    "video": "/zh-hans/materials/video-three-nos/",
    "search": "/zh-hans/search/?q=%E5%85%BB%E8%80%81",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TEXT_TYPES = {"Document", "Stylesheet", "Script"}


def ensure_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    subprocess.run(  # noqa: S603
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(LIGHTHOUSE_DIR),  # noqa: S607
            "lighthouse@12.2.3",
        ],
        check=True,
    )


def audit(url: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(  # noqa: S603
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic "
                "--no-first-run --disable-background-networking --disable-component-update "
                "--disable-sync",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
        )
        data = json.loads(report.read_text())
    requests = data["audits"]["network-requests"]["details"]["items"]
    failed = sorted(
        {
            ref["id"]
            for category in CATEGORIES
            for ref in data["categories"][category]["auditRefs"]
            if ref.get("weight")
            and (data["audits"][ref["id"]].get("score") or 0) < 1
            and data["audits"][ref["id"]].get("scoreDisplayMode") in {"binary", "numeric"}
        }
    )
    return {
        "failed_audits": failed,
        "scores": {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES},
        "transfer_bytes": int(data["audits"]["total-byte-weight"]["numericValue"]),
        "text_bytes": sum(
            r.get("transferSize", 0) for r in requests if r.get("resourceType") in TEXT_TYPES
        ),
    }


def main() -> None:
    ensure_lighthouse()
    results = {}
    with demo_server() as base:
        for name, path in PAGES.items():
            results[name] = audit(base + path)
    print(
        f"{'page':8} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} "
        f"{'transfer KB':>12} {'HTML+CSS+JS KB':>15}"
    )
    for name, result in results.items():
        s = result["scores"]
        print(
            f"{name:8} {s['performance']:>5} {s['accessibility']:>5} "
            f"{s['best-practices']:>5} {s['seo']:>5} {result['transfer_bytes'] / 1024:>12.1f} "
            f"{result['text_bytes'] / 1024:>15.1f}"
        )
    for name, result in results.items():
        if result["failed_audits"]:
            print(f"{name}: audits below full marks: {', '.join(result['failed_audits'])}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "lighthouse.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
