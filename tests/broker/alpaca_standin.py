#!/usr/bin/env python3
"""A local stand-in for Alpaca's REST API (issue 16): no test contacts the real service.

The first path segment picks the scenario; further segments before /v2 only make a test's
counters its own (e.g. /ratelimited-2-1/run7/v2/account). Replies have the recorded shape of
Alpaca's GET /v2/account and GET /v2/positions: money and quantities as JSON strings.

    ok              the account and three positions: long NVDA, short TSLA, crypto BTC/USD
    later           the same account a moment later: TSLA closed, NVDA repriced
    unauthorized    401                  forbidden     403
    ratelimited-N-S /v2/account answers 429 (Retry-After: S) N times, then as ok
    ratelimited-date-N-S   the same with Retry-After as an HTTP date S seconds after its Date
    error500        500 on /v2/account   truncated     /v2/positions cut off mid-JSON
    cutoff          /v2/positions promises more bytes than it sends, then closes
    missing-field   /v2/account without buying_power
    slow            /v2/account answers after 30 s
    deficit         an account whose equity is negative
    assetfail       /v2/assets/TSLA answers 500 (the other assets as ok)

GET /v2/assets/{symbol} answers the symbol's margin requirements (percent strings) and
counts the reads per scenario prefix and symbol (Handler.asset_reads). The account has the
shape Alpaca sends since 2026-07-06: no pattern_day_trader, no daytrading_buying_power.

Any request without the test keys gets 401, as Alpaca answers. Run as a program it prints
its port on the first line and serves until killed.
"""
import http.server
import json
import sys
import threading
import time

KEY_ID = "test-key-id"
SECRET_KEY = "test-secret-key"

ACCOUNT = {
    "id": "904837e3-3b76-47ec-b432-046db621571b",
    "account_number": "PA3717PJAYWN",
    "status": "ACTIVE",
    "currency": "USD",
    "cash": "-50000.25",
    "portfolio_value": "100000.5",
    "equity": "100000.5",
    "last_equity": "99000",
    "buying_power": "400000.75",
    "regt_buying_power": "200000",
    "multiplier": "4",
    "initial_margin": "47550",
    "maintenance_margin": "31200",
    "trading_blocked": False,
    "account_blocked": False,
}


def position(symbol, qty, side, price, entry, asset_class="us_equity"):
    market_value = float(qty) * float(price)
    return {
        "asset_id": "00000000-0000-0000-0000-000000000000",
        "symbol": symbol,
        "exchange": "NASDAQ" if asset_class == "us_equity" else "CRYPTO",
        "asset_class": asset_class,
        "avg_entry_price": entry,
        "qty": qty,
        "qty_available": qty,
        "side": side,
        "market_value": str(market_value),
        "cost_basis": str(float(qty) * float(entry)),
        "unrealized_pl": "0",
        "current_price": price,
        "lastday_price": price,
        "change_today": "0",
    }


POSITIONS = [
    position("NVDA", "100", "long", "150.5", "140.25"),
    position("TSLA", "-20", "short", "250", "260"),
    position("BTC/USD", "0.5", "long", "50000", "45000", "crypto"),
]
LATER_POSITIONS = [position("NVDA", "100", "long", "151", "140.25"), POSITIONS[2]]

# Margin requirements as Alpaca's /v2/assets sends them: percent strings.
ASSETS = {
    "NVDA": {"marginable": True, "margin_requirement_long": "30",
             "margin_requirement_short": "30"},
    "TSLA": {"marginable": True, "margin_requirement_long": "40",
             "margin_requirement_short": "50"},
    "PENNY": {"marginable": False, "margin_requirement_long": "100",
              "margin_requirement_short": "100"},
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counters = {}
    asset_reads = {}
    lock = threading.Lock()

    def log_message(self, *args):  # quiet: the tests print what matters
        pass

    def reply(self, status, body, headers=(), declared_length=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(declared_length or len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        if declared_length:
            self.close_connection = True

    def do_GET(self):
        path = self.path
        if "/v2/" not in path:
            return self.reply(404, {"message": "not found"})
        prefix, resource = path.split("/v2/", 1)
        scenario = prefix.strip("/").split("/")[0]
        if (self.headers.get("APCA-API-KEY-ID") != KEY_ID
                or self.headers.get("APCA-API-SECRET-KEY") != SECRET_KEY
                or scenario == "unauthorized"):
            return self.reply(401, {"code": 40110000, "message": "request is not authorized"})
        if scenario == "forbidden":
            return self.reply(403, {"code": 40310000, "message": "forbidden"})
        account = resource == "account"
        if scenario.startswith("ratelimited-") and account:
            *_, times, wait = scenario.split("-")
            with Handler.lock:
                seen = Handler.counters.get(prefix, 0)
                Handler.counters[prefix] = seen + 1
            if seen < int(times):
                if scenario.startswith("ratelimited-date-"):
                    # The Date header send_response adds is this same second.
                    wait = self.date_time_string(int(time.time()) + int(wait))
                return self.reply(429, {"message": "rate limit exceeded"},
                                  headers=[("Retry-After", wait)])
        if scenario == "error500" and account:
            return self.reply(500, {"message": "internal server error"})
        if scenario == "slow" and account:
            time.sleep(30)
        if account:
            body = dict(ACCOUNT)
            if scenario == "missing-field":
                del body["buying_power"]
            if scenario == "deficit":
                body["equity"] = "-5000.5"
            return self.reply(200, body)
        if resource.startswith("assets/"):
            symbol = resource[len("assets/"):]
            with Handler.lock:
                key = (prefix, symbol)
                Handler.asset_reads[key] = Handler.asset_reads.get(key, 0) + 1
            if scenario == "assetfail" and symbol == "TSLA":
                return self.reply(500, {"message": "internal server error"})
            if symbol not in ASSETS:
                return self.reply(404, {"code": 40410000, "message": "asset not found"})
            return self.reply(200, dict(ASSETS[symbol], symbol=symbol, tradable=True,
                                        shortable=True, easy_to_borrow=True))
        if resource == "positions":
            data = json.dumps(LATER_POSITIONS if scenario == "later" else POSITIONS).encode()
            if scenario == "truncated":
                return self.reply(200, data[: len(data) // 2])
            if scenario == "cutoff":
                return self.reply(200, data[: len(data) // 2], declared_length=len(data))
            return self.reply(200, data)
        return self.reply(404, {"message": "not found"})


def start():
    """Serves on 127.0.0.1 in a daemon thread; returns (server, base URL without scenario)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d" % server.server_address[1]


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
