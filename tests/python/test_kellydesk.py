"""The Python drop-in (issue 16, SPEC 14) through a real `kellyctl serve`: SPEC 8's worked
examples through get_qty, a mode switch between two calls, a killed child restarted, bad
input, what gets recorded, and sync_alpaca against the local Alpaca stand-in."""

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
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
        self.assertEqual(self.qty("NVDA", 150), 1600.0)
        self.assertAlmostEqual(self.qty("BTCUSD", 50000), 1.2, places=9)
        self.assertIsInstance(self.qty("NVDA", 150), float)
        kellydesk.set_mode("legacy", db=self.db)
        self.assertEqual(self.qty("NVDA", 150), 800.0)
        self.assertAlmostEqual(self.qty("BTC/USD", 50000), 1.2, places=9)
        kellyctl(self.db, "position", "set", "NVDA", "--qty", "500", "--price", "100")
        self.assertEqual(self.qty("NVDA", 150), 133.0)
        kellydesk.set_mode("enhanced", db=self.db)
        self.assertEqual(self.qty("NVDA", 150), 266.0)
        kellyctl(self.db, "position", "set", "NVDA", "--qty", "600", "--price", "100")
        self.assertEqual(self.qty("NVDA", 150), 0.0)  # at the cap: nothing can be added

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

    def test_positions_are_ignored_with_one_warning(self):
        with self.assertLogs("kellydesk", "WARNING") as logs:
            kellydesk._positions_warned = False
            self.assertEqual(kellydesk.get_qty("NVDA", 150, {"NVDA": 999}, db=self.db), 1600.0)
            self.assertEqual(kellydesk.get_qty("NVDA", 150, [], db=self.db), 1600.0)
        self.assertEqual(len(logs.records), 1)
        self.assertIn("positions argument is ignored", logs.output[0])

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
        self.assertEqual(done.stdout.strip(), "float 1600.0")

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
        self.assertEqual(sorted(p["symbol"] for p in state["positions"]),
                         ["BTCUSD", "NVDA", "TSLA"])
        with mock.patch.dict(os.environ, dict(variables, APCA_API_SECRET_KEY="wrong")):
            with self.assertRaisesRegex(kellydesk.CredentialsRejected, "credentials rejected"):
                kellydesk.sync_alpaca(db=self.db)
        with mock.patch.dict(os.environ, dict(variables, APCA_API_BASE_URL=self.base_url
                                              + "/error500")):
            with self.assertRaisesRegex(kellydesk.KellyDeskError, "HTTP 500"):
                kellydesk.sync_alpaca(db=self.db)
        self.assertEqual(kellydesk.status(db=self.db)["equity"], 100000.5)

    def decisions(self):
        with sqlite3.connect(self.db) as connection:
            return connection.execute("SELECT origin, symbol, method, qty FROM"
                                      " sizing_decisions ORDER BY id").fetchall()


if __name__ == "__main__":
    unittest.main()
