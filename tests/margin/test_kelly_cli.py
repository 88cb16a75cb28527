"""SPEC 18 through the real kellyctl: `kelly` reports the setting, the multiple of full Kelly
it holds a stock and crypto at, the odds at the stock multiple, and the setting a drawdown
budget allows (hand-computed values); `--apply` stores it, audited; bad budgets are exit 2
naming the field with nothing written. SPEC 8's rows carry their Kelly multiple."""

import json
import math
import os
import tempfile
import unittest

from kellyctl_runner import kellyctl


class KellyCliTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.folder.name, "store.sqlite")
        kellyctl(self.db, "init")
        kellyctl(self.db, "account", "set", "--equity", "100000", "--buying-power", "400000")

    def tearDown(self):
        self.folder.cleanup()

    def kelly(self, *arguments):
        return json.loads(kellyctl(self.db, "kelly", "--json", *arguments).stdout)

    def test_defaults_are_two_times_kelly_for_a_stock(self):
        k = self.kelly()
        self.assertEqual(0.5, k["kelly_fraction"])
        self.assertEqual(2.0, k["stock_multiple"])
        self.assertEqual(0.5, k["crypto_multiple"])
        self.assertEqual(1.0, k["p_halve"])  # certain at 2x Kelly
        self.assertEqual(1.0, k["p_down_20"])
        text = kellyctl(self.db, "kelly").stdout
        self.assertIn("a fall to half is certain", text)

    def test_odds_at_half_kelly(self):
        kellyctl(self.db, "set", "kelly_fraction", "0.125")  # 0.125 x 4 = 0.5x Kelly
        k = self.kelly()
        self.assertEqual(0.5, k["stock_multiple"])
        self.assertAlmostEqual(0.125, k["p_halve"], places=12)
        self.assertAlmostEqual(0.512, k["p_down_20"], places=12)

    def test_drawdown_budget_and_apply(self):
        k = self.kelly("--drawdown", "0.2", "--probability", "0.05")
        self.assertAlmostEqual(13.425, k["lambda"], places=3)
        self.assertAlmostEqual(math.log(0.05) / math.log(0.8), k["lambda"], places=12)
        self.assertAlmostEqual(0.1386, k["effective_fraction"], places=4)
        self.assertAlmostEqual(0.0347, k["setting"], places=4)
        self.assertEqual(0.5, k["kelly_fraction"])  # not stored without --apply
        applied = self.kelly("--drawdown", "0.2", "--probability", "0.05", "--apply")
        self.assertEqual(applied["setting"], float(kellyctl(self.db, "get",
                                                            "kelly_fraction").stdout))
        audit = json.loads(kellyctl(self.db, "audit", "--json").stdout)
        self.assertEqual("kelly_fraction", audit[0]["key"])

    def test_bad_budgets_name_the_field_and_write_nothing(self):
        for arguments, field in [
            (["--apply"], "drawdown"),
            (["--drawdown", "0.2"], "probability"),
            (["--probability", "0.05"], "drawdown"),
            (["--drawdown", "1.2", "--probability", "0.05", "--apply"], "drawdown"),
            (["--drawdown", "0.2", "--probability", "0", "--apply"], "probability"),
            (["--drawdown", "abc", "--probability", "0.05"], "drawdown"),
        ]:
            done = kellyctl(self.db, "kelly", *arguments, expect=2)
            self.assertIn(field, done.stderr, arguments)
        self.assertEqual([], json.loads(kellyctl(self.db, "audit", "--json").stdout))

    def test_spec8_rows_carry_their_kelly_multiple(self):
        # NVDA @ 150, mu 0.0002, sigma 0.02: full 0.5, qty 666 -> c_eff = 0.999 / 0.5.
        size = json.loads(kellyctl(self.db, "size", "NVDA", "150", "--mu", "0.0002",
                                   "--sigma", "0.02", "--dry-run", "--json").stdout)
        self.assertEqual(666, size["qty"])
        self.assertAlmostEqual(666 * 150 / 100000 / 0.5, size["kelly_multiple"], places=12)
        # With kelly_fraction 0.1 (SPEC 8's last row): qty 133, c_eff = 0.1995 / 0.5.
        kellyctl(self.db, "set", "kelly_fraction", "0.1")
        size = json.loads(kellyctl(self.db, "size", "NVDA", "150", "--mu", "0.0002",
                                   "--sigma", "0.02", "--dry-run", "--json").stdout)
        self.assertEqual(133, size["qty"])
        self.assertEqual(0.1, size["kelly_fraction"])
        self.assertAlmostEqual(133 * 150 / 100000 / 0.5, size["kelly_multiple"], places=12)
        # mu = 0: no full Kelly, no multiple.
        size = json.loads(kellyctl(self.db, "size", "NVDA", "150", "--mu", "0", "--sigma",
                                   "0.02", "--dry-run", "--json").stdout)
        self.assertIsNone(size["kelly_multiple"])


if __name__ == "__main__":
    unittest.main()
