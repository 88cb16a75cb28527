#!/usr/bin/env python3
"""A plain reference model of SPEC 12 (the sizing lab), written from the SPEC text alone.

Standard library only. It re-states SPEC 2 (enhanced), 3 (legacy), 5 (price files) and 12
(the daily loop and the metrics) as simply as possible, so the C++ engine has an
independent oracle (tests/lab/tst_lab_oracle.cpp) and the benchmark has a baseline.

    lab_reference.py --prices DIR [--symbols A,B] [--from D] [--to D] [--equity X]
        [--methods LIST] [--forecast FILE] [--lookback N] [--cost-bps B]
        [--intraday L] [--overnight L_ON] [--cap PCT] [--rate R] [--crypto A,B,...]
        [--kelly C] [--kelly-fractions LIST] [--out FILE.json]

SPEC 18's sweep: --kelly-fractions runs "enhanced" once per fraction, named "enhanced@%g",
after the --methods runs (none when --methods is not given).

Prints (or writes) JSON: {"symbols", "calendar", "annualization", "runs": [{"method",
"metrics": {...}, "curve": [[date, equity, gross, cash, financing, costs], ...]}]}.
"""

import argparse
import csv
import datetime
import json
import math
import os
import sys

DEFAULT_CRYPTO = ("AAVEUSD ADAUSD ALGOUSD APTUSD ATOMUSD AVAXUSD BNBUSD BCHUSD BTCUSD DOGEUSD "
                  "DOTUSD AEURUSD ETHUSD LINKUSD LTCUSD MATICUSD POLUSD SHIBUSD SKYUSD SOLUSD "
                  "TRXUSD UNIUSD VETUSD XLMUSD XRPUSD").split()
MIN_RETURNS = 20


def normalize(symbol):
    return "".join(ch for ch in symbol.upper() if ch.isalnum() or ch == ".")


# --- SPEC 5: price files -------------------------------------------------------------------

def read_prices(folder):
    series = {}
    for name in sorted(os.listdir(folder)):
        if not name.lower().endswith(".csv"):
            continue
        with open(os.path.join(folder, name), newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
        header = [cell.strip().strip('"').lower() for cell in rows[0]]
        close_col = header.index("adj close") if "adj close" in header else header.index("close")
        date_col = header.index("date")
        closes = {}
        for row in rows[1:]:
            text = row[close_col].strip()
            if text in ("", "null"):
                continue
            closes[row[date_col].strip()[:10]] = float(text)
        dates = sorted(closes)
        series[normalize(os.path.splitext(name)[0])] = (dates, [closes[d] for d in dates])
    return series


def read_forecast(path):
    table = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items()}
            sigma = float(row["sigma"]) if row.get("sigma") else None
            table[(row["date"], normalize(row["symbol"]))] = (float(row["mu"]), sigma)
    return table


# --- SPEC 2, 3: the sizing rules -------------------------------------------------------------

def round_down(qty, crypto):
    if not math.isfinite(qty) or qty <= 0:
        return 0.0
    unit = 1000.0 if crypto else 1.0
    steps = qty * unit
    whole = math.floor(steps)
    if whole + 1 - steps <= 1e-9:
        whole += 1
    return whole / unit


def requirement(symbol, q, p, cfg):
    """SPEC 15 with the default table (the lab has no overrides or broker rates)."""
    if symbol in cfg["crypto"]:
        return abs(q) * p
    low = 2.50 if q >= 0 else 5.00
    rate = max(1.0 if p < low else 0.30, cfg["floor"])
    req = rate * abs(q) * p
    if q < 0:
        req = max(req, (5.00 if p >= 5.00 else 2.50) * abs(q))
    return req


def margin_room(price, short, crypto, equity, gross, book, cfg):
    """SPEC 15: the room an add may take, with k = margin_call_fall_pct / 100."""
    mr = sum(requirement(s, q, p, cfg) for s, q, p in book)
    if crypto:
        m = 1.0
    else:
        m = max((1.0 if price < (5.00 if short else 2.50) else 0.30), cfg["floor"])
        if short:
            m = max(m, (5.00 if price >= 5.00 else 2.50) / price)
    k = cfg["k"]
    return max(0.0, (equity - mr - k * (gross - mr)) / (m + k * (1.0 - m)))


