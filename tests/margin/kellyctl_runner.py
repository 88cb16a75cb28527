"""The kellyctl these suites drive (KELLYCTL), run as a bot would: one process per command."""

import os
import subprocess

KELLYCTL = os.environ["KELLYCTL"]


def kellyctl(db, *arguments, expect=0):
    done = subprocess.run([KELLYCTL, "--db", db] + list(arguments), capture_output=True,
                          text=True)
    if done.returncode != expect:
        raise AssertionError("kellyctl %s: exit %d: %s" % (" ".join(arguments),
                                                           done.returncode, done.stderr))
    return done
