"""Issue 24's fault suite: each fault a bot's store meets in real use, injected into real
processes, then one table: was it survived, and were decisions lost or doubled.

A decision counts as *acknowledged* when the bot got its decision_id back. Lost: an
acknowledged decision missing from the store. Doubled: a request the bot made once (with
its retries) that left more than one decision. Survived: every call ended within its time
(no hang), every retry that the fault allows succeeded, and the store is readable after.

Runs under `pg_virtualenv -t` (the PostgreSQL faults use its cluster and PG* variables).
Usage: fault_table.py KELLYCTL GREEDY_WRITER.py [NAME...]   (NAME: run only faults naming it)
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

KELLYCTL = sys.argv[1]
GREEDY_WRITER = sys.argv[2]
ONLY = sys.argv[3:]
CALL_TIMEOUT_S = 30  # a call still running after this is a hang
rows = []


class Store:
    """One store, SQLite (a path) or PostgreSQL (a database on the test cluster)."""

    def __init__(self, name):
        self.name = name
        self.postgres = name.startswith("postgresql://")

    def database(self):
        return self.name.rsplit("/", 1)[1]

    def query(self, sql):
        if self.postgres:
            done = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-d", self.database(), "-c",
                                   sql], capture_output=True, text=True, timeout=60, check=True)
            return [line.split("|") for line in done.stdout.splitlines() if line]
        connection = sqlite3.connect(self.name, timeout=60)
        try:
            return [[str(v) for v in row] for row in connection.execute(sql)]
        finally:
            connection.close()

    def decision_ids(self):
        return sorted(int(row[0]) for row in self.query("SELECT id FROM sizing_decisions"))


def kellyctl(store, *arguments, timeout=CALL_TIMEOUT_S, env=None):
    """Runs kellyctl; returns (exit code, stdout, stderr), exit code None on a hang."""
    try:
        done = subprocess.run([KELLYCTL, "--db", store.name] + list(arguments),
                              capture_output=True, text=True, timeout=timeout, env=env)
        return done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        return None, "", "hung"


def new_store(tag, postgres, directory):
    if postgres:
        database = "kd_fault_%s_%d" % (tag, os.getpid())
        subprocess.run(["createdb", database], check=True, timeout=60)
        store = Store("postgresql:///" + database)
    else:
        store = Store(os.path.join(directory, tag + ".sqlite"))
    for arguments in (["init"], ["account", "set", "--equity", "100000", "--buying-power",
                                 "400000"]):
        code, _, err = kellyctl(store, *arguments)
        if code != 0:
            raise RuntimeError("%s: %s failed: %s" % (store.name, arguments[0], err))
    return store


def size_once(store, symbol="NVDA", timeout=CALL_TIMEOUT_S):
    """One `kellyctl size --json`: the decision id, or None when the call failed."""
    code, out, err = kellyctl(store, "size", symbol, "150", "--json", timeout=timeout)
    if code is None:
        return None, "hung"
    if code != 0:
        return None, err.strip()
    return json.loads(out)["decision_id"], ""


def record(fault, survived, acknowledged, store, requests, note=""):
    stored = store.decision_ids()
    lost = len(set(acknowledged) - set(stored))
    doubled = max(0, len(stored) - requests)
    rows.append((fault, survived, len(acknowledged), len(stored), lost, doubled, note))


class ServeClient:
    """A bot on `kellyctl serve`, as the Python module drives it: one request_id per call,
    the same id again after a lost answer, a new child after a dead one."""

    def __init__(self, store):
        self.store = store
        self.child = None

    def start(self):
        env = dict(os.environ, KELLYDESK_DB=self.store.name)
        self.child = subprocess.Popen([KELLYCTL, "serve"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)

    def send(self, request_id):
        line = json.dumps({"id": 1, "command": "size", "symbol": "NVDA", "price": 150,
                           "request_id": request_id}) + "\n"
        self.child.stdin.write(line.encode())
        self.child.stdin.flush()

    def answer(self):
        line = self.child.stdout.readline()
        if not line:
            return None
        return json.loads(line)["result"]["decision_id"]

    def kill(self):
        self.child.kill()
        self.child.wait()

    def stop(self):
        self.child.stdin.close()
        self.child.wait(timeout=CALL_TIMEOUT_S)


def serve_killed_mid_request(directory, postgres):
    store = new_store("serve_kill" + ("_pg" if postgres else ""), postgres, directory)
    client = ServeClient(store)
    client.start()
    rng = random.Random(24)
    acknowledged, requests, kills = [], 40, 0
    for call in range(requests):
        request_id = "fault-%d" % call
        client.send(request_id)
        if call % 3 == 0:  # SIGKILL somewhere inside the request, then the bot retries
            time.sleep(rng.uniform(0.0, 0.03))
            client.kill()
            kills += 1
            client.start()
            client.send(request_id)
        decision = client.answer()
        if decision is None:
            rows.append(("serve SIGKILLed mid-request", False, 0, 0, 0, 0, "no answer"))
            return
        acknowledged.append(decision)
    client.stop()
    backend = "PostgreSQL" if postgres else "SQLite"
    record("serve SIGKILLed mid-request (%s)" % backend, True, acknowledged, store, requests,
           "%d kills" % kills)


def postgres_backend_terminated(directory):
    store = new_store("terminate", True, directory)
    database = store.database()
    killer = subprocess.Popen(
        ["bash", "-c", "while true; do psql -X -q -A -t -d postgres -c \"SELECT "
         "pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s' AND pid <> "
         "pg_backend_pid() AND state <> 'idle'\" >/dev/null 2>&1; sleep 0.05; done" % database])
    acknowledged, failures, hung, requests, terminated = [], 0, False, 60, 0
    try:
        for _ in range(requests):
            for attempt in range(6):  # the bot's retry after a failed call
                decision, why = size_once(store)
                if why == "hung":
                    hung = True
                if decision is not None:
                    acknowledged.append(decision)
                    break
                terminated += 1
            else:
                failures += 1
    finally:
        killer.kill()
        killer.wait()
    survived = not hung and failures == 0
    record("PostgreSQL backend terminated mid-transaction", survived, acknowledged, store,
           requests, "%d calls cut, retried" % terminated)


def pg_cluster(action):
    subprocess.run(["pg_ctlcluster", os.environ.get("PGVERSION", "15"),
                    os.environ.get("PGCLUSTER", "regress"), action, "-m", "fast"],
                   check=True, timeout=120, capture_output=True)


def postgres_server_stopped(directory):
    store = new_store("stopped", True, directory)
    acknowledged, requests, slowest_failure, hung = [], 0, 0.0, False
    for _ in range(5):
        requests += 1
        decision, _ = size_once(store)
        if decision is not None:
            acknowledged.append(decision)
    pg_cluster("stop")
    stopped_at = time.monotonic()
    refused_while_down = 0
    try:
        while time.monotonic() - stopped_at < 10.0:
            started = time.monotonic()
            decision, why = size_once(store)
            hung = hung or why == "hung"
            if decision is not None:  # impossible with the server down: counted as doubled
                acknowledged.append(decision)
            else:
                refused_while_down += 1
                slowest_failure = max(slowest_failure, time.monotonic() - started)
    finally:
        pg_cluster("start")
    for _ in range(5):  # the bot's calls after the server is back: each retried until it lands
        requests += 1
        for _ in range(10):
            decision, _ = size_once(store)
            if decision is not None:
                acknowledged.append(decision)
                break
            time.sleep(0.5)
    survived = not hung and slowest_failure < 15.0 and len(acknowledged) == requests
    record("PostgreSQL server stopped for 10 s", survived, acknowledged, store, requests,
           "%d calls refused while down, slowest refusal %.1f s" % (refused_while_down,
                                                                    slowest_failure))


def greedy_writer_during_halt(directory):
    store = new_store("greedy", False, directory)
    writer = subprocess.Popen([sys.executable, GREEDY_WRITER, store.name],
                              stdout=subprocess.PIPE, text=True)
    acknowledged, requests, halt_landed, halt_code = [], 3, None, None
    try:
        writer.stdout.readline()  # "started": the writer holds the lock from here on
        started = time.monotonic()
        halt = subprocess.Popen([KELLYCTL, "--db", store.name, "mode", "halt"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while time.monotonic() - started < 10.0:  # the bot's next call: halted yet?
            code, out, _ = kellyctl(store, "size", "NVDA", "150", "--dry-run", "--json")
            if code == 0 and json.loads(out)["halted"]:
                halt_landed = time.monotonic() - started
                break
        # The bot's recorded calls wait for the lock the writer keeps taking; they land
        # once it stops, halted (qty 0), none lost.
        calls = [subprocess.Popen([KELLYCTL, "--db", store.name, "size", "NVDA", "150",
                                   "--json"], stdout=subprocess.PIPE, text=True,
                                  stderr=subprocess.DEVNULL) for _ in range(requests)]
        time.sleep(2.0)
    finally:
        writer.kill()
        writer.wait()
    halt_code = halt.wait(timeout=CALL_TIMEOUT_S)
    for call in calls:
        out, _ = call.communicate(timeout=CALL_TIMEOUT_S)
        if call.returncode == 0 and json.loads(out)["qty"] == 0:
            acknowledged.append(json.loads(out)["decision_id"])
    survived = halt_code == 0 and halt_landed is not None and halt_landed < 1.0 and \
        len(acknowledged) == requests
    note = "halt effective after %.2f s" % halt_landed if halt_landed is not None else "no halt"
    record("greedy writer during a halt", survived, acknowledged, store, requests, note)


def disk_full(directory):
    mount_point = os.path.join(directory, "small-disk")
    os.mkdir(mount_point)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount_point],
                      capture_output=True).returncode != 0:
        rows.append(("disk full", None, 0, 0, 0, 0, "skipped: mounting a tmpfs needs root"))
        return
    try:
        store = new_store("full", False, mount_point)
        acknowledged, requests, refused, hung = [], 0, 0, False
        filler = os.path.join(mount_point, "filler")
        descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:  # fill the disk to its last block
            while os.write(descriptor, b"\0" * 4096) > 0:
                pass
        except OSError:
            pass
        finally:
            os.close(descriptor)
        for _ in range(20):
            requests += 1
            decision, why = size_once(store)
            hung = hung or why == "hung"
            if decision is not None:
                acknowledged.append(decision)
            else:
                refused += 1
        os.remove(filler)
        for _ in range(3):  # space is back: the next calls land
            requests += 1
            decision, _ = size_once(store)
            if decision is not None:
                acknowledged.append(decision)
        intact = store.query("PRAGMA integrity_check") == [["ok"]]
        survived = not hung and refused > 0 and intact and len(acknowledged) == requests - refused
        record("disk full", survived, acknowledged, store, requests - refused,
               "%d calls refused while full" % refused)
    finally:
        subprocess.run(["umount", "-l", mount_point], capture_output=True)


def killed_copy(directory):
    source = new_store("copy_source", False, directory)
    acknowledged = []
    for _ in range(150):
        decision, _ = size_once(source)
        if decision is not None:
            acknowledged.append(decision)
    before = source.decision_ids()
    rng = random.Random(7)
    kills, leftovers = 0, 0
    for attempt in range(5):
        database = "kd_fault_copy_%d_%d" % (attempt, os.getpid())
        subprocess.run(["createdb", database], check=True, timeout=60)
        target = Store("postgresql:///" + database)
        copy = subprocess.Popen([KELLYCTL, "store", "copy", source.name, target.name],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.01, 0.15))
        if copy.poll() is None:
            copy.kill()
            kills += 1
        copy.wait()
        # A killed copy leaves the target as it was (empty) or complete, never half-written.
        copied = target.query("SELECT count(*) FROM sizing_decisions") \
            if target.query("SELECT to_regclass('sizing_decisions') IS NOT NULL") == [["t"]] \
            else [["0"]]
        if int(copied[0][0]) not in (0, len(before)):
            leftovers += 1
    final = Store("postgresql:///kd_fault_copy_final_%d" % os.getpid())
    subprocess.run(["createdb", final.database()], check=True, timeout=60)
    code, _, _ = kellyctl(source, "store", "copy", source.name, final.name)
    survived = code == 0 and leftovers == 0 and source.decision_ids() == before and \
        source.query("PRAGMA integrity_check") == [["ok"]]
    record("store copy killed", survived, acknowledged, final if code == 0 else source,
           len(acknowledged), "%d copies killed, %d half-written" % (kills, leftovers))


def main():
    faults = [("serve SIGKILLed (SQLite)", lambda d: serve_killed_mid_request(d, False)),
              ("serve SIGKILLed (PostgreSQL)", lambda d: serve_killed_mid_request(d, True)),
              ("PostgreSQL backend terminated", postgres_backend_terminated),
              ("PostgreSQL server stopped", postgres_server_stopped),
              ("greedy writer during a halt", greedy_writer_during_halt),
              ("disk full", disk_full), ("store copy killed", killed_copy)]
    with tempfile.TemporaryDirectory() as directory:
        for name, fault in faults:
            if ONLY and not any(part in name for part in ONLY):
                continue
            try:
                fault(directory)
            except Exception as error:  # a fault that broke the harness is not survived
                rows.append((name, False, 0, 0, 0, 0, "error: %s" % error))
    print()
    print("%-48s %-9s %6s %6s %5s %7s  %s" % ("fault", "survived", "acked", "stored", "lost",
                                             "doubled", "note"))
    failed = False
    for fault, survived, acked, stored, lost, doubled, note in rows:
        verdict = "skipped" if survived is None else ("yes" if survived else "NO")
        print("%-48s %-9s %6d %6d %5d %7d  %s" % (fault, verdict, acked, stored, lost, doubled,
                                                  note))
        failed = failed or survived is False or lost > 0 or doubled > 0
    print("decisions lost in all: %d" % sum(row[4] for row in rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
