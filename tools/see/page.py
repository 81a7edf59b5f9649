"""The HTML page: every step's three figures, inlined (data: URLs, so the one
file is all a browser or a projector needs), and the kernel's counters."""

import base64
import html

from see.draw import CATEGORY_COLOURS, CATEGORY_WORDS
from see.dump import CATEGORIES, count, page_categories

# The counters shown, with what they mean. Linux's /proc/vmstat has pgfault but
# not calf's copy-on-write counters; a missing one shows as "-".
COUNTERS = [
    ("cow_fault", "write faults on a copy-on-write page"),
    ("cow_copy", "... resolved by copying the page"),
    ("cow_reuse", "... resolved in place (no other owner left)"),
    ("fork_pages_shared", "pages shared copy-on-write at fork"),
    ("fork_pages_copied", "pages copied at fork (fork_mode=copy)"),
    ("zero_fill", "zero-filled pages made on first touch"),
    ("pgfault", "page faults"),
]

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: right; }
td.title, th.title { text-align: left; }
section { border-top: 2px solid #888; margin-top: 2em; padding-top: 0.5em; }
img { max-width: 100%; display: block; margin: 0.5em 0; }
.swatch { display: inline-block; width: 1em; height: 1em; border: 1px solid #999;
          vertical-align: middle; margin-right: 0.3em; }
"""

# Left and right arrows go from step to step, for showing it in class.
SCRIPT = """
document.addEventListener('keydown', function (e) {
  var steps = Array.from(document.querySelectorAll('section'));
  var here = steps.findIndex(function (s) { return s.getBoundingClientRect().top > 5; });
  if (here < 0) here = steps.length;
  if (e.key === 'ArrowRight' && here < steps.length) steps[here].scrollIntoView();
  if (e.key === 'ArrowLeft' && here > 1) steps[here - 2].scrollIntoView();
});
"""


def inline_png(path):
    with open(path, "rb") as f:
        return "data:image/png;base64," + base64.b64encode(f.read()).decode("ascii")


def delta(step, previous, name):
    if name not in step.vmstat:
        return "-"
    if previous is None or name not in previous.vmstat:
        return str(step.vmstat[name])
    return "%+d" % (step.vmstat[name] - previous.vmstat[name])


def figure_counts(step, reference):
    cells = []
    for role in ("parent", "child"):
        pid = step.roles.get(role)
        if pid is None or not step.maps.get(pid):
            cells.append("-")
            continue
        totals = count(page_categories(step, pid, reference))
        cells.append(" / ".join(str(totals[c]) for c in CATEGORIES[:3]))
    return cells


def write_page(path, run, images, source):
    """images: {step number: [png paths]}; source: how the dump was made."""
    reference = run.steps[0] if run.steps else None
    out = ["<!DOCTYPE html>", "<html><head><meta charset='utf-8'>",
           "<title>calf-see: %s</title>" % html.escape(run.kernel),
           "<style>%s</style></head><body>" % STYLE,
           "<h1>fork, copy-on-write and exec, seen on %s</h1>" % html.escape(run.kernel),
           "<p>%s. Each step below shows the process tree, the memory layout of the "
           "parent and the child, and which of their writable pages they share. "
           "The arrow keys go from step to step.</p>" % html.escape(source),
           "<p>" + " ".join("<span class='swatch' style='background:%s'></span>%s&nbsp; "
                            % (CATEGORY_COLOURS[c], html.escape(CATEGORY_WORDS[c]))
                            for c in CATEGORIES) + "</p>",
           "<h2>Counters at each step (change since the step before)</h2>",
           "<table id='counters'><tr><th>step</th><th class='title'>what happened</th>"]
    out += ["<th title='%s'>%s</th>" % (html.escape(meaning), name) for name, meaning in COUNTERS]
    out.append("<th>parent: shared / copied / private</th>"
               "<th>child: shared / copied / private</th></tr>")
    previous = None
    for step in run.steps:
        out.append("<tr><td>%d</td><td class='title'>%s</td>" % (step.number, html.escape(step.title)))
        out += ["<td>%s</td>" % delta(step, previous, name) for name, _ in COUNTERS]
        out += ["<td>%s</td>" % cell for cell in figure_counts(step, reference)]
        out.append("</tr>")
        previous = step
    out.append("</table>")
    out.append("<p>" + "<br>".join("<b>%s</b>: %s" % (name, html.escape(meaning))
                                    for name, meaning in COUNTERS) + "</p>")
    for step in run.steps:
        out.append("<section id='step%d'><h2>Step %d: %s</h2>"
                   % (step.number, step.number, html.escape(step.title)))
        for png in images.get(step.number, []):
            out.append("<img alt='%s' src='%s'>" % (html.escape(png.rsplit("/", 1)[-1]),
                                                   inline_png(png)))
        out.append("</section>")
    out.append("<script>%s</script></body></html>" % SCRIPT)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
