"""SPEC 15 and 16 through the real kellyctl, against the independent model beside this file:
random books (longs, shorts, crypto, low-priced names, overrides, a raised floor) agree to
1e-9 on the requirement, the fall and rise to a margin call, every single-name move, each
stress scenario and the size of an add within the margin room."""

import json
import os
import random
import subprocess
import tempfile
import unittest

import margin_reference as model

KELLYCTL = os.environ["KELLYCTL"]
BOOKS = 40
RELATIVE = 1e-9
CRYPTO = {"BTCUSD", "ETHUSD", "SOLUSD"}
STOCKS = ["NVDA", "AAPL", "MSFT", "PENNY", "LOWP", "SHRT", "TSLA", "AMD"]


def kellyctl(db, *arguments, expect=0):
    done = subprocess.run([KELLYCTL, "--db", db] + list(arguments), capture_output=True,
                          text=True)
    if done.returncode != expect:
        raise AssertionError("kellyctl %s: exit %d: %s" % (" ".join(arguments),
                                                           done.returncode, done.stderr))
    return done


def close(expected, actual):
    if expected is None or actual is None:
        return expected is None and actual is None
    return abs(expected - actual) <= RELATIVE * abs(expected) + 1e-9


def random_book(rng):
    positions = []
    for symbol in rng.sample(STOCKS, rng.randint(1, 5)):
        price = rng.choice([rng.uniform(1.0, 7.0), rng.uniform(5.0, 400.0)])
        qty = float(rng.randint(1, 3000)) * (-1 if rng.random() < 0.3 else 1)
        positions.append((symbol, qty, round(price, 4)))
    if rng.random() < 0.4:
        positions.append((rng.choice(sorted(CRYPTO)), round(rng.uniform(0.01, 2.0), 3),
                          round(rng.uniform(1000.0, 60000.0), 2)))
    gross = sum(abs(q * p) for _, q, p in positions)
    equity = round(gross * rng.uniform(0.3, 1.5), 2)
    overrides = {}
    if rng.random() < 0.3:
        symbol = rng.choice([s for s, _, _ in positions if s not in CRYPTO] or ["NVDA"])
        overrides[symbol] = round(rng.uniform(0.35, 0.9), 3)
    floor = 0.25 if rng.random() < 0.7 else 0.32
    return model.Book(equity, positions, CRYPTO, overrides, floor)


class MarginOracleTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.folder.cleanup()

    def store_for(self, index, book, buying_power):
        db = os.path.join(self.folder.name, "book%d.sqlite" % index)
        csv = os.path.join(self.folder.name, "book%d.csv" % index)
        with open(csv, "w") as out:
            out.write("symbol,qty,price\n")
            for symbol, qty, price in book.positions:
                out.write("%s,%r,%r\n" % (symbol, qty, price))
        kellyctl(db, "init")
        kellyctl(db, "account", "set", "--equity", repr(book.equity), "--buying-power",
                 repr(buying_power))
        kellyctl(db, "set", "crypto_list", " ".join(sorted(CRYPTO)))
        kellyctl(db, "set", "maintenance_floor", repr(book.floor))
        kellyctl(db, "import", csv)
        for symbol, rate in book.overrides.items():
            kellyctl(db, "margin", "set", symbol, repr(rate))
        return db

    def test_random_books_agree(self):
        rng = random.Random(20260604)
        calls = 0
        for index in range(BOOKS):
            book = random_book(rng)
            buying_power = round(book.equity * 4, 2)
            db = self.store_for(index, book, buying_power)
            status = json.loads(kellyctl(db, "status", "--json").stdout)
            where = "book %d: %r" % (index, book.positions)
            self.assertTrue(close(book.maintenance(), status["maintenance_requirement"]), where)
            self.assertTrue(close(book.equity - book.maintenance(), status["excess_liquidity"]),
                            where)
            fall = book.fall_pct()
            calls += fall is not None and fall > 0
            self.assertTrue(close(fall, status["margin_call_fall_pct"]),
                            "%s: fall %r vs %r" % (where, fall, status["margin_call_fall_pct"]))
            self.assertTrue(close(book.rise_pct(), status["margin_call_rise_pct"]),
                            "%s: rise %r vs %r" % (where, book.rise_pct(),
                                                   status["margin_call_rise_pct"]))
            self.assertIsNone(status["call_probability_1d"])  # no correlation build
            by_symbol = {p["symbol"]: p for p in status["positions"]}
            for i, (symbol, qty, price) in enumerate(book.positions):
                row = by_symbol[symbol]
                self.assertTrue(close(book.req(i, price), row["maintenance_usd"]), where)
                self.assertTrue(close(book.call_move_pct(i), row["call_move_pct"]),
                                "%s: %s move %r vs %r" % (where, symbol, book.call_move_pct(i),
                                                          row["call_move_pct"]))

            moves = [-35.5, -20, -7.25, 12, 60]
            stress = json.loads(kellyctl(db, "stress", "--moves", ",".join(map(str, moves)),
                                         "--json").stdout)
            for move, got in zip(moves, stress["scenarios"]):
                expected = book.scenario([move / 100.0] * len(book.positions))
                for key, value in expected.items():
                    if isinstance(value, bool):
                        self.assertEqual(value, got[key], "%s %s %s" % (where, move, key))
                    else:
                        self.assertTrue(close(value, got[key]),
                                        "%s: %s %s: %r vs %r" % (where, move, key, value,
                                                                 got[key]))

            mu = rng.choice([0.003, -0.002, 0.0004])
            price = round(rng.uniform(3.0, 300.0), 2)
            size = json.loads(kellyctl(db, "size", "NEWCO", repr(price), "--mu", repr(mu),
                                       "--sigma", "0.02", "--dry-run", "--json").stdout)
            qty, binding = model.enhanced_size(book, buying_power, "NEWCO", price, mu, 0.02,
                                               False, 0.05)
            self.assertEqual(qty, size["qty"], "%s: NEWCO @ %r mu %r" % (where, price, mu))
            self.assertEqual(binding, size["binding"], where)
            self.assertEqual("short" if mu < 0 else "long", size["direction"], where)
        self.assertGreater(calls, 10)  # the books reach their calls, not only "none"

    def test_history_scenarios(self):
        book = model.Book(100000.0, [("NVDA", 1000.0, 150.0), ("AAPL", -200.0, 200.0)],
                          CRYPTO, {}, 0.25)
        db = self.store_for(0, book, 400000.0)
        prices = os.path.join(self.folder.name, "prices")
        os.mkdir(prices)
        rng = random.Random(7)
        closes = {"NVDA": [100.0], "AAPL": [50.0]}
        dates = ["2026-03-%02d" % d for d in range(2, 28)]
        for symbol in closes:
            for _ in dates[1:]:
                closes[symbol].append(closes[symbol][-1] * (1 + rng.uniform(-0.08, 0.08)))
            with open(os.path.join(prices, symbol + ".csv"), "w") as out:
                out.write("date,close\n")
                for date, value in zip(dates, closes[symbol]):
                    out.write("%s,%r\n" % (date, value))
        # The model's worst days: every date's P&L on today's book.
        days = []
        for t, date in enumerate(dates[1:], start=1):
            moves = [closes[s][t] / closes[s][t - 1] - 1.0 for s, _, _ in book.positions]
            days.append((book.scenario(moves)["pnl"], date, moves))
        days.sort(key=lambda d: d[0])
        got = json.loads(kellyctl(db, "stress", "--prices", prices, "--worst", "3",
                                  "--json").stdout)["scenarios"]
        self.assertEqual([d[1] for d in days[:3]], [s["name"] for s in got])
        for (_, _, moves), scenario in zip(days[:3], got):
            self.assertTrue(close(book.scenario(moves)["pnl"], scenario["pnl"]))

    def test_bad_input_is_refused_and_writes_nothing(self):
        book = model.Book(100000.0, [("NVDA", 1600.0, 150.0)], CRYPTO, {}, 0.25)
        db = self.store_for(0, book, 400000.0)
        empty = os.path.join(self.folder.name, "empty")
        os.mkdir(empty)
        for arguments, field in [
            (["margin", "set", "NVDA", "0.1"], "rate"),
            (["margin", "set", "NVDA", "1.5"], "rate"),
            (["margin", "set", "BTCUSD", "0.5"], "symbol"),
            (["stress", "--shock", "MSFT=-20"], "shock"),
            (["stress", "--shock", "NVDA"], "shock"),
            (["stress", "--moves", "-10,abc"], "moves"),
            (["stress", "--prices", empty], "prices"),
        ]:
            done = kellyctl(db, *arguments, expect=2)
            self.assertIn(field, done.stderr, arguments)
        audit = json.loads(kellyctl(db, "audit", "--json").stdout)
        self.assertFalse([a for a in audit if a["key"].startswith("margin_rate:")])
        margin = json.loads(kellyctl(db, "margin", "--json").stdout)
        self.assertEqual([], margin["overrides"])

    def test_override_is_audited_and_removed(self):
        book = model.Book(100000.0, [("NVDA", 1600.0, 150.0)], CRYPTO, {}, 0.25)
        db = self.store_for(0, book, 400000.0)
        kellyctl(db, "margin", "set", "nvda", "0.5")
        margin = json.loads(kellyctl(db, "margin", "--json").stdout)
        self.assertEqual("override", margin["positions"][0]["source"])
        self.assertEqual(120000.0, margin["positions"][0]["req_usd"])
        self.assertEqual("NVDA", margin["overrides"][0]["symbol"])
        kellyctl(db, "margin", "rm", "NVDA")
        margin = json.loads(kellyctl(db, "margin", "--json").stdout)
        self.assertEqual("default", margin["positions"][0]["source"])
        keys = [a["key"] for a in json.loads(kellyctl(db, "audit", "--json").stdout)]
        self.assertEqual(2, keys.count("margin_rate:NVDA"))
        # A floor raised over an override: the override counts at the floor.
        kellyctl(db, "margin", "set", "NVDA", "0.3")
        kellyctl(db, "set", "maintenance_floor", "0.4")
        margin = json.loads(kellyctl(db, "margin", "--json").stdout)
        self.assertEqual(0.4, margin["positions"][0]["rate"])


if __name__ == "__main__":
    unittest.main()
