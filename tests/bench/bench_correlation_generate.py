#!/usr/bin/env python3
"""Writes synthetic `date,close` files for bench_correlation_vs_pandas.sh.

usage: bench_correlation_generate.py DIR SYMBOLS DAYS gaps|nogaps

nogaps: every symbol has the same DAYS consecutive dates (the fast path).
gaps: a fifth of the symbols trade every calendar day (crypto), the rest skip weekends and
about one weekday in 25 (holidays, halts), and one in ten starts late.
Returns come from a few common factors plus noise, seeded, so runs repeat exactly.
"""
import datetime
import os
import random
import sys


def main():
    folder, symbols, days, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = random.Random(20260325)
    os.makedirs(folder, exist_ok=True)
    start = datetime.date(2019, 1, 1)
    dates = [(start + datetime.timedelta(days=d)) for d in range(days)]
    iso = [d.isoformat() for d in dates]
    factors = [[rng.gauss(0.0, 0.01) for _ in range(days)] for _ in range(3)]
    for s in range(symbols):
        loadings = [rng.uniform(-1.0, 1.5) for _ in factors]
        crypto = mode == "gaps" and s % 5 == 0
        late = mode == "gaps" and s % 10 == 7
        close = rng.uniform(5.0, 500.0)
        lines = ["date,close"]
        for d in range(days):
            if mode == "gaps" and not crypto:
                if dates[d].weekday() >= 5 or rng.random() < 0.04:
                    continue
            if late and d < days // 3:
                continue
            r = sum(l * f[d] for l, f in zip(loadings, factors)) + rng.gauss(0.0, 0.015)
            close *= 1.0 + max(r, -0.5)
            lines.append("%s,%.6f" % (iso[d], close))
        with open(os.path.join(folder, "SYM%03d.csv" % s), "w") as out:
            out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
