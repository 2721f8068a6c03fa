#!/usr/bin/env python3
"""Counts JFR execution samples per thread, to see which threads of a process use its CPU.

Usage:
  jfr print --events jdk.ExecutionSample --stack-depth 64 rec.jfr > samples.txt
  python3 jfr_threads.py samples.txt [--group] [--top 30]

--group folds numbered threads into one line (grpc-default-executor-3 and -7 count as
grpc-default-executor-N). Then pass one thread name to jfr_hotspots.py --thread for its methods.
"""
import argparse
import collections
import re

THREAD = re.compile(r'sampledThread = "([^"]*)"')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("samples")
    parser.add_argument("--group", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    with open(args.samples) as f:
        events = f.read().split("jdk.ExecutionSample {")[1:]
    counts = collections.Counter()
    for event in events:
        match = THREAD.search(event)
        name = match.group(1) if match else "?"
        if args.group:
            name = re.sub(r"\d+", "N", name)
        counts[name] += 1
    total = sum(counts.values())
    print(f"{total} execution samples")
    for name, n in counts.most_common(args.top):
        print(f"{100 * n / max(total, 1):5.1f}% {n:6d} {name}")


if __name__ == "__main__":
    main()
