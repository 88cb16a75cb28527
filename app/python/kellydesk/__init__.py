"""KellyDesk for a Python trading bot (issue 16, SPEC 14): standard library only.

    from kellydesk import get_qty      # was: from src.sizing_utils import get_qty
    qty = get_qty("NVDA", 150.0)       # 1600 with SPEC 8's account, enhanced mode

get_qty keeps the original signature and meaning (positions, predicted_return,
predicted_volatility; an int for stocks and 0, crypto in 0.001 steps) and sizes through the store exactly as `kellyctl size` does: the mode, the
limits and the account are read at every call, the decision is recorded and its log line
appended to sizing.log. It talks to one `kellyctl serve` child per store, started on first
use and restarted if it dies, so a call costs well under a millisecond instead of a process.

The store: the `db=` argument, else $KELLYDESK_DB, else kellyctl's default. kellyctl:
$KELLYCTL, else `kellyctl` on PATH, else this checkout's build folder. A call waits at most
$KELLYDESK_TIMEOUT seconds (default 10) for its answer, then raises KellyDeskError and kills
the child (the next call starts another).
"""

import json
import math
import os
import select
import shutil
import subprocess
import threading
import time
import uuid

__version__ = "0.1.0"  # the project() version in CMakeLists.txt (checked when configuring)

__all__ = [
    "get_qty",
    "get_current_symbol_exposure",
    "status",
    "set_mode",
    "sync_alpaca",
    "close_plan",
    "KellyDeskError",
    "CredentialsRejected",
]

# This file is app/python/kellydesk/__init__.py; the build folder is at the checkout's root.
_CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


class KellyDeskError(RuntimeError):
    """A failure that is not the caller's input: the store, kellyctl, the network."""


class CredentialsRejected(KellyDeskError):
    """The broker refused APCA_API_KEY_ID / APCA_API_SECRET_KEY, or they are not set."""


def _kellyctl_path():
    configured = os.environ.get("KELLYCTL")
    if configured:
        return configured
    on_path = shutil.which("kellyctl")
    if on_path:
        return on_path
    built = os.path.join(_CHECKOUT, "build", "app", "kellyctl", "kellyctl")
    if os.access(built, os.X_OK):
        return built
    raise KellyDeskError("kellyctl not found: set KELLYCTL, put kellyctl on PATH or build "
                         "KellyDesk (scripts/build.sh)")


def _child_environment(db):
    """SPEC 14: the store name reaches kellyctl through $KELLYDESK_DB, never its command line
    (a PostgreSQL URL may hold a password, and /proc/PID/cmdline is readable by every user)."""
    environment = dict(os.environ)
    if db is not None:
        environment["KELLYDESK_DB"] = os.fspath(db)
    return environment


class _NoAnswer(Exception):
    """The child did not take the request or answer it before the deadline."""


DEFAULT_TIMEOUT_SECONDS = 10.0


def _timeout_seconds():
    """How long one call waits for its answer: $KELLYDESK_TIMEOUT (seconds), else 10 s."""
    configured = os.environ.get("KELLYDESK_TIMEOUT")
    if not configured:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = float(configured)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError("KELLYDESK_TIMEOUT: must be a number of seconds > 0, got %r"
                         % configured)
    return seconds


def _time_left(deadline):
    return max(deadline - time.monotonic(), 0.0)