def size_enhanced(price, mu, sigma, equity, buying_power, gross, crypto, cfg, book):
    """SPEC 2 for a symbol not held (current(s) = 0)."""
    lev = 1.0 if crypto else cfg["intraday"]
    full = 0.0 if sigma == 0 else abs(mu) / (sigma * sigma)
    base = min(cfg["kelly"] * full, 1.0)
    qty = base * lev * equity / price
    short = mu < 0 and not crypto
    rooms = [(cfg["cap"] / 100.0 * equity - 0.0) * lev, buying_power,
             cfg["intraday"] * equity - gross,
             margin_room(price, short, crypto, equity, gross, book, cfg)]
    for room in rooms:
        qty = min(qty, max(room, 0.0) / price)
    return round_down(qty, crypto)


def size_enhanced_corr(price, mu, sigma, equity, buying_power, gross, crypto, cfg, book, rhos):
    """SPEC 2 with SPEC 11's base: the half-Kelly of s with the rest of the book fixed.
    `book` lists (symbol, qty, price); `rhos` gives (rho, sigma_j) or None per entry."""
    lev = 1.0 if crypto else cfg["intraday"]
    d = 1.0 if mu > 0 else (-1.0 if mu < 0 else 0.0)
    book_cov = 0.0
    for (symbol, q, p), pair in zip(book, rhos):
        if pair is not None:
            book_cov += d * sigma * (q * p / equity) * pair[0] * pair[1]
    base = 0.0
    if d != 0 and sigma > 0:
        full = (abs(mu) - book_cov) / (sigma * sigma)
        base = min(cfg["kelly"] * max(full, 0.0), 1.0)
    qty = base * lev * equity / price
    short = mu < 0 and not crypto
    rooms = [(cfg["cap"] / 100.0 * equity - 0.0) * lev, buying_power,
             cfg["intraday"] * equity - gross,
             margin_room(price, short, crypto, equity, gross, book, cfg)]
    for room in rooms:
        qty = min(qty, max(room, 0.0) / price)
    return round_down(qty, crypto)


def size_legacy(price, equity, buying_power, gross, crypto, cfg, book):
    """SPEC 3 with the threshold 2.0, for a symbol not held; its adds are long."""
    m = 1.0 if crypto else max(2.0, 1.0)
    qty = 0.5 * buying_power * m / price
    rooms = [(cfg["cap"] / 100.0 * equity - 0.0) * m, cfg["intraday"] * equity - gross,
             margin_room(price, False, crypto, equity, gross, book, cfg)]
    for room in rooms:
        qty = min(qty, max(room, 0.0) / price)
    return round_down(qty, crypto)


# --- SPEC 12: the loop -----------------------------------------------------------------------

def day_number(iso):
    return datetime.date.fromisoformat(iso).toordinal()


def trailing(closes, index, lookback):
    """Mean and sample sd of the last `lookback` returns before closes[index]."""
    window = [closes[k] / closes[k - 1] - 1 for k in range(max(1, index - lookback), index)]
    if len(window) < MIN_RETURNS:
        return None
    mean = sum(window) / len(window)
    var = sum((r - mean) ** 2 for r in window) / (len(window) - 1)
    return mean, math.sqrt(var)


def correlation(xs, ys):
    """Pearson on pairwise-complete returns; None below MIN_RETURNS or for a flat series."""
    pairs = [(x, y) for x, y in zip(xs, ys) if x is not None and y is not None]
    if len(pairs) < MIN_RETURNS:
        return None
    mx = sum(x for x, _ in pairs) / len(pairs)
    my = sum(y for _, y in pairs) / len(pairs)
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    sxx = sum((x - mx) ** 2 for x, _ in pairs)
    syy = sum((y - my) ** 2 for _, y in pairs)
    if sxx <= 0 or syy <= 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def returns_by_date(series, symbols):
    """SPEC 12.4: every symbol's returns joined on date (all rows of every file)."""
    table = {}
    for s in symbols:
        dates, closes = series[s]
        table[s] = {dates[k]: closes[k] / closes[k - 1] - 1 for k in range(1, len(dates))}
    joined = sorted({d for s in symbols for d in table[s]})
    return table, joined


