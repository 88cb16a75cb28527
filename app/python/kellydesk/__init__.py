"""KellyDesk for a Python trading bot (issue 16, SPEC 14): standard library only.

    from kellydesk import get_qty      # was: from src.sizing_utils import get_qty
    qty = get_qty("NVDA", 150.0)       # 1600.0 with SPEC 8's account, enhanced mode

get_qty keeps the original signature and meaning (0 when nothing can be added; crypto in
0.001 steps) and sizes through the store exactly as `kellyctl size` does: the mode, the
limits and the account are read at every call, the decision is recorded and its log line
appended to sizing.log. It talks to one `kellyctl serve` child per store, started on first
use and restarted if it dies, so a call costs well under a millisecond instead of a process.

The store: the `db=` argument, else $KELLYDESK_DB, else kellyctl's default. kellyctl:
$KELLYCTL, else `kellyctl` on PATH, else this checkout's build folder.
"""

import json
import logging
import math
import os
import shutil
import subprocess
import threading
import uuid

__version__ = "0.1.0"  # the project() version in CMakeLists.txt (checked when configuring)

__all__ = [
    "get_qty",
    "status",
    "set_mode",
    "sync_alpaca",
    "KellyDeskError",
    "CredentialsRejected",
]

_log = logging.getLogger("kellydesk")

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


class _Server:
    """One `kellyctl serve` child: one request line out, one answer line back, in order."""

    def __init__(self, db):
        self._db = db
        self._lock = threading.Lock()
        self._process = None
        self._next_id = 0
        self._session = uuid.uuid4().hex

    @property
    def pid(self):
        return self._process.pid if self._process else None

    def _start(self):
        self._process = subprocess.Popen(
            [_kellyctl_path(), "serve"], env=_child_environment(self._db),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def _exchange(self, line):
        if self._process is not None and self._process.poll() is not None:
            self._stop()  # it died since the last call: close its pipes, start another
        if self._process is None:
            self._start()
        self._process.stdin.write(line)
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            raise BrokenPipeError("kellyctl serve ended")
        return answer

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
            except (BrokenPipeError, OSError):
                # The child died (killed, or the store went away): one fresh child, one retry.
                self._stop()
                try:
                    answer = self._exchange(line)
                except (BrokenPipeError, OSError) as error:
                    self._stop()
                    raise KellyDeskError("kellyctl serve is not answering: %s" % error) from None
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
_positions_warned = False


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


def get_qty(symbol, entry_price, positions=None, *, db=None):
    """How much of `symbol` to buy at `entry_price` (SPEC 2-4, the store's mode and limits).

    Returns a float: whole shares for stocks, 0.001 steps for crypto, 0 when nothing can be
    added. `positions` is accepted for the original signature and ignored: the book is the
    store's (keep it current with `kellyctl sync alpaca`). Bad input raises ValueError with
    the sizer's message (e.g. "price: must be a finite number > 0").
    """
    global _positions_warned
    if positions is not None and not _positions_warned:
        _positions_warned = True
        _log.warning("get_qty: the positions argument is ignored; KellyDesk sizes from the "
                     "store's book (keep it current with `kellyctl sync alpaca`)")
    if not isinstance(symbol, str) or not symbol.strip():
        raise ValueError("symbol: must be letters, digits or '.' (e.g. NVDA, BTC/USD)")
    result = _server(db).ask({"command": "size", "symbol": symbol,
                              "price": _json_number(entry_price, "price")})
    return float(result["qty"])


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
