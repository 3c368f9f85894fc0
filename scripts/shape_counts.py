"""How many error shapes the explain catalogue holds, per SDK family, link, mechanism and kind.

    python scripts/shape_counts.py
"""

from __future__ import annotations

from collections import Counter

from irsa_tui.explain.shapes import FAMILIES, LINKS, SHAPES


def main() -> None:
    shapes = list(SHAPES.values())
    print(f"shapes: {len(shapes)}")
    family = Counter(s.family for s in shapes)
    print("per family: " + ", ".join(f"{f} {family[f]}" for f in FAMILIES))
    link = Counter(s.link or "(none)" for s in shapes)
    print("per link:   " + ", ".join(f"{k} {link[k]}" for k in (*LINKS, "(none)")))
    print("per mechanism: " + ", ".join(f"{k} {v}" for k, v in Counter(s.mechanism for s in shapes).most_common()))
    print("per kind:   " + ", ".join(f"{k} {v}" for k, v in Counter(s.kind for s in shapes).most_common()))


if __name__ == "__main__":
    main()