def simulate(series, symbols, calendar, method, args, cfg, forecasts):
    crypto = {s: s in cfg["crypto"] for s in symbols}
    index_of = {s: {d: i for i, d in enumerate(series[s][0])} for s in symbols}
    first_date = {s: series[s][0][0] for s in symbols if series[s][0]}
    last_close = {}
    qty = {s: 0.0 for s in symbols}
    cash = args.equity
    due = 0.0
    curve = []
    traded_total = 0.0
    if method == "enhanced-corr":
        returns, joined = returns_by_date(series, symbols)
    for day, date in enumerate(calendar):
        for s in symbols:  # the last close on or before today
            dates, closes = series[s]
            if date in index_of[s]:
                last_close[s] = closes[index_of[s][date]]
            elif s not in last_close:
                before = [i for i, d in enumerate(dates) if d < date]
                if before:
                    last_close[s] = closes[before[-1]]
        priced = [s for s in symbols if date in index_of[s]]
        unpriced = [s for s in symbols if date not in index_of[s]]

        financing = due
        cash -= due
        due = 0.0
        equity = cash + sum(qty[s] * last_close.get(s, 0.0) for s in symbols)
        if equity <= 0:
            gross = sum(abs(qty[s]) * last_close.get(s, 0.0) for s in symbols)
            curve.append([date, equity, gross, cash, financing, 0.0])
            break

        signals = {}
        for s in priced:
            dates, closes = series[s]
            mine = trailing(closes, index_of[s][date], args.lookback)
            if forecasts is not None:
                row = forecasts.get((date, s))
                if row is None:
                    mine = None
                elif row[1] is not None:
                    mine = (row[0], row[1])
                elif mine is not None:
                    mine = (row[0], mine[1])
            signals[s] = mine

        target = {s: qty[s] for s in unpriced}
        for s in priced:
            target[s] = 0.0
        if method == "equal-weight":
            started = max(1, sum(1 for s in symbols if s in first_date and first_date[s] <= date))
            for s in priced:
                target[s] = round_down(equity / started / last_close[s], crypto[s])
        else:
            tradeable = []
            for s in priced:
                sig = signals[s]
                if sig is None or sig[0] == 0 or (crypto[s] and sig[0] < 0):
                    continue
                strength = abs(sig[0]) / sig[1] if sig[1] > 0 else math.inf
                tradeable.append((-strength, s))
            tradeable.sort()
            book = [(s, target[s], last_close[s]) for s in unpriced if target[s] != 0]
            if method == "enhanced-corr":
                window = [d for d in joined if d < date][-args.lookback:]
            for _, s in tradeable:
                gross = sum(abs(q * p) for _, q, p in book)
                bp = max(cfg["intraday"] * equity - gross, 0.0)
                price = last_close[s]
                mu, sigma = signals[s]
                if method == "enhanced":
                    size = size_enhanced(price, mu, sigma, equity, bp, gross, crypto[s], cfg, book)
                elif method == "enhanced-corr":
                    rhos = []
                    for j, _, _ in book:
                        before = sum(1 for d in series[j][0] if d < date)
                        mine = trailing(series[j][1], before, args.lookback)
                        rho = correlation([returns[s].get(d) for d in window],
                                          [returns[j].get(d) for d in window])
                        rhos.append(None if mine is None or rho is None else (rho, mine[1]))
                    size = size_enhanced_corr(price, mu, sigma, equity, bp, gross, crypto[s],
                                              cfg, book, rhos)
                else:
                    size = size_legacy(price, equity, bp, gross, crypto[s], cfg, book)
                if size > 0:
                    target[s] = size if mu > 0 else -size
                    book.append((s, target[s], price))

        # The close: only L_on x E may be held overnight.
        gross_unpriced = sum(abs(target[s]) * last_close[s] for s in unpriced if s in last_close)
        gross_priced = sum(abs(target[s]) * last_close[s] for s in priced)
        limit = cfg["overnight"] * equity
        if gross_unpriced + gross_priced > limit and gross_priced > 0:
            scale = max(limit - gross_unpriced, 0.0) / gross_priced
            for s in priced:
                size = round_down(abs(target[s] * scale), crypto[s])
                target[s] = -size if target[s] < 0 else size

        costs = 0.0
        for s in priced:
            change = target[s] - qty[s]
            cash -= change * last_close[s]
            costs += args.cost_bps / 10000.0 * abs(change) * last_close[s]
            traded_total += abs(change) * last_close[s]
            qty[s] = target[s]
        cash -= costs
        equity = cash + sum(qty[s] * last_close.get(s, 0.0) for s in symbols)
        gross = sum(abs(qty[s]) * last_close.get(s, 0.0) for s in symbols)
        curve.append([date, equity, gross, cash, financing, costs])
        if day + 1 < len(calendar):
            nights = day_number(calendar[day + 1]) - day_number(date)
            due = max(gross - equity, 0.0) * cfg["rate"] / 360.0 * nights
    return curve, traded_total


