"""An independent model of SPEC 15 (margin) and 16 (stress), written from the SPEC alone.

It shares no logic with the C++: requirements come from the rate table as the SPEC words
it, and every move to a margin call is found by scanning a fine grid with numpy and then
bisecting the first deficit to machine precision, instead of solving piece by piece.
"""

import math

import numpy as np

FALL_MAX = 1.0
RISE_MAX = 3.0
GRID = 200_001


def rate(symbol, qty, price, crypto, overrides, floor):
    """m(s) at `price` for the side of `qty`: crypto 1.00, override, default table; floored."""
    if crypto:
        return 1.0
    if symbol in overrides:
        return max(overrides[symbol], floor)
    if qty >= 0:
        table = 1.0 if price < 2.50 else 0.30
    else:
        table = 1.0 if price < 5.00 else 0.30
    return max(table, floor)


def requirement(symbol, qty, price, crypto, overrides, floor):
    """req(s) in USD at `price`: rate x current, a stock short at least its per-share minimum."""
    req = rate(symbol, qty, price, crypto, overrides, floor) * abs(qty) * price
    if qty < 0 and not crypto:
        per_share = 5.00 if price >= 5.00 else 2.50
        req = max(req, per_share * abs(qty))
    return req


class Book:
    def __init__(self, equity, positions, crypto, overrides, floor):
        self.equity = equity
        self.positions = positions  # [(symbol, qty, price)]
        self.crypto = crypto  # set of symbols
        self.overrides = overrides
        self.floor = floor

    def req(self, i, price):
        symbol, qty, _ = self.positions[i]
        return requirement(symbol, qty, price, symbol in self.crypto, self.overrides, self.floor)

    def maintenance(self):
        return sum(self.req(i, p[2]) for i, p in enumerate(self.positions))

    def gross(self):
        return sum(abs(q * p) for _, q, p in self.positions)

    def deficit_at(self, moving, direction, t):
        """E(t) < MR(t) with the positions in `moving` moved by (1 + direction t)."""
        equity = self.equity
        required = 0.0
        for i, (_, qty, price) in enumerate(self.positions):
            if i in moving:
                moved = price * (1.0 + direction * t)
                equity += qty * (moved - price)
                required += self.req(i, moved)
            else:
                required += self.req(i, price)
        return equity < required

    def deficit_grid(self, moving, direction, ts):
        equity = np.full(ts.shape, float(self.equity))
        required = np.zeros(ts.shape)
        for i, (symbol, qty, price) in enumerate(self.positions):
            if i not in moving:
                required += self.req(i, price)
                continue
            moved = price * (1.0 + direction * ts)
            equity += qty * (moved - price)
            crypto = symbol in self.crypto
            if crypto:
                rates = np.ones(ts.shape)
            elif symbol in self.overrides:
                rates = np.full(ts.shape, max(self.overrides[symbol], self.floor))
            else:
                threshold = 2.50 if qty >= 0 else 5.00
                rates = np.maximum(np.where(moved < threshold, 1.0, 0.30), self.floor)
            req = rates * abs(qty) * moved
            if qty < 0 and not crypto:
                req = np.maximum(req, np.where(moved >= 5.00, 5.00, 2.50) * abs(qty))
            required += req
        return equity < required

    def first_call(self, moving, direction, max_move):
        """100 x the infimum move t in [0, max_move] with a deficit; None when none."""
        if self.deficit_at(moving, direction, 0.0):
            return 0.0
        ts = np.linspace(0.0, max_move, GRID)
        hits = np.nonzero(self.deficit_grid(moving, direction, ts))[0]
        if len(hits) == 0:
            return None
        lo, hi = ts[hits[0] - 1], ts[hits[0]]
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if mid <= lo or mid >= hi:
                break
            if self.deficit_at(moving, direction, mid):
                hi = mid
            else:
                lo = mid
        return 100.0 * hi

    def fall_pct(self):
        return self.first_call(set(range(len(self.positions))), -1.0, FALL_MAX)

    def rise_pct(self):
        return self.first_call(set(range(len(self.positions))), 1.0, RISE_MAX)

    def call_move_pct(self, i):
        qty = self.positions[i][1]
        if qty >= 0:
            return self.first_call({i}, -1.0, FALL_MAX)
        return self.first_call({i}, 1.0, RISE_MAX)

    def scenario(self, moves):
        """SPEC 16: one scenario, a move (fraction) per position."""
        pnl = gross = required = 0.0
        for i, (_, qty, price) in enumerate(self.positions):
            moved = price * (1.0 + moves[i])
            pnl += qty * (moved - price)
            gross += abs(qty * moved)
            required += self.req(i, moved)
        equity = self.equity + pnl
        call = equity < required
        if equity <= 0:
            cure = gross
        elif call:
            cure = max(0.0, 1.0 - equity / required) * gross
        else:
            cure = 0.0
        return {
            "pnl": pnl,
            "equity_after": equity,
            "gross_after": gross,
            "leverage_after": gross / equity if equity > 0 else None,
            "maintenance_after": required,
            "excess_after": equity - required,
            "margin_call": call,
            "cure_usd": cure,
        }


def margin_room(book, symbol, price, side_short, crypto, k):
    """SPEC 15's room for an add of `symbol` at `price`."""
    m = rate(symbol, -1.0 if side_short else 1.0, price, crypto, book.overrides, book.floor)
    if side_short and not crypto:
        m = max(m, (5.00 if price >= 5.00 else 2.50) / price)
    mr = book.maintenance()
    gross = book.gross()
    return max(0.0, (book.equity - mr - k * (gross - mr)) / (m + k * (1.0 - m)))


def round_down(qty, crypto):
    step = 1000.0 if crypto else 1.0
    steps = qty * step
    whole = math.floor(steps)
    if whole + 1.0 - steps <= 1e-9:
        whole += 1.0
    return max(whole, 0.0) / step


def enhanced_size(book, buying_power, symbol, price, mu, sigma, crypto, k, kelly=0.5,
                  intraday=4.0, cap_pct=60.0):
    """SPEC 2 with given mu and sigma, no correlation build: (qty, binding)."""
    held = sum(abs(q * p) for s, q, p in book.positions if s == symbol)
    equity = book.equity
    if equity <= 0:
        return 0.0, "no equity"
    if held >= cap_pct / 100.0 * equity:
        return 0.0, "symbol cap"
    leverage = 1.0 if crypto else intraday
    full = abs(mu) / sigma ** 2
    base = min(kelly * full, 1.0)
    qty = base * leverage * equity / price
    binding = "kelly"
    short = (not crypto) and mu < 0
    rooms = [
        ("symbol cap", (cap_pct / 100.0 * equity - held) * leverage),
        ("buying power", buying_power),
        ("gross leverage", intraday * equity - book.gross()),
        ("maintenance margin", margin_room(book, symbol, price, short, crypto, k)),
    ]
    for name, room in rooms:
        if max(room, 0.0) / price < qty:
            qty = max(room, 0.0) / price
            binding = name
    return round_down(qty, crypto), binding
