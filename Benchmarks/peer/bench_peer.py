#!/usr/bin/env python3
"""make bench-peer: the same course built by Jupyter Book 1 (numpy cells) and by workbook (Swift snippets), side by
side in one run, at 12 chapters (the committed course) and at 48 (make_course.py --chapters 48, written to a
scratch folder); prints medians and ratios as `bench: peer.<chapters>.* VALUE [UNIT]` lines and writes them to
.build/bench-peer-latest.txt.

workbook is installed first, as `make install` does (scripts/install.sh into a scratch PREFIX: binaries, theme,
helpers and the prebuilt helpers runtime). Scenarios, for each tool, repeated (PEER_REPS, default 5; PEER_REPS_LONG,
default 5 too, at 48 chapters: the targets are medians of 5) with the tools' order alternating from one repetition to the next:
- no cache at all, as a fresh clone or a CI run without a cache meets it. Jupyter Book: `_build` removed (it holds
  the jupyter cache, `execute_notebooks: cache`). workbook (installed): `.workbook-cache` and the site removed, and
  the per-user runtime cache too (a scratch folder named by WORKBOOK_RUNTIME_CACHE); the installed runtime stays,
  as Jupyter Book's installed packages do.
- the first book of an uninstalled tool (workbook only): the same with the binary in .build/release, which has no
  prebuilt runtime: the build compiles the helpers in release mode first.
- nothing changed: the same build again.
- one edit: one number edited in chapter 7 (the RoPE base, which every cell's output depends on), then ONE command
  to the updated site: `jupyter-book build` / `workbook build --fix` (fresh outputs written into the chapter, page
  rendered). The original is put back afterwards (the next repetition starts with no cache, so it is not rebuilt).
- peak RSS of the whole process tree during the builds with no cache: the sum of the resident sets of the build
  command and every descendant (kernel, swiftc, pandoc), sampled from /proc every 20 ms; also the largest single
  process (getrusage RUSAGE_CHILDREN ru_maxrss, `largest_process`). Each measurement runs in a fresh child process.

Before timing, it checks that both print identical text: `workbook check` holds the Swift snippets to the output
regions (the Python cells' output, written by make_course.py), and the outputs in Jupyter Book's executed notebooks
must equal those regions too.

Usage (the Makefile does it): python3 Benchmarks/peer/bench_peer.py [--venv .build/peer-venv] [--reps N] [--reps-long N] [--sizes 12,48]
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORKBOOK = os.path.join(ROOT, ".build", "release", "workbook")
EDITED = "07-wavelengths.md"
sys.path.insert(0, os.path.dirname(HERE))
from bench import emit, lines, stages as stage_seconds  # noqa: E402  (one `bench: NAME VALUE UNIT` printer for every benchmark)


# --- one measurement, in a fresh child process ------------------------------------------------------------------

def tree_rss(root):
    """Resident bytes of root and all its descendants (via /proc/PID/task/TID/children)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * page
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
            continue
    return total


