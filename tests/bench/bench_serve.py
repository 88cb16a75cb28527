#!/usr/bin/env python3
"""Issue 16: what one sizing call costs a Python bot, through `kellyctl serve` (one child,
one JSON line each way, via kellydesk.get_qty and raw) against a `kellyctl size` process
per call. Prints the figures; the target is < 1 ms per served request.

    python3 tests/bench/bench_serve.py [--kellyctl build/app/kellyctl/kellyctl] [--requests N]
    [--db postgresql:///NAME] (under pg_virtualenv -t, after createdb NAME)

Issue 25, a bot fleet's load: --rate 1000 --clients 4 [--seconds 5] runs 4 clients, each a
process with its own `kellyctl serve` child, sending `size` requests on a fixed schedule
(1,000 a second in all) and prints p50, p99 and max latency from send to answer, dry run
and recorded, and how far sends fell behind the schedule (a slow answer delays the next
send of that client, so it shows there). Target: p99 < 1 ms.
"""
import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "app", "python"))


def paced_client(kellyctl, db, index, clients, rate, seconds, dry_run, start_at, results):
    """One bot: its own serve child, a request every clients / rate seconds, staggered."""
    serve = subprocess.Popen([kellyctl, "--db", db, "serve"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, bufsize=1)
    for i in range(20):  # warm up
        serve.stdin.write(json.dumps({"id": i, "command": "size", "symbol": "NVDA",
                                      "price": 150, "dry_run": True}) + "\n")
        serve.stdin.flush()
        serve.stdout.readline()
    interval = clients / rate
    count = int(seconds * rate / clients)
    first = start_at + index * interval / clients
    latencies = []
    while time.time() < start_at:
        time.sleep(0.001)
    origin = time.perf_counter() - (time.time() - first)
    for i in range(count):
        due = origin + i * interval
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)  # no spinning: the clients share the cores with the servers
        line = json.dumps({"id": i, "command": "size", "symbol": "NVDA", "price": 150,
                           "dry_run": dry_run}) + "\n"
        sent = time.perf_counter()
        serve.stdin.write(line)
        serve.stdin.flush()
        answer = json.loads(serve.stdout.readline())
        latencies.append((time.perf_counter() - sent, sent - due))
        assert answer["result"]["qty"] == 1600, answer
    serve.stdin.close()
    serve.wait()
    results.put(latencies)


def paced(kellyctl, db, clients, rate, seconds, dry_run):
    results = multiprocessing.Queue()
    start_at = time.time() + 1.0
    workers = [multiprocessing.Process(target=paced_client,
                                       args=(kellyctl, db, c, clients, rate, seconds, dry_run,
                                             start_at, results))
               for c in range(clients)]
    for worker in workers:
        worker.start()
    samples = []
    for _ in workers:
        samples.extend(results.get())
    for worker in workers:
        worker.join()
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kellyctl", default=os.path.join(HERE, "..", "..", "build", "app",
                                                           "kellyctl", "kellyctl"))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=50)
    parser.add_argument("--rate", type=float,
                        help="requests per second from all clients (issue 25's paced run)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--db", help="an empty store to use, e.g. postgresql:///bench (SPEC 13;"
                                     " default: a new SQLite file)")
    options = parser.parse_args()
    kellyctl = os.path.abspath(options.kellyctl)
    os.environ["KELLYCTL"] = kellyctl
    import kellydesk

    with tempfile.TemporaryDirectory() as folder:
        db = options.db or os.path.join(folder, "store.sqlite")
        for arguments in (["init"], ["account", "set", "--equity", "100000",
                                     "--buying-power", "400000"]):
            subprocess.run([kellyctl, "--db", db] + arguments, check=True, capture_output=True)
        # 50 positions, as bench_sizing's account.
        for i in range(50):
            subprocess.run([kellyctl, "--db", db, "position", "set", "S%02d" % i, "--qty", "10",
                            "--price", "100"], check=True, capture_output=True)

        if options.rate:
            print("load average: %.2f %.2f %.2f" % os.getloadavg())
            for label, dry_run in (("dry run", True), ("recorded", False)):
                samples = paced(kellyctl, db, options.clients, options.rate, options.seconds,
                                dry_run)
                ms = sorted(x[0] * 1000 for x in samples)
                late = sorted(x[1] * 1000 for x in samples)
                print("serve, %d clients, %.0f requests/s in all, %s: p50 %.3f ms  p99 %.3f ms"
                      "  max %.3f ms  (%d requests; sends behind schedule: p99 %.1f ms)"
                      % (options.clients, options.rate, label, ms[len(ms) // 2],
                         ms[min(len(ms) - 1, int(len(ms) * 0.99))], ms[-1], len(ms),
                         late[min(len(late) - 1, int(len(late) * 0.99))]))
            print("load average after: %.2f %.2f %.2f" % os.getloadavg())
            return

        serve = subprocess.Popen([kellyctl, "--db", db, "serve"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, bufsize=1)

        def cpu_seconds(pid):
            # utime + stime of the serve child: its own work, whatever else shares the cores.
            with open("/proc/%d/stat" % pid) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        def served(dry_run):
            samples = []
            for i in range(options.requests):
                line = json.dumps({"id": i, "command": "size", "symbol": "NVDA",
                                   "price": 150, "dry_run": dry_run}) + "\n"
                start = time.perf_counter()
                serve.stdin.write(line)
                serve.stdin.flush()
                answer = json.loads(serve.stdout.readline())
                samples.append(time.perf_counter() - start)
                assert answer["result"]["qty"] == 1600, answer
            return samples

        served(True)[:50]  # warm up
        cpu_start = cpu_seconds(serve.pid)
        dry = served(True)
        cpu_dry = cpu_seconds(serve.pid)
        recorded = served(False)
        cpu_recorded = cpu_seconds(serve.pid)
        serve.stdin.close()
        serve.wait()

        dropin = []
        for _ in range(options.requests):
            start = time.perf_counter()
            assert kellydesk.get_qty("NVDA", 150.0, db=db) == 1600.0
            dropin.append(time.perf_counter() - start)

        processes = []
        for _ in range(options.processes):
            start = time.perf_counter()
            subprocess.run([kellyctl, "--db", db, "size", "NVDA", "150", "--json"], check=True,
                           capture_output=True)
            processes.append(time.perf_counter() - start)

    def row(name, samples):
        ms = sorted(s * 1000 for s in samples)
        print("%-44s mean %7.3f ms  median %7.3f ms  p99 %7.3f ms  (%d calls)"
              % (name, statistics.mean(ms), statistics.median(ms),
                 ms[min(len(ms) - 1, int(len(ms) * 0.99))], len(ms)))

    print("load average: %.2f %.2f %.2f" % os.getloadavg())
    row("serve, size --dry-run (reads only)", dry)
    row("serve, size recorded (decision + sizing.log)", recorded)
    row("kellydesk.get_qty (recorded)", dropin)
    row("kellyctl size --json, one process per call", processes)
    print("serve CPU time per request: %.3f ms dry run, %.3f ms recorded"
          % ((cpu_dry - cpu_start) * 1000 / options.requests,
             (cpu_recorded - cpu_dry) * 1000 / options.requests))


if __name__ == "__main__":
    main()
