#!/usr/bin/env python3
"""Aggregates JFR execution samples of one thread into hot methods.

Usage:
  jfr print --events jdk.ExecutionSample --stack-depth 64 rec.jfr > samples.txt
  python3 jfr_hotspots.py samples.txt [--inclusive] [--thread main] [--top 40] [--grep TEXT]

Self time counts the top frame of each sample; --inclusive counts every method on the stack once
per sample. --grep keeps only samples with a frame containing TEXT. Percentages are of the kept
samples of the thread.
"""
import argparse
import collections
import re

STACK = re.compile(r"stackTrace = \[(.*?)\n\s*\]", re.S)
THREAD = re.compile(r'sampledThread = "([^"]*)"')


def frames(event):
    match = STACK.search(event)
    if not match:
        return []
    lines = [line.strip() for line in match.group(1).strip().split("\n")]
    return [re.sub(r"\s+line:.*$", "", line) for line in lines if line and line != "..."]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("samples")
    parser.add_argument("--inclusive", action="store_true")
    parser.add_argument("--thread", default="main")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--grep")
    args = parser.parse_args()

    with open(args.samples) as f:
        events = f.read().split("jdk.ExecutionSample {")[1:]
    counts = collections.Counter()
    total = 0
    for event in events:
        thread = THREAD.search(event)
        if not thread or thread.group(1) != args.thread:
            continue
        stack = frames(event)
        if not stack or (args.grep and not any(args.grep in f for f in stack)):
            continue
        total += 1
        if args.inclusive:
            counts.update(set(stack))
        else:
            counts[stack[0]] += 1
    print(f"{total} samples of thread {args.thread}")
    for method, n in counts.most_common(args.top):
        print(f"{100 * n / max(total, 1):5.1f}% {n:6d} {method}")


if __name__ == "__main__":
    main()
