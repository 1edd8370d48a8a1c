"""The pandas way to the phase table eos-sweep aggregate writes, for bench/aggregate_vs_pandas.sh:
read only the needed columns, drop error rows, group by the axes, and take mean, sample std, min,
max and count of the value. Prints its own time and peak RSS; with --out, writes the table.

Usage: aggregate_pandas.py RESULTS.csv --x AXIS [--y AXIS] --value COLUMN [--out TABLE.csv]
       aggregate_pandas.py --check EOS_TABLE.csv TABLE.csv   (the two tables agree: the same
       cells and counts, mean, std, min and max within 1e-9 relative; prints the largest gaps)
"""
import argparse
import resource
import sys
import time

import pandas as pd


def check(eos_path, pandas_path):
    """eos-sweep's tidy table against the pandas one: same cells, counts, and numbers."""
    eos = pd.read_csv(eos_path)
    ours = pd.read_csv(pandas_path)
    axes = [c for c in ours.columns if c not in ("mean", "std", "min", "max", "count")]
    for t in (eos, ours):  # keys to 12 digits: pandas' own number parser may be an ulp off
        for c in axes:
            t[c] = t[c].map(lambda v: float(f"{v:.12g}"))
    both = eos.merge(ours, on=axes, how="outer", suffixes=("_eos", "_pd"), indicator=True)
    alone = int((both["_merge"] != "both").sum())
    counts = int((both["count_eos"] != both["count_pd"]).sum())
    worst = {}
    for c in ("mean", "std", "min", "max"):
        a, b = both[c + "_eos"], both[c + "_pd"]
        gap = ((a - b).abs() / b.abs().clip(lower=1e-300)).where(~(a.isna() & b.isna()), 0.0)
        worst[c] = float(gap.fillna(float("inf")).max())
    print(f"check: {len(both)} cells, {alone} in one table only, {counts} counts differ; largest relative gaps " +
          ", ".join(f"{c} {g:.1e}" for c, g in worst.items()))
    return alone == 0 and counts == 0 and all(g <= 1e-9 for g in worst.values())


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--x", required=True)
    p.add_argument("--y")
    p.add_argument("--value", required=True)
    p.add_argument("--out")
    a = p.parse_args()
    axes = [a.x] + ([a.y] if a.y else [])
    start = time.time()
    rows = pd.read_csv(a.results, usecols=axes + [a.value, "regime"])
    table = rows[rows.regime != "error"].groupby(axes)[a.value].agg(["mean", "std", "min", "max", "count"])
    elapsed = time.time() - start
    if a.out:
        table.to_csv(a.out, float_format="%.17g")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pandas: {len(table)} cells in {elapsed:.2f} s (reading and grouping), peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
