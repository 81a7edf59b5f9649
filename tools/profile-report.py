#!/usr/bin/env python3
"""tools/profile-report.py - tools/calf-profile's tables.

  profile-report.py [--top N] COUNTS ELF            instructions per kernel function
  profile-report.py [--top N] OLD OLD_ELF NEW NEW_ELF   the functions that changed most

COUNTS has one "0xADDRESS COUNT" line per executed instruction address. Addresses
below the kernel's half are user code, counted together as <user>.
"""
import argparse
import bisect
import collections
import subprocess

KERNEL_HALF = 0xffff800000000000


def functions(elf):
    symbols = []
    for line in subprocess.check_output(["nm", "-n", elf], text=True).splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwW":
            symbols.append((int(fields[0], 16), fields[2]))
    return symbols


def per_function(counts, elf):
    symbols = functions(elf)
    starts = [address for address, _ in symbols]
    totals = collections.Counter()
    for line in open(counts):
        address, count = line.split()
        address, count = int(address, 16), int(count)
        if address < KERNEL_HALF:
            totals["<user>"] += count
            continue
        i = bisect.bisect_right(starts, address) - 1
        totals[symbols[i][1] if i >= 0 else "?"] += count
    return totals


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("files", nargs="+")
    options = parser.parse_args()
    if len(options.files) == 2:
        totals = per_function(*options.files)
        everything = sum(totals.values())
        print(f"{everything} instructions")
        for name, count in totals.most_common(options.top):
            print(f"{count:>14} {100 * count / everything:6.2f}%  {name}")
        return
    old = per_function(options.files[0], options.files[1])
    new = per_function(options.files[2], options.files[3])
    before, after = sum(old.values()), sum(new.values())
    print(f"{before} -> {after} instructions ({after - before:+d}, "
          f"{100 * (after - before) / before:+.3f}%)")
    changes = sorted(((new[n] - old[n], n) for n in set(old) | set(new)),
                     key=lambda c: -abs(c[0]))
    for change, name in changes[:options.top]:
        if change:
            print(f"{change:>+12} {old[name]:>14} -> {new[name]:<14} {name}")


if __name__ == "__main__":
    main()