def measure(cmd, cwd):
    """Runs cmd; prints JSON: wall seconds, peak tree RSS (MB), largest single process (MB), exit status, output."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    import threading
    out = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()))
    reader.start()
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    reader.join()
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "tree_mb": peak / 2**20, "largest_mb": largest, "status": proc.returncode,
                      "output": out[0].decode(errors="replace")[-4000:]}))


def run(cmd, cwd, what):
    """One measurement in a fresh child process; fails loudly when the command fails."""
    child = subprocess.run([sys.executable, os.path.abspath(__file__), "--measure", "--cwd", cwd, "--"] + cmd,
                           stdout=subprocess.PIPE, text=True, check=True)
    result = json.loads(child.stdout)
    if result["status"] != 0:
        sys.exit(f"bench-peer: {what} failed ({result['status']}): {' '.join(cmd)}\n{result['output']}")
    return result


# --- the two tools --------------------------------------------------------------------------------------------

class JupyterBook:
    name = "jupyterbook"

    def __init__(self, venv, folder):
        self.folder = folder
        self.cmd = [os.path.join(venv, "bin", "jupyter-book"), "build", folder]
        self.env_bin = os.path.join(venv, "bin")

    def clean(self):
        shutil.rmtree(os.path.join(self.folder, "_build"), ignore_errors=True)

    def build(self, what):
        return run(self.cmd, self.folder, f"jupyter-book {what}")

    edit_build = build

    def chapter(self):
        return os.path.join(self.folder, "chapters", EDITED)

    def outputs(self):
        """{chapter: [cell stdout]} from the executed notebooks."""
        found = {}
        folder = os.path.join(self.folder, "_build", "jupyter_execute", "chapters")
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".ipynb"):
                continue
            notebook = json.load(open(os.path.join(folder, name)))
            cells = []
            for cell in notebook["cells"]:
                if cell["cell_type"] != "code":
                    continue
                text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream")
                errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                if errors:
                    sys.exit(f"bench-peer: a Jupyter Book cell failed in {name}: {errors[0].get('evalue')}")
                cells.append(text.rstrip("\n"))
            found[name[:-len(".ipynb")]] = cells
        return found


class Workbook:
    """`tool`: the workbook binary to run (the installed one, or the one in .build/release)."""
    name = "workbook"

    def __init__(self, folder, tool):
        self.folder = folder
        self.cmd = [tool, "build", "--root", folder]

    def clean(self):
        shutil.rmtree(os.path.join(self.folder, ".workbook-cache"), ignore_errors=True)
        shutil.rmtree(os.path.join(self.folder, "site"), ignore_errors=True)

    def fresh_clean(self):
        """No cache at all: the book's and the user's shared runtimes (an installed tool's own runtime stays: it is
        part of the installation, as Jupyter Book's installed packages are)."""
        self.clean()
        shutil.rmtree(os.environ["WORKBOOK_RUNTIME_CACHE"], ignore_errors=True)

    def build(self, what):
        return run(self.cmd, self.folder, f"workbook {what}")

    def edit_build(self, what):
        result = run(self.cmd + ["--fix"], self.folder, f"workbook {what}")
        if "1 compiled" not in result["output"] or "fixed: " not in result["output"]:
            sys.exit(f"bench-peer: the edit did not recompile and fix exactly one chapter:\n{result['output']}")
        return result

    def chapter(self):
        return os.path.join(self.folder, "Chapters", EDITED)

    def outputs(self):
        found = {}
        folder = os.path.join(self.folder, "Chapters")
        for name in sorted(os.listdir(folder)):
            if name == "index.md" or not name.endswith(".md"):
                continue
            text = open(os.path.join(folder, name)).read()
            found[name[:-3]] = re.findall(r"<!-- output: [^ ]+ -->\n```text\n(.*?)\n```\n<!-- end output -->", text, re.S)
        return found


def edited(text):
    """The edit: chapter 7's base, 40000.0 → 40001.0, in either language."""
    changed = re.sub(r"^(let )?base = 40000\.0$", lambda m: (m.group(1) or "") + "base = 40001.0", text, count=1, flags=re.M)
    if changed == text:
        sys.exit("bench-peer: the number to edit was not found in chapter 7")
    return changed


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
        memory = f", {kb / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    load = os.getloadavg()[0]
    return f"{model}, {os.cpu_count()} cores{memory}, load {load:.1f} at start"


def version(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def install(scratch):
    """The tool as `make install` leaves it (binaries, theme, helpers and the prebuilt helpers runtime) under a
    scratch PREFIX; returns its workbook."""
    prefix = os.path.join(scratch, "prefix")
    subprocess.run([os.path.join(ROOT, "scripts", "install.sh"), os.path.dirname(WORKBOOK), prefix], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(prefix, "bin", "workbook")


def measure_course(size, jb, wb, uninstalled, reps):
    """One course, both tools, `reps` alternating repetitions; emits peer.<size>.* medians and ratios."""
    check = subprocess.run(wb.cmd[:1] + ["check", "--root", wb.folder], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check.returncode != 0:
        sys.exit("bench-peer: the Swift snippets do not print what the Python cells print:\n" + check.stdout[-3000:])
    jb.build("warm-up")
    ours, theirs = wb.outputs(), jb.outputs()
    if ours != theirs or len(ours) != size or any(len(cells) != 5 for cells in ours.values()):
        sys.exit("bench-peer: Jupyter Book's outputs differ from workbook's:\n"
                 + "\n".join(f"{k}: {theirs.get(k)} != {v}" for k, v in ours.items() if theirs.get(k) != v)[:3000])
    emit(f"peer.{size}.identical_outputs", f"{sum(len(c) for c in ours.values())} cells in {len(ours)} chapters")

    figures = {}   # (scenario, tool) → [values]
    stages = []
    for rep in range(reps):
        for tool in ([jb, wb] if rep % 2 == 0 else [wb, jb]):
            first = None
            if tool is wb:
                uninstalled.fresh_clean()
                first = uninstalled.build("first build of an uninstalled tool")
                tool.fresh_clean()
            else:
                tool.clean()
            fresh = tool.build("build with no cache at all")
            warm = tool.build("rebuild, nothing changed")
            path = tool.chapter()
            original = open(path).read()
            open(path, "w").write(edited(original))
            try:
                edit = tool.edit_build("one edit")
            finally:
                open(path, "w").write(original)
            values = [("fresh", fresh["seconds"]), ("warm", warm["seconds"]), ("edit", edit["seconds"]),
                      ("rss_fresh", fresh["tree_mb"]), ("rss_largest", fresh["largest_mb"])]
            if first:
                values += [("first", first["seconds"]), ("rss_first", first["tree_mb"])]
            for scenario, value in values:
                figures.setdefault((scenario, tool.name), []).append(value)
            if tool is wb:
                # The summary line, not the `[i/n] stage` lines printed before it.
                summary = [line for line in fresh["output"].splitlines() if " chapters, " in line and not line.startswith("[")]
                if summary:
                    stages.append(stage_seconds(summary[0]))
            print(f"  {size} chapters, rep {rep + 1} {tool.name}: no cache {fresh['seconds']:.2f} s ({fresh['tree_mb']:.0f} MB)"
                  + (f", uninstalled tool's first book {first['seconds']:.2f} s ({first['tree_mb']:.0f} MB)" if first else "")
                  + f", nothing changed {warm['seconds']:.3f} s, edit {edit['seconds']:.2f} s", flush=True)

    def median(scenario, tool):
        return statistics.median(figures[(scenario, tool)])

    for scenario, label in [("fresh", "cold_no_cache_at_all"), ("warm", "nothing_changed"), ("edit", "one_edit")]:
        theirs, ours = median(scenario, "jupyterbook"), median(scenario, "workbook")
        digits = 3 if scenario == "warm" else 2
        emit(f"peer.{size}.{label}.jupyterbook_s", f"{theirs:.{digits}f}", "s")
        emit(f"peer.{size}.{label}.workbook_s", f"{ours:.{digits}f}", "s")
        emit(f"peer.{size}.{label}.ratio", f"{theirs / ours:.2f}", "(Jupyter Book / workbook: times faster)")
    theirs = median("fresh", "jupyterbook")
    emit(f"peer.{size}.uninstalled_first_book.workbook_s", f"{median('first', 'workbook'):.2f}", "s")
    emit(f"peer.{size}.uninstalled_first_book.ratio", f"{theirs / median('first', 'workbook'):.2f}", "(Jupyter Book's no-cache build / this)")
    for scenario, name in [("rss_fresh", "peak_rss_cold_no_cache_at_all"), ("rss_largest", "peak_rss_largest_process")]:
        theirs, ours = median(scenario, "jupyterbook"), median(scenario, "workbook")
        emit(f"peer.{size}.{name}.jupyterbook_mb", f"{theirs:.0f}", "MB")
        emit(f"peer.{size}.{name}.workbook_mb", f"{ours:.0f}", "MB")
        emit(f"peer.{size}.{name}.ratio", f"{ours / theirs:.2f}", "(workbook / Jupyter Book: times the memory)")
    first_mb = median("rss_first", "workbook")
    emit(f"peer.{size}.peak_rss_uninstalled_first_book.workbook_mb", f"{first_mb:.0f}", "MB")
    emit(f"peer.{size}.peak_rss_uninstalled_first_book.ratio", f"{first_mb / median('rss_fresh', 'jupyterbook'):.2f}",
         "(workbook / Jupyter Book: times the memory)")
    if stages:
        for stage in stages[0]:
            values = [s[stage] for s in stages if stage in s]
            emit(f"peer.{size}.cold.workbook.{stage}_s", f"{statistics.median(values):.2f}", "s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--venv", default=os.path.join(ROOT, ".build", "peer-venv"))
    parser.add_argument("--reps", type=int, default=int(os.environ.get("PEER_REPS", "5")))
    parser.add_argument("--reps-long", type=int, default=int(os.environ.get("PEER_REPS_LONG", "5")),
                        help="repetitions for the 48-chapter course (Jupyter Book takes about a minute per build)")
    parser.add_argument("--sizes", default=os.environ.get("PEER_SIZES", "12,48"))
    args = parser.parse_args()
    args.venv = os.path.abspath(args.venv)
    if not os.access(WORKBOOK, os.X_OK):
        sys.exit(f"bench-peer: {WORKBOOK} is missing; run `swift build -c release` (make bench-peer does)")
    if not os.access(os.path.join(args.venv, "bin", "jupyter-book"), os.X_OK):
        sys.exit(f"bench-peer: no jupyter-book in {args.venv}; make bench-peer installs it")

    scratch = tempfile.mkdtemp(prefix="workbook-bench-peer-")
    # The per-user runtime cache of books without a package, kept apart from the user's own.
    os.environ["WORKBOOK_RUNTIME_CACHE"] = os.path.join(scratch, "runtime-cache")
    try:
        installed = install(scratch)
        emit("peer.machine", machine())
        emit("peer.versions", f"{version([os.path.join(args.venv, 'bin', 'jupyter-book'), '--version'])}; "
                              f"{version(['pandoc', '--version'])}; {version(['swiftc', '--version'])}")
        for size in [int(n) for n in args.sizes.split(",")]:
            course = os.path.join(scratch, f"course-{size}")
            if size == 12:
                shutil.copytree(os.path.join(HERE, "jupyterbook"), os.path.join(course, "jupyterbook"))
                shutil.copytree(os.path.join(HERE, "workbook"), os.path.join(course, "workbook"))
            else:
                subprocess.run([os.path.join(args.venv, "bin", "python"), os.path.join(HERE, "make_course.py"),
                                "--chapters", str(size), "--out", course], check=True, stdout=subprocess.DEVNULL)
            jb = JupyterBook(args.venv, os.path.join(course, "jupyterbook"))
            wb = Workbook(os.path.join(course, "workbook"), installed)
            uninstalled = Workbook(os.path.join(course, "workbook"), WORKBOOK)
            measure_course(size, jb, wb, uninstalled, args.reps if size == 12 else args.reps_long)
        emit("peer.repetitions", f"{args.reps} at 12 chapters, {args.reps_long} at more (medians; tools alternating)")
        os.makedirs(os.path.join(ROOT, ".build"), exist_ok=True)
        open(os.path.join(ROOT, ".build", "bench-peer-latest.txt"), "w").write("\n".join(lines) + "\n")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        cwd = sys.argv[sys.argv.index("--cwd") + 1]
        measure(sys.argv[sys.argv.index("--") + 1:], cwd)
    else:
        main()