class _Server:
    """One `kellyctl serve` child: one request line out, one answer line back, in order."""

    def __init__(self, db):
        self._db = db
        self._lock = threading.Lock()
        self._process = None
        self._next_id = 0
        self._session = uuid.uuid4().hex
        self._unread = b""  # answer bytes read past the last line

    @property
    def pid(self):
        return self._process.pid if self._process else None

    def _start(self):
        self._process = subprocess.Popen(
            [_kellyctl_path(), "serve"], env=_child_environment(self._db),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self._unread = b""

    def _write(self, data, deadline):
        descriptor = self._process.stdin.fileno()
        while data:
            if not select.select([], [descriptor], [], _time_left(deadline))[1]:
                raise _NoAnswer()  # a stopped child with a full pipe
            data = data[os.write(descriptor, data[:select.PIPE_BUF]):]

    def _read_line(self, deadline):
        descriptor = self._process.stdout.fileno()
        while b"\n" not in self._unread:
            if not select.select([descriptor], [], [], _time_left(deadline))[0]:
                raise _NoAnswer()
            chunk = os.read(descriptor, 65536)
            if not chunk:
                raise BrokenPipeError("kellyctl serve ended")
            self._unread += chunk
        line, _, self._unread = self._unread.partition(b"\n")
        return line.decode("utf-8")

    def _exchange(self, line):
        if self._process is not None and self._process.poll() is not None:
            self._stop()  # it died since the last call: close its pipes, start another
        if self._process is None:
            self._start()
        # Issue 24 item 5: a child that hangs (a stopped process, a store that never answers)
        # must not hang the bot: past the timeout the call fails and the child is killed.
        deadline = time.monotonic() + _timeout_seconds()
        self._write(line.encode("utf-8"), deadline)
        return self._read_line(deadline)

    def ask(self, request):
        with self._lock:
            self._next_id += 1
            # SPEC 14: the retry below carries the same request_id, so a decision recorded
            # by a child that died before it answered is not recorded twice.
            request = dict(request, id=self._next_id,
                           request_id="%s-%d" % (self._session, self._next_id))
            line = json.dumps(request) + "\n"
            try:
                answer = self._exchange(line)
            except _NoAnswer:
                self._stop()  # the next call starts a fresh child
                raise KellyDeskError("kellyctl serve did not answer within %g s (the store may "
                                     "be locked or unreachable; $KELLYDESK_TIMEOUT sets the "
                                     "limit)" % _timeout_seconds()) from None
            except (BrokenPipeError, OSError):
                # The child died (killed, or the store went away): one fresh child, one retry.
                self._stop()
                try:
                    answer = self._exchange(line)
                except (_NoAnswer, BrokenPipeError, OSError) as error:
                    self._stop()
                    raise KellyDeskError("kellyctl serve is not answering: %s"
                                         % (str(error) or "no answer in time")) from None
        reply = json.loads(answer)
        if reply.get("id") != request["id"]:
            raise KellyDeskError("kellyctl serve answered request %r, expected %r"
                                 % (reply.get("id"), request["id"]))
        if "error" in reply:
            error = reply["error"]
            if error.get("code") == 2:
                raise ValueError(error.get("message"))
            raise KellyDeskError(error.get("message"))
        return reply["result"]

    def _stop(self):
        if self._process is not None:
            try:
                self._process.kill()
                self._process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            for stream in (self._process.stdin, self._process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        self._process = None

    def close(self):
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                try:
                    self._process.stdin.close()
                    self._process.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self._stop()


_servers = {}
_servers_lock = threading.Lock()


def _server(db):
    key = (db if db is not None else os.environ.get("KELLYDESK_DB"), os.environ.get("KELLYCTL"))
    with _servers_lock:
        if key not in _servers:
            _servers[key] = _Server(key[0])
        return _servers[key]


def _json_number(value, field):
    """A number for the request; JSON has no NaN or inf, so those travel as text and the
    sizer refuses them with its own message."""
    if isinstance(value, bool):
        raise ValueError("%s: must be a number, got %r" % (field, value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("%s: %r is not a number" % (field, value)) from None
    return number if math.isfinite(number) else str(number)


def _field(position, name):
    """A field of a broker position object (alpaca-py's Position) or of a dict."""
    if isinstance(position, dict):
        return position.get(name)
    return getattr(position, name, None)


def _json_field(value):
    """A position's number for the request: Alpaca's strings pass as they are (the sizer
    parses them strictly); NaN, inf and other types travel as text and are refused by name."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float)) and math.isfinite(value):
        return value
    return str(value)


def _book(positions):
    """The `positions` argument as serve's request holds it (SPEC 14): symbol, qty, side,
    current_price, market_value, avg_entry_price, whichever the object has."""
    if isinstance(positions, (str, bytes, dict)):
        raise ValueError("positions: must be a list of positions (objects or dicts), or None")
    book = []
    for position in positions:
        entry = {}
        for name in ("symbol", "qty", "side", "current_price", "market_value",
                     "avg_entry_price"):
            value = _field(position, name)
            if value is not None:
                # alpaca-py's side is an enum whose value is "long" / "short"
                entry[name] = _json_field(getattr(value, "value", value))
        book.append(entry)
    return book


def _normalized_symbol(symbol):
    """SPEC 1: BTC/USD and btc-usd are BTCUSD (as core/common/Symbols.cpp does it)."""
    return "".join(c for c in str(symbol) if c not in "/-_ \t").upper()


def get_qty(symbol, entry_price, positions=None, predicted_return=None,
            predicted_volatility=None, *, db=None):
    """How much of `symbol` to buy at `entry_price` (SPEC 2-4, the store's mode and limits).

    The original's signature (SPEC 14): `predicted_return` / `predicted_volatility` are the
    daily mu / sigma (None: the symbol's metrics, else the defaults); `positions` (the
    broker's position objects or dicts with symbol, qty and current_price or market_value)
    is the book this call sizes against, never written to the store; None sizes against the
    store's book (keep it current with `kellyctl sync alpaca`). Equity, buying power and the
    settings are always the store's.

    Returns an int for a stock (whole shares) and for 0, a float in 0.001 steps for crypto,
    as the original. Bad input raises ValueError with the sizer's message (e.g. "price: must
    be a finite number > 0").
    """
    if not isinstance(symbol, str) or not symbol.strip():
        raise ValueError("symbol: must be letters, digits or '.' (e.g. NVDA, BTC/USD)")
    request = {"command": "size", "symbol": symbol,
               "price": _json_number(entry_price, "price")}
    if predicted_return is not None:
        request["mu"] = _json_number(predicted_return, "predicted_return")
    if predicted_volatility is not None:
        request["sigma"] = _json_number(predicted_volatility, "predicted_volatility")
    if positions is not None:
        request["positions"] = _book(positions)
    result = _server(db).ask(request)
    qty = result["qty"]
    if qty == 0:
        return 0
    if result.get("asset_class") == "crypto":
        return float(qty)
    return int(round(qty))  # whole shares already (SPEC 2.8); round() only drops the ".0"


def get_current_symbol_exposure(symbol, positions, *, db=None):
    """The original's exposure of `symbol` in `positions`: the sum of abs(market_value)
    (qty x current_price when a position has no market_value) over its positions, in
    percent of the store's equity; 0 when equity <= 0."""
    wanted = _normalized_symbol(symbol)
    total = 0.0
    for position in positions:
        if _normalized_symbol(_field(position, "symbol")) != wanted:
            continue
        market_value = _field(position, "market_value")
        if market_value is None:
            qty, price = _field(position, "qty"), _field(position, "current_price")
            market_value = float(qty) * float(price) if qty is not None and price else 0.0
        total += abs(float(market_value))
    equity = status(db=db).get("equity") or 0.0
    return total / equity * 100.0 if equity > 0 else 0.0


def status(*, db=None):
    """`kellyctl status --json` as a dict: equity, leverage, limits, mode, positions, ..."""
    return _server(db).ask({"command": "status"})


def _run_kellyctl(arguments, db):
    done = subprocess.run([_kellyctl_path()] + arguments, env=_child_environment(db),
                          capture_output=True, text=True)
    message = done.stderr.strip().removeprefix("kellyctl: ")
    return done.returncode, done.stdout, message


def set_mode(mode, *, db=None):
    """Switch the sizing mode (enhanced, legacy, halt), audited like `kellyctl mode`; the
    next get_qty uses it. Returns the effective mode."""
    code, out, message = _run_kellyctl(["mode", str(mode)], db)
    if code == 2:
        raise ValueError(message)
    if code != 0:
        raise KellyDeskError(message)
    return out.strip()


def sync_alpaca(*, db=None):
    """One `kellyctl sync alpaca --once`: the Alpaca account and positions into the store.
    Reads APCA_API_KEY_ID, APCA_API_SECRET_KEY, APCA_API_BASE_URL from the environment.
    Returns kellyctl's summary line; raises CredentialsRejected (missing or refused keys) or
    KellyDeskError (timeout, HTTP error, malformed reply); the store is then unchanged."""
    code, out, message = _run_kellyctl(["sync", "alpaca", "--once"], db)
    if code == 2:
        raise CredentialsRejected(message)
    if code != 0:
        raise KellyDeskError(message)
    return out.strip()


def close_plan(method=None, *, db=None):
    """SPEC 17: the lines of the plan that brings the book to the overnight limit, as
    `kellyctl close-plan --json` computes it (method None: min-risk with a fresh build that
    covers the book, else proportional; or "proportional", "min-risk", "fewest-orders").
    Each line is a dict: symbol, side (sell|buy), qty, sell_qty, sell_usd, qty_after,
    weight_after; an empty list when the book already meets the target. Nothing is sent.
    Raises KellyDeskError on any failure (an unknown method, min-risk without a build, an
    unreadable store)."""
    arguments = ["close-plan", "--json"]
    if method is not None:
        arguments += ["--method", str(method)]
    code, out, message = _run_kellyctl(arguments, db)
    if code != 0:
        raise KellyDeskError(message)
    try:
        plan = json.loads(out)
    except ValueError as error:
        raise KellyDeskError("kellyctl close-plan answered no JSON: %s" % error) from None
    return list(plan.get("lines", []))
