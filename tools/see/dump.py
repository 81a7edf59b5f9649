"""Reading see-collect's dump, and what each page is in the sharing picture.

The dump (user/see-collect.c describes it) holds, per step, the process list,
the two actors' maps and pagemap entries, the frames' kpagecount and kpageflags,
and /proc/vmstat. This module turns it into Step objects and decides, for every
page of a writable private region, whether it is shared, copied or private.
"""

from dataclasses import dataclass, field

PAGE = 4096

# pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst)
PRESENT = 1 << 63
FILE_OR_SHARED_ANON = 1 << 61
EXCLUSIVE = 1 << 56
PFN_MASK = (1 << 55) - 1

# /proc/PID/stat flags: PF_KTHREAD marks Linux's kernel threads, left out of the tree
PF_KTHREAD = 0x00200000

CATEGORIES = ("shared", "copied", "private", "absent")


@dataclass
class Region:
    start: int
    end: int
    perms: str
    offset: int
    inode: int
    name: str
    kind: str = ""          # text, data, bss, heap, mapping, stack... (see label_regions)
    entries: list = field(default_factory=list)   # pagemap entries, one per page

    @property
    def pages(self):
        return (self.end - self.start) // PAGE

    @property
    def writable_private(self):
        """Where copy-on-write happens: fork shares these pages, a write copies."""
        return "w" in self.perms and self.perms.endswith("p")


@dataclass
class Proc:
    pid: int
    ppid: int
    state: str
    flags: int
    comm: str


@dataclass
class Step:
    number: int
    title: str
    vmstat: dict = field(default_factory=dict)
    procs: dict = field(default_factory=dict)       # pid -> Proc
    roles: dict = field(default_factory=dict)       # "parent"/"child" -> pid
    area: tuple = None                              # (pid, start, end)
    maps: dict = field(default_factory=dict)        # pid -> [Region]
    frames: dict = field(default_factory=dict)      # pfn -> (kpagecount, kpageflags)


@dataclass
class Run:
    kernel: str
    steps: list


def parse(text):
    """The dump's text -> Run. Unknown lines are skipped, so that the collector
    may say more than this reader knows."""
    kernel, steps, step = "?", [], None
    for line in text.splitlines():
        word, _, rest = line.partition(" ")
        if word == "kernel":
            # calf answers uname as Linux does; its release says calf
            kernel = "calf" if "calf" in rest else rest
        elif word == "step":
            number, _, title = rest.partition(" ")
            step = Step(int(number), title)
            steps.append(step)
        elif step is None:
            continue
        elif word == "end":
            step = None
        elif word == "vmstat":
            name, _, value = rest.partition(" ")
            step.vmstat[name] = int(value)
        elif word == "ps":
            pid, ppid, state, flags, comm = rest.split(" ", 4)
            step.procs[int(pid)] = Proc(int(pid), int(ppid), state, int(flags, 16), comm)
        elif word == "role":
            pid, role = rest.split()
            step.roles[role] = int(pid)
        elif word == "area":
            pid, start, end = rest.split()
            step.area = (int(pid), int(start, 16), int(end, 16))
        elif word == "map":
            parts = rest.split(" ", 6)
            pid = int(parts[0])
            step.maps.setdefault(pid, []).append(Region(
                int(parts[1], 16), int(parts[2], 16), parts[3], int(parts[4], 16),
                int(parts[5]), parts[6] if len(parts) > 6 else ""))
        elif word == "pagemap":
            parts = rest.split()
            pid, start = int(parts[0]), int(parts[1], 16)
            for region in step.maps.get(pid, []):
                if region.start == start:
                    region.entries = [int(e, 16) for e in parts[2:]]
        elif word == "kpage":
            pfn, count, flags = rest.split()
            step.frames[int(pfn, 16)] = (int(count), int(flags, 16))
    for step in steps:
        for pid, regions in step.maps.items():
            label_regions(regions, step.area)
    return Run(kernel, steps)


def program_of(regions):
    """The program a process runs: the file of its first mapping."""
    return regions[0].name if regions and regions[0].name.startswith("/") else ""


