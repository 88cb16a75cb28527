#!/usr/bin/env python3
"""pandas oracle for the risk analytics (SPEC 5): prints the correlation build of a price
folder as JSON so tst_pandas_oracle can compare the C++ build to 1e-9.

usage: pandas_oracle.py PRICES_DIR LOOKBACK

It mirrors the SPEC formula `pd.concat(returns, axis=1).tail(lookback).corr(min_periods=20)`
and the volatility metrics, with the choices the C++ documents for degenerate windows
(fewer than 2 returns -> volatility 0, no Sharpe; fewer than 2 negative returns ->
downside 0; drawdown over the closes spanning the last `lookback` returns).
"""
import glob
import json
import math
import os
import sys

import pandas as pd

ANNUALIZE = math.sqrt(252.0)


def symbol_of(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    return "".join(c for c in stem if c not in "/-_ \t").upper()


def read_closes(path):
    frame = pd.read_csv(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    column = "adj close" if "adj close" in frame.columns else "close"
    index = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    return pd.Series(frame[column].astype(float).values, index=index).sort_index()


def finite_or_none(value):
    value = float(value)
    return value if math.isfinite(value) else None


def metrics_of(closes, lookback):
    returns = closes.pct_change().dropna().tail(lookback)
    n = len(returns)
    std = returns.std() if n >= 2 else 0.0
    negatives = returns[returns < 0]
    window = closes.tail(n + 1)
    drawdown = (window / window.cummax() - 1.0).min()
    return {
        "annualized_volatility": std * ANNUALIZE,
        "downside_volatility": negatives.std() * ANNUALIZE if len(negatives) >= 2 else 0.0,
        "sharpe_ratio": finite_or_none(returns.mean() / std * ANNUALIZE) if std > 0 else None,
        "var_95": float(returns.quantile(0.05)) if n else 0.0,
        "max_drawdown": min(0.0, float(drawdown)),
        "returns_used": n,
    }


def main():
    folder, lookback = sys.argv[1], int(sys.argv[2])
    closes = {symbol_of(p): read_closes(p) for p in glob.glob(os.path.join(folder, "*.csv"))}
    symbols = sorted(closes)
    returns = [closes[s].pct_change().rename(s) for s in symbols]
    joined = pd.concat(returns, axis=1).sort_index().tail(lookback)
    corr = joined.corr(min_periods=20)
    present = joined.notna().astype(float)
    observations = present.T.dot(present)
    print(json.dumps({
        "symbols": symbols,
        "matrix": [[finite_or_none(corr.loc[a, b]) for b in symbols] for a in symbols],
        "observations": [[int(observations.loc[a, b]) for b in symbols] for a in symbols],
        "returns_in_window": [int(joined[s].count()) for s in symbols],
        "metrics": [metrics_of(closes[s], lookback) for s in symbols],
    }))


if __name__ == "__main__":
    main()
