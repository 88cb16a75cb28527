#!/usr/bin/env python3
"""The pandas side of bench_correlation_vs_pandas.sh: read every *.csv of a folder,
pct_change, concat and corr, as SPEC 5 states it; prints the sum of the non-blank rho
so the script can check both sides computed the same matrix.

usage: bench_correlation_pandas.py DIR [LOOKBACK]
"""
import glob
import os
import sys

import pandas as pd


def main():
    folder = sys.argv[1]
    lookback = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    returns = []
    for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
        closes = pd.read_csv(path, index_col="date", parse_dates=["date"])["close"].sort_index()
        returns.append(closes.pct_change().rename(os.path.splitext(os.path.basename(path))[0]))
    joined = pd.concat(returns, axis=1).sort_index()
    corr = joined.tail(lookback).corr(min_periods=20)
    print("symbols %d, blank cells %d" % (corr.shape[0], int(corr.isna().to_numpy().sum())))
    print("rho_sum %.9f" % float(corr.sum().sum()))


if __name__ == "__main__":
    main()
