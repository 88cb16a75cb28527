#!/usr/bin/env python3
"""SPEC 17's close plan, written from the SPEC (not from the C++): the oracle of
tests/close/tst_close_oracle.cpp.

    close_reference.py SEED COUNT [check] -> JSON on stdout: COUNT random books with the expected
                                       proportional and fewest-orders lines (exact) and the
                                       optimum of min-risk's convex problem (before rounding)

The min-risk optimum is found by enumerating every face of the feasible polytope (each value
kept at 0, at current(s) or free; each linear constraint active or not), minimising the
variance on that face's affine hull (its KKT system) and keeping the best feasible point: exact
for the small books it is given, and sharing nothing with the C++ projected-gradient solver.
Larger books (20 to 80 positions) get a primal-dual interior-point method instead; with a
third argument the two are checked against each other on every small book.
"""
import itertools
import json
import math
import sys

import numpy as np

CRYPTO = {"BTCUSD", "ETHUSD", "SOLUSD"}
FLOOR = 0.25  # maintenance_floor default (SPEC 15)


def rate(symbol, qty, price):
    """SPEC 15's default table (no override, never synced), floored; crypto 1.00."""
    if symbol in CRYPTO:
        return 1.0
    if qty > 0:
        m = 1.0 if price < 2.50 else 0.30
    else:
        m = 1.0 if price < 5.00 else 0.30
    return max(m, FLOOR)


def req(symbol, qty, price):
    current = abs(qty) * price
    r = rate(symbol, qty, price) * current
    if qty < 0 and symbol not in CRYPTO:
        r = max(r, (5.00 if price >= 5.00 else 2.50) * abs(qty))
    return r


def round_up(qty, crypto):
    step = 0.001 if crypto else 1.0
    n = round(qty / step)
    if abs(qty - n * step) <= 1e-9:
        return n * step
    return math.ceil(qty / step) * step


def target_holds(e, gross, mr, l_on, k):
    tol = 1e-9 * max(1.0, abs(e))
    return gross <= l_on * e + tol and e - mr >= k * (gross - mr) - tol


def book_figures(positions, sales):
    gross = mr = 0.0
    for p in positions:
        left = abs(p["qty"]) - sales.get(p["symbol"], 0.0)
        q = math.copysign(max(left, 0.0), p["qty"])
        gross += abs(q) * p["price"]
        mr += req(p["symbol"], q, p["price"]) if q != 0 else 0.0
    return gross, mr


def proportional(e, positions, l_on, k):
    gross, mr = book_figures(positions, {})
    f = 1.0 - min(l_on * e / gross, e / (k * gross + (1.0 - k) * mr))
    sales = {}
    for p in positions:
        s = min(round_up(f * abs(p["qty"]), p["symbol"] in CRYPTO), abs(p["qty"]))
        if abs(p["qty"]) - s <= 1e-9:
            s = abs(p["qty"])
        if s > 0:
            sales[p["symbol"]] = s
    return sales, f


def fewest_orders(e, positions, l_on, k):
    order = sorted(positions, key=lambda p: (-abs(p["qty"]) * p["price"], p["symbol"]))
    sales = {}
    for p in order:
        gross, mr = book_figures(positions, sales)
        if target_holds(e, gross, mr, l_on, k):
            break
        current = abs(p["qty"]) * p["price"]
        r_s = req(p["symbol"], p["qty"], p["price"]) / current
        needed = max(gross - l_on * e, (k * gross + (1 - k) * mr - e) / (k + (1 - k) * r_s))
        needed = min(needed, current)
        if needed <= 0:
            continue
        s = min(round_up(needed / p["price"], p["symbol"] in CRYPTO), abs(p["qty"]))
        if abs(p["qty"]) - s <= 1e-9:
            s = abs(p["qty"])
        sales[p["symbol"]] = s
    return sales


def covariance(positions, build_symbols, build_cov):
    """Signed-value covariance; a symbol outside the build gets the largest variance among the
    held symbols in it and no correlation."""
    idx = [build_symbols.index(p["symbol"]) if p["symbol"] in build_symbols else None
           for p in positions]
    held = [build_cov[i][i] for i in idx if i is not None]
    fallback = max(held) if held else 1.0
    n = len(positions)
    q = np.zeros((n, n))
    for a in range(n):
        for b in range(n):
            if idx[a] is not None and idx[b] is not None:
                v = build_cov[idx[a]][idx[b]]
            else:
                v = fallback if a == b else 0.0
            q[a, b] = np.sign(positions[a]["qty"]) * np.sign(positions[b]["qty"]) * v
    return q


