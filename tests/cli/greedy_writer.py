"""A bot that keeps SQLite's write lock nearly all the time (issue 24 item 3): it loops
BEGIN IMMEDIATE, 50 updates, COMMIT on 3,000 old rows of the snapshots table, so a writer
waiting on busy_timeout almost never finds the lock free (SQLite's lock is not fair).
Usage: greedy_writer.py STORE.sqlite (runs until killed)."""
import sqlite3
import sys

connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
connection.execute("BEGIN IMMEDIATE")
connection.executemany(
    "INSERT INTO snapshots (observed_at, portfolio_value_usd, equity_usd, gross_usd)"
    " VALUES (?, 100000, 100000, 0)",
    [("2020-01-01T00:%02d:%02dZ" % (i // 60, i % 60),) for i in range(3000)])
connection.execute("COMMIT")
print("started", flush=True)
while True:
    connection.execute("BEGIN IMMEDIATE")
    for _ in range(50):
        connection.execute("UPDATE snapshots SET gross_usd = 0 WHERE observed_at < '2021'")
    connection.execute("COMMIT")
