"""The article's three pictures, drawn with matplotlib from one step of a dump:
the process tree, each actor's memory layout, and the pages parent and child
share. Each function returns a matplotlib Figure; save() writes SVG and PNG.
"""

import matplotlib

matplotlib.use("Agg")   # no display: files only
import matplotlib.pyplot as plt                      # noqa: E402
from matplotlib.patches import FancyBboxPatch, Rectangle   # noqa: E402

from see.dump import CATEGORIES, PAGE, count, is_kernel_thread, page_categories  # noqa: E402

# One colour per page category, the same in every figure and in the HTML page.
CATEGORY_COLOURS = {
    "shared": "#4c78c8",
    "copied": "#e8772e",
    "private": "#4aa564",
    "absent": "#ffffff",
}
CATEGORY_WORDS = {
    "shared": "shared (one frame, both map it)",
    "copied": "copied (copy-on-write gave a frame of its own)",
    "private": "private (its own frame, never copied)",
    "absent": "not present (never touched)",
}
KIND_COLOURS = {
    "text": "#8da0cb", "rodata": "#b3bfe0", "data": "#fc8d62", "bss": "#fdb48f",
    "heap": "#66c2a5", "mapping": "#e5c494", "stack": "#e78ac3",
    "vdso": "#cccccc", "vvar": "#dddddd",
}
ROLE_COLOURS = {"parent": "#fde0c5", "child": "#d5e4f7"}
STATE_WORDS = {"R": "running", "S": "sleeping", "D": "waiting (disk)", "Z": "zombie",
               "T": "stopped", "t": "traced", "I": "idle", "X": "dead"}


def save(figure, path_without_suffix):
    """The figure as SVG and PNG; the PNG's path is returned (the HTML inlines it)."""
    figure.savefig(path_without_suffix + ".svg")
    figure.savefig(path_without_suffix + ".png", dpi=100)
    plt.close(figure)
    return path_without_suffix + ".png"


def human_size(size):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return ("%d %s" % (size, unit)) if size == int(size) else ("%.1f %s" % (size, unit))
        size /= 1024


def role_of(step, pid):
    for role, role_pid in step.roles.items():
        if role_pid == pid:
            return role
    return None


# ------------------------------------------------------------------ the tree

def draw_tree(step, first_parents, kernel):
    """Processes as boxes under init, each under its parent. A process whose
    parent is init now but was another process when first seen is an orphan
    that init adopted; a zombie is drawn dashed, waiting for its parent."""
    procs = {pid: p for pid, p in step.procs.items() if not is_kernel_thread(p)}
    children = {}
    for pid in sorted(procs):
        children.setdefault(procs[pid].ppid, []).append(pid)
    roots = [pid for pid in sorted(procs) if procs[pid].ppid not in procs]

    # Leaves take consecutive columns; a parent sits above its children's middle.
    position, next_column = {}, [0]

    def place(pid, depth):
        kids = children.get(pid, [])
        for kid in kids:
            place(kid, depth + 1)
        if kids:
            x = (position[kids[0]][0] + position[kids[-1]][0]) / 2
        else:
            x = next_column[0]
            next_column[0] += 1
        position[pid] = (x, -depth)

    for root in roots:
        place(root, 0)
    width = max(next_column[0], 1)
    depth = max((-y for x, y in position.values()), default=0) + 1
    figure, axes = plt.subplots(figsize=(max(6, 2.6 * width), 1.5 * depth + 1.2))
    axes.set_xlim(-0.8, width - 0.2)
    axes.set_ylim(-depth + 0.4, 0.8)
    axes.axis("off")
    axes.set_title("Step %d: %s\nprocess tree (%s)" % (step.number, step.title, kernel),
                   fontsize=11)

    for pid, proc in procs.items():
        if proc.ppid in position:
            (x0, y0), (x1, y1) = position[proc.ppid], position[pid]
            axes.plot([x0, x0, x1, x1], [y0 - 0.28, (y0 + y1) / 2, (y0 + y1) / 2, y1 + 0.28],
                      color="#555555", linewidth=1)
    for pid, (x, y) in position.items():
        proc = procs[pid]
        role = role_of(step, pid)
        zombie = proc.state == "Z"
        box = FancyBboxPatch((x - 0.42, y - 0.28), 0.84, 0.56,
                             boxstyle="round,pad=0.02",
                             facecolor="#eeeeee" if zombie else ROLE_COLOURS.get(role, "#ffffff"),
                             edgecolor="#333333", linestyle="--" if zombie else "-")
        axes.add_patch(box)
        lines = ["%d %s" % (pid, proc.comm), STATE_WORDS.get(proc.state, proc.state)]
        if role:
            lines[1] += ", the " + role
        if proc.ppid == 1 and first_parents.get(pid, 1) != 1:
            lines.append("orphan: init adopted it")
        elif zombie:
            lines.append("until its parent waits")
        axes.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=9)
    figure.tight_layout()
    return figure


# ------------------------------------------------------------------ the layout