def metrics(curve, e0, annual, traded):
    out = {}
    final = curve[-1][1]
    ruined = curve[-1][0] if final <= 0 else None
    equities = [p[1] for p in curve]
    rets = []
    prev = e0
    for e in equities:
        rets.append(e / prev - 1)
        prev = e
    days = day_number(curve[-1][0]) - day_number(curve[0][0])
    out["total_return"] = final / e0 - 1
    out["cagr"] = None
    out["sharpe"] = None
    out["sortino"] = None
    out["calmar"] = None
    peak, peak_day, mdd, longest = e0, day_number(curve[0][0]), 0.0, 0
    for date, e, *_ in curve:
        if e >= peak:
            peak, peak_day = e, day_number(date)
        else:
            longest = max(longest, day_number(date) - peak_day)
        mdd = min(mdd, e / peak - 1)
    out["max_drawdown"] = mdd
    out["worst_day"] = min(rets)
    if ruined is None:
        if days > 0:
            out["cagr"] = (final / e0) ** (365.25 / days) - 1
        mean = sum(rets) / len(rets)
        if len(rets) >= 2:
            sd = math.sqrt(sum((r - mean) ** 2 for r in rets) / (len(rets) - 1))
            if sd > 0:
                out["sharpe"] = mean / sd * math.sqrt(annual)
        down = math.sqrt(sum(min(r, 0) ** 2 for r in rets) / len(rets))
        if down > 0:
            out["sortino"] = mean / down * math.sqrt(annual)
        if out["cagr"] is not None and mdd < 0:
            out["calmar"] = out["cagr"] / abs(mdd)
    out["financing"] = sum(p[4] for p in curve)
    out["costs"] = sum(p[5] for p in curve)
    mean_e = sum(equities) / len(equities)
    out["turnover"] = traded / mean_e if mean_e > 0 else None
    closes = curve[:-1] if ruined else curve
    levs = [p[2] / p[1] for p in closes if p[1] > 0]
    out["avg_gross_leverage"] = sum(levs) / len(levs) if levs else None
    out["max_gross_leverage"] = max(levs) if levs else None
    out["longest_drawdown_days"] = longest
    out["ruined"] = ruined
    out["final_equity"] = final
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prices", required=True)
    parser.add_argument("--symbols")
    parser.add_argument("--from", dest="start")
    parser.add_argument("--to", dest="end")
    parser.add_argument("--equity", type=float, default=100000.0)
    parser.add_argument("--methods")
    parser.add_argument("--forecast")
    parser.add_argument("--lookback", type=int, default=60)
    parser.add_argument("--cost-bps", type=float, default=5.0)
    parser.add_argument("--intraday", type=float, default=4.0)
    parser.add_argument("--overnight", type=float, default=2.0)
    parser.add_argument("--cap", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=0.065)
    parser.add_argument("--floor", type=float, default=0.25)  # maintenance_floor
    parser.add_argument("--k", type=float, default=5.0)  # margin_call_fall_pct
    parser.add_argument("--kelly", type=float, default=0.5)  # kelly_fraction
    parser.add_argument("--kelly-fractions", dest="fractions")
    parser.add_argument("--crypto", default=",".join(DEFAULT_CRYPTO))
    parser.add_argument("--out")
    args = parser.parse_args()

    series = read_prices(args.prices)
    symbols = sorted(normalize(s) for s in args.symbols.split(",")) if args.symbols \
        else sorted(series)
    calendar = sorted({d for s in symbols for d in series[s][0]
                       if (args.start is None or d >= args.start)
                       and (args.end is None or d <= args.end)})
    cfg = {"intraday": args.intraday, "overnight": args.overnight, "cap": args.cap,
           "rate": args.rate, "crypto": {normalize(c) for c in args.crypto.split(",") if c},
           "floor": args.floor, "k": args.k / 100.0, "kelly": args.kelly}
    annual = 365 if any(s in cfg["crypto"] for s in symbols) else 252
    forecasts = read_forecast(args.forecast) if args.forecast else None
    if args.methods is not None:
        methods = args.methods.split(",")
    elif args.fractions is None:
        methods = ["enhanced", "enhanced-corr", "legacy", "equal-weight"]
    else:
        methods = []
    jobs = [(method, method, cfg) for method in methods]
    for fraction in (args.fractions.split(",") if args.fractions else []):
        c = float(fraction)
        if not 0 < c <= 1:
            sys.exit("kelly-fractions: %s is not in (0, 1]" % fraction)
        jobs.append(("enhanced@%g" % c, "enhanced", dict(cfg, kelly=c)))
    runs = []
    for name, method, run_cfg in jobs:
        curve, traded = simulate(series, symbols, calendar, method, args, run_cfg, forecasts)
        runs.append({"method": name, "metrics": metrics(curve, args.equity, annual, traded),
                     "curve": curve})
    result = {"symbols": symbols, "calendar": calendar, "annualization": annual, "runs": runs}
    text = json.dumps(result)
    if args.out:
        with open(args.out, "w") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
