#!/usr/bin/env python3
"""cpu.py: CPU time of process trees, for telling where a benchmark run's time went.

usage: cpu.py PID...   prints one line: machine busy and total jiffies, then for
each PID the jiffies used so far by it and all its descendants (including
children that have exited and been reaped, via cutime/cstime), in clock ticks.
A tree does not include another listed PID's tree.
Run it before and after a load run; the differences say who used the CPU.
"""
import os
import sys


def stat_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()   # comm may hold spaces and ')'
    # rest[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17
    return int(rest[1]), sum(int(x) for x in rest[11:15])


def main():
    procs = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = stat_of(name)
            if st:
                procs[int(name)] = st
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)

    roots = {int(p) for p in sys.argv[1:] if p.isdigit()}

    def tree(pid, top=True):
        # a tree stops where another listed tree begins: each pid counts once
        if pid not in procs or (not top and pid in roots):
            return 0
        return procs[pid][1] + sum(tree(c, False) for c in children.get(pid, []))

    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    idle = cpu[3] + cpu[4]          # idle + iowait
    total = sum(cpu[:8])            # guest time is already in user
    out = [str(total - idle), str(total)]
    out += [str(tree(int(p))) if p.isdigit() else "0" for p in sys.argv[1:]]
    print(" ".join(out))


if __name__ == "__main__":
    main()