def draw_layout(step, kernel):
    """Each actor's regions from the top of memory down, one bar each, its
    length the region's size on a log axis (4 KiB to the largest), labelled
    with its kind and where it starts; the gaps between regions are written
    between the bars."""
    actors = [(role, pid) for role, pid in sorted(step.roles.items(), key=lambda r: r[0] != "parent")
              if step.maps.get(pid)]
    rows = max((len(step.maps[pid]) for _, pid in actors), default=1)
    figure, axes_list = plt.subplots(1, max(len(actors), 1), squeeze=False,
                                     figsize=(6.5 * max(len(actors), 1), 0.55 * rows + 1.8))
    biggest = max((r.end - r.start for _, pid in actors for r in step.maps[pid]), default=PAGE)
    for axes, (role, pid) in zip(axes_list[0], actors):
        regions = list(reversed(step.maps[pid]))     # the stack at the top, as drawn in the article
        proc = step.procs.get(pid)
        axes.set_title("the %s, pid %d (%s)" % (role, pid, proc.comm if proc else "?"), fontsize=10)
        axes.set_xscale("log", base=2)
        axes.set_xlim(PAGE / 2, biggest * 64)
        axes.set_ylim(-0.7, len(regions) - 0.3)
        axes.invert_yaxis()
        axes.set_yticks(range(len(regions)))
        axes.set_yticklabels([r.kind for r in regions], fontsize=9)
        axes.set_xlabel("size (log scale)")
        ticks = [PAGE * 4 ** i for i in range(12) if PAGE * 4 ** i <= biggest * 64]
        axes.set_xticks(ticks)
        axes.set_xticklabels([human_size(t) for t in ticks], fontsize=8)
        for row, region in enumerate(regions):
            size = region.end - region.start
            axes.barh(row, size - PAGE / 2, left=PAGE / 2, height=0.6,
                      color=KIND_COLOURS.get(region.kind, "#bbbbbb"), edgecolor="#333333")
            name = region.name if region.name and not region.name.startswith("[") else ""
            label = "%#x  %s  %s %s" % (region.start, human_size(size), region.perms, name)
            axes.text(size * 1.15, row, label, va="center", fontsize=8)
            if row + 1 < len(regions):
                gap = region.start - regions[row + 1].end
                if gap > 0:
                    axes.text(PAGE / 1.9, row + 0.5, "gap %s" % human_size(gap), va="center",
                              fontsize=7, color="#777777")
    figure.suptitle("Step %d: %s\nmemory layout (%s)" % (step.number, step.title, kernel),
                    fontsize=11)
    figure.tight_layout()
    return figure


# ------------------------------------------------------------------ the sharing

PER_ROW = 36


def draw_sharing(step, reference, kernel):
    """Parent and child side by side: each page of each writable private region
    as a square coloured shared / copied / private / not present, with the
    counts in the title. (Text and read-only data are page-cache pages that
    fork never copies; they are left out.)"""
    actors = [(role, pid) for role, pid in sorted(step.roles.items(), key=lambda r: r[0] != "parent")
              if step.maps.get(pid)]
    pictures = [(role, pid, page_categories(step, pid, reference)) for role, pid in actors]
    height_rows = max((sum((len(c) + PER_ROW - 1) // PER_ROW + 0.6 for _, c in pages)
                       for _, _, pages in pictures), default=1)
    figure, axes_list = plt.subplots(1, max(len(pictures), 1), squeeze=False,
                                     figsize=(6 * max(len(pictures), 1), 0.15 * height_rows + 2.2))
    for axes, (role, pid, pages) in zip(axes_list[0], pictures):
        totals = count(pages)
        proc = step.procs.get(pid)
        axes.set_title("the %s, pid %d (%s)\n%s" % (
            role, pid, proc.comm if proc else "?",
            ", ".join("%d %s" % (totals[c], c if c != "absent" else "not present")
                      for c in CATEGORIES)), fontsize=10)
        y = 0
        for region, categories in pages:
            axes.text(-1, y + 0.5, "%s (%d)" % (region.kind, len(categories)), ha="right",
                      va="center", fontsize=8)
            for i, category in enumerate(categories):
                column, line = i % PER_ROW, i // PER_ROW
                axes.add_patch(Rectangle((column, y + line), 0.86, 0.86,
                                         facecolor=CATEGORY_COLOURS[category],
                                         edgecolor="#999999", linewidth=0.5))
            y += (len(categories) + PER_ROW - 1) // PER_ROW + 0.6
        axes.set_xlim(-9, PER_ROW + 0.5)
        axes.set_ylim(max(y, 1), -0.5)
        axes.set_aspect("equal")
        axes.axis("off")
    handles = [Rectangle((0, 0), 1, 1, facecolor=CATEGORY_COLOURS[c], edgecolor="#999999")
               for c in CATEGORIES]
    figure.legend(handles, [CATEGORY_WORDS[c] for c in CATEGORIES], loc="lower center",
                  ncol=2, fontsize=8, frameon=False)
    figure.suptitle("Step %d: %s\nwho shares which pages (%s)" % (step.number, step.title, kernel),
                    fontsize=11)
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    return figure
