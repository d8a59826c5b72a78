"""Normalise the first column of the hand-written lexicons and drop duplicate rows.

Run after editing a lexicon by hand (the test suite checks the result):
    python scripts/tidy_lexicons.py
"""

from __future__ import annotations

from pathlib import Path

from marsad.lexicons.loader import FILES, PACKAGE_DIR
from marsad.normalize import normalize_form


def tidy(path: Path) -> int:
    out, seen, dropped = [], set(), 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            out.append(line)
            continue
        cols = line.split("\t")
        cols[0] = normalize_form(cols[0])
        key = tuple(cols[:2])
        if key in seen:
            dropped += 1
            continue
        seen.add(key)
        out.append("\t".join(cols))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return dropped


if __name__ == "__main__":
    for name, kind in FILES:
        if kind not in {"geo", "igo"}:
            n = tidy(PACKAGE_DIR / name)
            if n:
                print(f"{name}: dropped {n} duplicate rows")