def min_risk_optimum(e, positions, l_on, k, q, f):
    c = np.array([abs(p["qty"]) * p["price"] for p in positions])
    a = np.array([k + (1 - k) * req(p["symbol"], p["qty"], p["price"]) / (abs(p["qty"]) * p["price"])
                  for p in positions])
    gross = c.sum()
    upper_sum, lower_sum = l_on * e, (1.0 - f) * gross
    n = len(c)
    scale = max(1.0, gross)
    best = None
    for states in itertools.product((0, 1, 2), repeat=n):  # 0: at 0, 1: at c, 2: free
        fixed = np.array([0.0 if s == 0 else c[i] for i, s in enumerate(states)])
        free = [i for i, s in enumerate(states) if s == 2]
        for sum_eq, margin_eq in itertools.product((None, upper_sum, lower_sum), (False, True)):
            rows, rhs = [], []
            if sum_eq is not None:
                rows.append(np.ones(n))
                rhs.append(sum_eq)
            if margin_eq:
                rows.append(a)
                rhs.append(e)
            y = fixed.copy()
            if free:
                m = len(free)
                kkt = np.zeros((m + len(rows), m + len(rows)))
                kkt[:m, :m] = 2 * q[np.ix_(free, free)]
                fixed_idx = [i for i in range(n) if i not in free]
                g = -2 * q[np.ix_(free, fixed_idx)] @ fixed[fixed_idx] if fixed_idx else np.zeros(m)
                b = list(g)
                for r, (row, val) in enumerate(zip(rows, rhs)):
                    kkt[m + r, :m] = row[free]
                    kkt[:m, m + r] = row[free]
                    b.append(val - row[fixed_idx] @ fixed[fixed_idx] if fixed_idx else val)
                sol, *_ = np.linalg.lstsq(kkt, np.array(b), rcond=None)
                if np.abs(kkt @ sol - np.array(b)).max() > 1e-6 * scale:
                    continue
                y[free] = sol[:m]
            elif rows and any(abs(row @ y - val) > 1e-9 * scale for row, val in zip(rows, rhs)):
                continue
            tol = 1e-9 * scale
            if (y < -tol).any() or (y > c + tol).any():
                continue
            if y.sum() > upper_sum + tol or y.sum() < lower_sum - tol or a @ y > e + tol:
                continue
            v = float(y @ q @ y)
            if best is None or v < best:
                best = v
    return best


def min_risk_interior_point(e, positions, l_on, k, q, f):
    """The same optimum for books too large to enumerate: a primal-dual interior-point
    method (path-following, centring 0.1) on min y'Qy s.t. G y <= h (and 1'y = U when the
    sold-value cap meets the gross target), values scaled by gross. Converges to ~1e-10 of
    the optimum; independent of the C++ projected gradient."""
    c = np.array([abs(p["qty"]) * p["price"] for p in positions])
    a = np.array([k + (1 - k) * req(p["symbol"], p["qty"], p["price"]) / (abs(p["qty"]) * p["price"])
                  for p in positions])
    scale = c.sum()
    n = len(c)
    cs = c / scale
    upper, lower = l_on * e / scale, 1.0 - f
    rows = [-np.eye(n), np.eye(n), a[None, :]]
    h = [np.zeros(n), cs, [e / scale]]
    equality = lower >= upper - 1e-12
    if equality:
        a_eq, b_eq = np.ones((1, n)), np.array([upper])
    else:
        a_eq, b_eq = np.zeros((0, n)), np.zeros(0)
        rows += [np.ones((1, n)), -np.ones((1, n))]
        h += [[upper], [-lower]]
    g, h = np.vstack(rows), np.concatenate(h)
    p2 = 2.0 * q / np.abs(np.diag(q)).max()  # the argmin does not depend on the scale
    x = (1.0 - f) * cs  # proportional's point
    s = np.maximum(h - g @ x, 1e-2)
    z = np.ones_like(s)
    nu = np.zeros(len(b_eq))
    m, me = len(h), len(b_eq)
    for _ in range(500):
        r_d = p2 @ x + g.T @ z + a_eq.T @ nu
        r_p = g @ x + s - h
        r_e = a_eq @ x - b_eq
        mu = s @ z / m
        objective = max(1.0, float(x @ p2 @ x))
        if (mu < 1e-13 * objective and np.abs(r_p).max() < 1e-12
                and (me == 0 or np.abs(r_e).max() < 1e-12)):
            break
        w = z / s
        sigma_mu = 0.1 * mu
        kkt = np.zeros((n + me, n + me))
        kkt[:n, :n] = p2 + g.T @ (w[:, None] * g)
        kkt[:n, n:] = a_eq.T
        kkt[n:, :n] = a_eq
        rhs = np.concatenate([-r_d - g.T @ (w * r_p - z + sigma_mu / s), -r_e])
        try:
            step = np.linalg.solve(kkt, rhs)
        except np.linalg.LinAlgError:  # a redundant equality row: least squares solves it
            step = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
        dx, dnu = step[:n], step[n:]
        dz = w * (g @ dx + r_p) - z + sigma_mu / s
        ds = -s + sigma_mu / z - (s / z) * dz
        alpha = 1.0
        for v, dv in ((s, ds), (z, dz)):
            neg = dv < 0
            if neg.any():
                alpha = min(alpha, 0.99 * float((-v[neg] / dv[neg]).min()))
        step_ok = all(np.isfinite(v).all() for v in (dx, ds, dz, dnu)) and alpha > 0
        if not step_ok or (s + alpha * ds).min() <= 0 or (z + alpha * dz).min() <= 0:
            break  # at the precision the arithmetic resolves: keep the last point
        x, s, z, nu = x + alpha * dx, s + alpha * ds, z + alpha * dz, nu + alpha * dnu
    # An oracle that did not converge must fail loudly, never hand back an infeasible point.
    r_p = g @ x + s - h
    assert s @ z / m < 1e-9 and np.abs(r_p).max() < 1e-9, ("interior point did not converge", s @ z)
    y = np.clip(x, 0.0, cs) * scale
    return float(y @ q @ y)


