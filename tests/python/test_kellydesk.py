"""The Python drop-in (issue 16, SPEC 14) through a real `kellyctl serve`: SPEC 8's worked
examples through get_qty, a mode switch between two calls, a killed child restarted, bad
input, what gets recorded, and sync_alpaca against the local Alpaca stand-in."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
from unittest import mock

import alpaca_standin
import kellydesk

KELLYCTL = os.environ["KELLYCTL"]


def kellyctl(db, *arguments):
    done = subprocess.run([KELLYCTL, "--db", db] + list(arguments), capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise AssertionError("kellyctl %s: %s" % (" ".join(arguments), done.stderr))
    return done.stdout


class KellyDeskTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.standin, cls.base_url = alpaca_standin.start()

    @classmethod
    def tearDownClass(cls):
        cls.standin.shutdown()
        cls.standin.server_close()

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.folder.name, "store.sqlite")
        kellyctl(self.db, "init")
        kellyctl(self.db, "account", "set", "--equity", "100000", "--buying-power", "400000")

    def tearDown(self):
        for server in kellydesk._servers.values():
            server.close()
        kellydesk._servers.clear()
        self.folder.cleanup()

    def qty(self, symbol, price):
        return kellydesk.get_qty(symbol, price, db=self.db)

    def test_spec8_worked_examples(self):
        self.assertEqual(self.qty("NVDA", 150), 1600)
        self.assertAlmostEqual(self.qty("BTCUSD", 50000), 1.2, places=9)
        # Issue 24 item 16: an int for a stock and for 0, a float for crypto, as the original.
        self.assertIsInstance(self.qty("NVDA", 150), int)
        self.assertIsInstance(self.qty("BTCUSD", 50000), float)
        kellydesk.set_mode("legacy", db=self.db)
        self.assertEqual(self.qty("NVDA", 150), 800.0)
        self.assertAlmostEqual(self.qty("BTC/USD", 50000), 1.2, places=9)
        kellyctl(self.db, "position", "set", "NVDA", "--qty", "500", "--price", "100")
        self.assertEqual(self.qty("NVDA", 150), 133.0)
        kellydesk.set_mode("enhanced", db=self.db)
        self.assertEqual(self.qty("NVDA", 150), 266.0)
        kellyctl(self.db, "position", "set", "NVDA", "--qty", "600", "--price", "100")
        self.assertEqual(self.qty("NVDA", 150), 0)  # at the cap: nothing can be added
        self.assertIsInstance(self.qty("NVDA", 150), int)

    def test_crypto_in_thousandths(self):
        kellyctl(self.db, "account", "set", "--equity", "12345", "--buying-power", "12345")
        qty = self.qty("ETHUSD", 3000)
        self.assertGreater(qty, 0)
        self.assertAlmostEqual(qty * 1000, round(qty * 1000), places=6)

    def test_mode_switch_between_two_calls_takes_effect(self):
        self.assertEqual(self.qty("NVDA", 150), 1600.0)
        pid = kellydesk._server(self.db).pid
        kellyctl(self.db, "mode", "legacy")  # another process: the dashboard's switch
        self.assertEqual(self.qty("NVDA", 150), 800.0)
        self.assertEqual(kellydesk._server(self.db).pid, pid)  # the same child re-read it

    def test_killed_serve_child_is_restarted(self):
        self.assertEqual(self.qty("NVDA", 150), 1600.0)
        server = kellydesk._server(self.db)
        pid = server.pid
        os.kill(pid, signal.SIGKILL)
        server._process.wait()
        self.assertEqual(self.qty("NVDA", 150), 1600.0)
        self.assertNotEqual(server.pid, pid)

    def test_store_name_reaches_the_child_through_the_environment(self):
        # Issue 24 item 2 (SPEC 14): /proc/PID/cmdline is readable by every user; a
        # PostgreSQL URL there would show its password.
        self.assertEqual(self.qty("NVDA", 150), 1600.0)
        pid = kellydesk._server(self.db).pid
        with open("/proc/%d/cmdline" % pid, "rb") as cmdline:
            arguments = cmdline.read().split(b"\0")
        self.assertNotIn(b"--db", arguments)
        self.assertFalse(any(self.db.encode() in argument for argument in arguments), arguments)
        with open("/proc/%d/environ" % pid, "rb") as environ:
            self.assertIn(b"KELLYDESK_DB=" + self.db.encode(), environ.read().split(b"\0"))

    def test_password_url_never_on_the_command_line(self):
        url = "postgresql://bot:pa%2Fss-S3CRET@127.0.0.1:1/desk?connect_timeout=1"
        seen = []
        real_popen = subprocess.Popen

        def recording_popen(arguments, *args, **kwargs):
            seen.append((list(arguments), kwargs.get("env", {}).get("KELLYDESK_DB")))
            return real_popen(arguments, *args, **kwargs)

        with mock.patch.object(subprocess, "Popen", recording_popen):
            with self.assertRaises(kellydesk.KellyDeskError):
                kellydesk.get_qty("NVDA", 150, db=url)
        self.assertTrue(seen)
        for arguments, environment_db in seen:
            self.assertFalse(any("S3CRET" in argument for argument in arguments), arguments)
            self.assertEqual(environment_db, url)

    def test_bad_input_raises_value_error(self):
        with self.assertRaisesRegex(ValueError, r"^price: must be a finite number > 0$"):
            self.qty("NVDA", -1)
        with self.assertRaisesRegex(ValueError, r"^price: must be a finite number > 0$"):
            self.qty("NVDA", 0)
        with self.assertRaisesRegex(ValueError, r"^price: .*not a finite number"):
            self.qty("NVDA", float("nan"))
        with self.assertRaisesRegex(ValueError, r"^price: 'abc' is not a number"):
            self.qty("NVDA", "abc")
        with self.assertRaisesRegex(ValueError, r"^symbol: "):
            self.qty("N?VDA", 150)
        with self.assertRaisesRegex(ValueError, r"^symbol: "):
            self.qty("", 150)
        with self.assertRaisesRegex(ValueError, r"^mode: "):
            kellydesk.set_mode("yolo", db=self.db)
        # Nothing was recorded for the refused calls, and the child still serves.
        self.assertEqual(self.decisions(), [])
        self.assertEqual(self.qty("NVDA", 150), 1600.0)

    def test_decision_and_log_line_are_recorded(self):
        self.qty("NVDA", 150)
        self.assertEqual(self.decisions(), [("serve", "NVDA", "enhanced", 1600.0)])
        with open(os.path.join(self.folder.name, "store.sizing.log")) as log:  # named after the store
            self.assertIn("NVDA: Enhanced Kelly sizing with 4.0x leverage", log.read())

    def test_sizes_against_the_positions_it_is_passed(self):
        # Issue 24 item 16 (SPEC 14): a bot just filled 300 NVDA; the store has not synced.
        class AlpacaPosition:  # alpaca-py's Position: money as strings
            def __init__(self, symbol, qty, market_value, current_price):
                self.symbol, self.qty = symbol, qty
                self.market_value, self.current_price = market_value, current_price

        filled = [AlpacaPosition("NVDA", "300", "45000", "150")]
        # (60% x 100,000 - 45,000) x 4 / 150 = 400, not SPEC 8's 1600 again.
        self.assertEqual(kellydesk.get_qty("NVDA", 150, filled, db=self.db), 400)
        as_dicts = [{"symbol": "NVDA", "qty": 300, "market_value": 45000.0}]
        self.assertEqual(kellydesk.get_qty("NVDA", 150, positions=as_dicts, db=self.db), 400)
        self.assertEqual(json.loads(kellyctl(self.db, "status", "--json"))["positions"], [])
        # An empty list is an empty book, even when the store holds the symbol at its cap.
        kellyctl(self.db, "position", "set", "NVDA", "--qty", "600", "--price", "100")
        self.assertEqual(self.qty("NVDA", 150), 0)
        self.assertEqual(kellydesk.get_qty("NVDA", 150, [], db=self.db), 1600)
        with self.assertRaisesRegex(ValueError, r"^positions: position \[0\]: qty: "):
            kellydesk.get_qty("NVDA", 150, [{"symbol": "NVDA", "qty": "x",
                                              "current_price": 150}], db=self.db)

    def test_predicted_return_and_volatility_are_mu_and_sigma(self):
        by_cli = kellyctl(self.db, "size", "NVDA", "150", "--mu", "0.0001", "--sigma", "0.02",
                          "--dry-run", "--json")
        expected = int(json.loads(by_cli)["qty"])
        self.assertNotEqual(expected, 1600)  # the forecast matters here
        self.assertEqual(kellydesk.get_qty("NVDA", 150, None, 0.0001, 0.02, db=self.db), expected)
        self.assertEqual(kellydesk.get_qty("NVDA", 150, predicted_return=0.0001,
                                           predicted_volatility=0.02, db=self.db), expected)
        with sqlite3.connect(self.db) as connection:
            given = connection.execute("SELECT mu_given, sigma_given FROM sizing_decisions"
                                       " ORDER BY id").fetchall()
        self.assertEqual(given, [(0.0001, 0.02), (0.0001, 0.02)])
        with self.assertRaisesRegex(ValueError, r"^predicted_volatility: "):
            kellydesk.get_qty("NVDA", 150, None, 0.0001, "x", db=self.db)

    def test_get_current_symbol_exposure(self):
        positions = [{"symbol": "NVDA", "qty": "-100", "market_value": "-15000"},
                     {"symbol": "AAPL", "qty": "10", "market_value": "2000"},
                     {"symbol": "BTC/USD", "qty": "0.5", "current_price": "50000"}]
        self.assertAlmostEqual(kellydesk.get_current_symbol_exposure("NVDA", positions,
                                                                     db=self.db), 15.0)
        self.assertAlmostEqual(kellydesk.get_current_symbol_exposure("BTCUSD", positions,
                                                                     db=self.db), 25.0)
        self.assertEqual(kellydesk.get_current_symbol_exposure("MSFT", positions, db=self.db), 0)
        self.assertIn("get_current_symbol_exposure", kellydesk.__all__)

    def test_a_hung_child_raises_within_the_timeout(self):
        # Issue 24 item 5: a stopped child (a hung store) must not hang the bot forever.
        self.assertEqual(self.qty("NVDA", 150), 1600)
        server = kellydesk._server(self.db)
        hung = server.pid
        os.kill(hung, signal.SIGSTOP)
        outcome = []

        def call():
            try:
                outcome.append(self.qty("NVDA", 150))
            except Exception as error:  # noqa: BLE001 -- the test reports what was raised
                outcome.append(error)

        with mock.patch.dict(os.environ, {"KELLYDESK_TIMEOUT": "1"}):
            started = time.monotonic()
            caller = threading.Thread(target=call, daemon=True)
            caller.start()
            caller.join(30)
            waited = time.monotonic() - started
        if caller.is_alive():
            os.kill(hung, signal.SIGKILL)  # lets the old code's read end, to fail cleanly
            caller.join(10)
            self.fail("get_qty still waiting after 30 s on a stopped child")
        self.assertIsInstance(outcome[0], kellydesk.KellyDeskError)
        self.assertIn("did not answer within 1 s", str(outcome[0]))
        self.assertLess(waited, 10)
        with self.assertRaises(ProcessLookupError):  # killed and reaped, not left stopped
            os.kill(hung, 0)
        self.assertEqual(self.qty("NVDA", 150), 1600)  # a fresh child serves the next call
        self.assertNotEqual(server.pid, hung)
        with mock.patch.dict(os.environ, {"KELLYDESK_TIMEOUT": "soon"}):
            with self.assertRaisesRegex(ValueError, r"^KELLYDESK_TIMEOUT: "):
                self.qty("NVDA", 150)

    def test_a_bot_switches_by_changing_one_import(self):
        bot = os.path.join(self.folder.name, "bot.py")
        with open(bot, "w") as script:
            script.write(textwrap.dedent("""\
                from kellydesk import get_qty  # was: from src.sizing_utils import get_qty

                qty = get_qty("NVDA", 150.0, positions=None)
                print(type(qty).__name__, qty)
                """))
        environment = dict(os.environ, KELLYDESK_DB=self.db)
        done = subprocess.run([sys.executable, bot], capture_output=True, text=True,
                              env=environment)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.strip(), "int 1600")

    def test_close_plan_returns_the_lines(self):
        # SPEC 17's example: E 100,000, NVDA 1,600 @ 150, AAPL 600 @ 200.
        self.assertEqual(kellydesk.close_plan(db=self.db), [])
        kellyctl(self.db, "position", "set", "NVDA", "--qty", "1600", "--price", "150")
        kellyctl(self.db, "position", "set", "AAPL", "--qty", "600", "--price", "200")
        lines = kellydesk.close_plan(db=self.db)
        self.assertEqual([(l["symbol"], l["side"], l["sell_qty"]) for l in lines],
                         [("NVDA", "sell", 712), ("AAPL", "sell", 267)])
        self.assertEqual(lines[0]["qty_after"], 888)
        self.assertEqual(lines[0]["sell_usd"], 106800)
        fewest = kellydesk.close_plan("fewest-orders", db=self.db)
        self.assertEqual([(l["symbol"], l["sell_qty"]) for l in fewest], [("NVDA", 1067)])
        with self.assertRaises(kellydesk.KellyDeskError) as raised:
            kellydesk.close_plan("min-risk", db=self.db)  # no correlation build
        self.assertIn("method", str(raised.exception))
        with self.assertRaises(kellydesk.KellyDeskError):
            kellydesk.close_plan("cheapest", db=self.db)

    def test_status_and_sync_alpaca(self):
        variables = {"APCA_API_KEY_ID": alpaca_standin.KEY_ID,
                     "APCA_API_SECRET_KEY": alpaca_standin.SECRET_KEY,
                     "APCA_API_BASE_URL": self.base_url + "/ok"}
        with mock.patch.dict(os.environ, variables):
            summary = kellydesk.sync_alpaca(db=self.db)
        self.assertIn("3 positions", summary)
        self.assertNotIn(alpaca_standin.SECRET_KEY, summary)
        state = kellydesk.status(db=self.db)
        self.assertEqual(state["equity"], 100000.5)
        # SPEC 1: the sync is E's new basis; a mark then moves E by its P&L.
        self.assertEqual((state["equity_set"], state["equity_set_by"], state["pnl_since_set"]),
                         (100000.5, "alpaca", 0))
        nvda = next(p for p in state["positions"] if p["symbol"] == "NVDA")
        kellyctl(self.db, "price", "NVDA", str(nvda["price"] + 2))
        state = kellydesk.status(db=self.db)
        self.assertAlmostEqual(state["pnl_since_set"], 2 * nvda["qty"], places=6)
        self.assertAlmostEqual(state["equity"], 100000.5 + 2 * nvda["qty"], places=6)
        self.assertEqual(sorted(p["symbol"] for p in state["positions"]),
                         ["BTCUSD", "NVDA", "TSLA"])
        with mock.patch.dict(os.environ, dict(variables, APCA_API_SECRET_KEY="wrong")):
            with self.assertRaisesRegex(kellydesk.CredentialsRejected, "credentials rejected"):
                kellydesk.sync_alpaca(db=self.db)
        with mock.patch.dict(os.environ, dict(variables, APCA_API_BASE_URL=self.base_url
                                              + "/error500")):
            with self.assertRaisesRegex(kellydesk.KellyDeskError, "HTTP 500"):
                kellydesk.sync_alpaca(db=self.db)
        self.assertAlmostEqual(kellydesk.status(db=self.db)["equity"],
                               100000.5 + 2 * nvda["qty"], places=6)

    def decisions(self):
        with sqlite3.connect(self.db) as connection:
            return connection.execute("SELECT origin, symbol, method, qty FROM"
                                      " sizing_decisions ORDER BY id").fetchall()


if __name__ == "__main__":
    unittest.main()