def label_regions(regions, area):
    """Name each region as the article does: text, data, bss, heap, mapping, stack.

    The program's own file mappings are text (executable), rodata (read-only) or
    data (writable); the anonymous region right after them is bss; [heap] and
    [stack] are named by the kernel. Linux with address randomisation off puts
    the heap right after bss and names both [heap] when they touch, so an
    anonymous region is bss only where the kernel did not say heap. The area
    see-actor wrote before fork (same address in parent and child) is named.
    """
    program = program_of(regions)
    previous = None
    for region in regions:
        if region.name == "[stack]":
            region.kind = "stack"
        elif (region.name == "[heap]" and previous is not None and previous.kind == "data"
              and previous.end == region.start and next_region(regions, region) is not None
              and next_region(regions, region).name == "[heap]"):
            region.kind = "bss"     # Linux names bss [heap] when brk starts right after it
        elif region.name == "[heap]":
            region.kind = "heap"
        elif region.name.startswith("["):
            region.kind = region.name.strip("[]")
        elif program and region.name == program:
            region.kind = ("text" if "x" in region.perms else
                           "data" if "w" in region.perms else "rodata")
        elif (not region.name and previous is not None and previous.end == region.start
              and previous.name == program and previous.kind == "data"):
            region.kind = "bss"
        elif area and region.start == area[1] and region.end == area[2] and not region.name:
            region.kind = "mapping"
            region.name = "(the parent's memory)"
        else:
            region.kind = "mapping"
        previous = region


def next_region(regions, region):
    i = regions.index(region)
    return regions[i + 1] if i + 1 < len(regions) else None


def is_kernel_thread(proc):
    return bool(proc.flags & PF_KTHREAD) or proc.pid == 2 and proc.ppid == 0


def page_categories(step, pid, reference):
    """[(Region, [category per page])] for the writable private regions of pid.

    A page is *shared* when pagemap says another mapping uses its frame too
    (bit 56, "exclusively mapped", clear); *copied* when it is this process's
    alone and its frame is not the one the parent had there before fork
    (reference: the parent's step, same program), which only a copy-on-write
    copy does; *private* when it is its own otherwise (written after the other
    side copied, or made after fork); *absent* when not present.
    """
    before = {}
    if reference is not None:
        ref_pid = reference.roles.get("parent")
        ref_regions = reference.maps.get(ref_pid, [])
        if program_of(ref_regions) == program_of(step.maps.get(pid, [])):
            for region in ref_regions:
                for i, entry in enumerate(region.entries):
                    if entry & PRESENT:
                        before[region.start + i * PAGE] = entry & PFN_MASK
    result = []
    for region in step.maps.get(pid, []):
        if not region.writable_private or not region.entries:
            continue
        categories = []
        for i, entry in enumerate(region.entries):
            address = region.start + i * PAGE
            if not entry & PRESENT:
                categories.append("absent")
            elif not entry & EXCLUSIVE:
                categories.append("shared")
            elif address in before and before[address] != entry & PFN_MASK:
                categories.append("copied")
            else:
                categories.append("private")
        result.append((region, categories))
    return result


def count(categories_by_region, only_kind=None):
    totals = dict.fromkeys(CATEGORIES, 0)
    for region, categories in categories_by_region:
        if only_kind and region.kind != only_kind:
            continue
        for category in categories:
            totals[category] += 1
    return totals


def summary_lines(run):
    """One line per step, actor and region kind, with the sharing figure's counts,
    and one per step comparing the figure's copies with the kernel's counter:
    what tests/guest/see.sh checks."""
    lines = []
    reference = run.steps[0] if run.steps else None
    if reference and "parent" in reference.roles:
        # What fork will share: the parent's anonymous pages (file pages are the cache's)
        anonymous = sum(1 for region in reference.maps.get(reference.roles["parent"], [])
                        for entry in region.entries
                        if entry & PRESENT and not entry & FILE_OR_SHARED_ANON)
        lines.append("step 0 parent anonymous_present=%d" % anonymous)
    for step in run.steps:
        copied_total = 0
        for role in ("parent", "child"):
            pid = step.roles.get(role)
            if pid is None or pid not in step.maps:
                continue
            pages = page_categories(step, pid, reference)
            copied_total += count(pages)["copied"]
            for kind in ("all", "mapping", "stack"):
                c = count(pages, None if kind == "all" else kind)
                lines.append("step %d %s %s %s" % (step.number, role, kind, " ".join(
                    "%s=%d" % (name, c[name]) for name in CATEGORIES)))
        if "cow_copy" in step.vmstat and reference and "cow_copy" in reference.vmstat:
            since = step.vmstat["cow_copy"] - reference.vmstat["cow_copy"]
            lines.append("step %d figure_copied=%d cow_copy_since_step_0=%d"
                         % (step.number, copied_total, since))
    return lines