def random_case(rng, n, with_min_risk):
    stocks = ["AAPL", "AMD", "F", "INTC", "KO", "MSFT", "NVDA", "PLTR", "SIRI", "TSLA", "XOM"]
    if n > len(stocks):
        stocks = ["S%03d" % i for i in range(n)]
    symbols = list(rng.choice(stocks + sorted(CRYPTO), size=n, replace=False))
    positions = []
    for s in symbols:
        if s in CRYPTO:
            price = float(np.round(rng.uniform(20, 60000), 2))
            qty = float(np.round(rng.uniform(0.01, 3.0) * 1000 / max(price / 100, 1), 3)) or 0.5
        else:
            price = float(np.round(rng.choice([rng.uniform(1, 6), rng.uniform(6, 600)]), 2))
            qty = float(rng.integers(1, 4000))
            if rng.random() < 0.25:
                qty = -qty
        positions.append({"symbol": str(s), "qty": qty, "price": price})
    gross = sum(abs(p["qty"]) * p["price"] for p in positions)
    equity = float(np.round(gross / rng.uniform(0.8, 5.0), 2))
    l_on = float(rng.choice([1.0, 1.5, 2.0]))
    k = float(rng.choice([0.0, 0.05, 0.2]))
    # The build: every held symbol (sometimes one is left out) and one that is not held.
    in_build = [p["symbol"] for p in positions]
    if n > 1 and rng.random() < 0.3:
        in_build = in_build[1:]
    in_build.append("SPY")
    m = len(in_build)
    vols = rng.uniform(0.008, 0.05, size=m)
    loadings = rng.normal(0, 1, size=(m, 2))
    corr = loadings @ loadings.T + np.diag(rng.uniform(0.3, 1.5, size=m))
    d = np.sqrt(np.diag(corr))
    corr = corr / np.outer(d, d)
    cov = np.outer(vols, vols) * corr
    case = {"equity": equity, "l_on": l_on, "k": k, "positions": positions,
            "build_symbols": in_build, "build_cov": cov.tolist()}
    gross, mr = book_figures(positions, {})
    needed = not target_holds(equity, gross, mr, l_on, k)
    case["needed"] = needed
    if needed:
        prop, f = proportional(equity, positions, l_on, k)
        case["proportional"] = prop
        case["fewest_orders"] = fewest_orders(equity, positions, l_on, k)
        for name in ("proportional", "fewest_orders"):
            g, r = book_figures(positions, case[name])
            assert target_holds(equity, g, r, l_on, k), (name, case)
            case[name + "_after"] = {"gross": g, "maintenance": r}
        if with_min_risk:
            q = covariance(positions, in_build, cov.tolist())
            c = np.array([abs(p["qty"]) * p["price"] for p in positions])
            case["proportional_variance"] = float((1 - f) ** 2 * (c @ q @ c))
            if n <= 6:
                case["min_risk_optimum"] = min_risk_optimum(equity, positions, l_on, k, q, f)
            else:
                case["min_risk_optimum"] = min_risk_interior_point(equity, positions, l_on, k, q, f)
            if n <= 6 and len(sys.argv) > 3:  # self-check: both optimisers agree (to 1e-5)
                ipm = min_risk_interior_point(equity, positions, l_on, k, q, f)
                assert abs(ipm - case["min_risk_optimum"]) <= 1e-5 * max(1.0, ipm), (ipm, case)
    return case


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
        with_min_risk = i % 2 == 0
        n = int(rng.integers(1, 6 if with_min_risk else 12))
        if i % 8 == 6:  # larger books: the interior-point optimum
            n = int(rng.integers(20, 80))
        cases.append(random_case(rng, n, with_min_risk))
    json.dump(cases, sys.stdout)


if __name__ == "__main__":
    main()
