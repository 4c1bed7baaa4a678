#!/usr/bin/env python3
"""make bench: the course build and the bulk RoPE kernel, each against a baseline measured in the same run.

Prints one line per figure, `bench: NAME VALUE UNIT`, then a summary line, and writes them all to
.build/bench-latest.txt (`make bench-record` copies that to Benchmarks/results.txt, which chapter 14 reads).

Run from the repository root after `swift build -c release` (the Makefile does both).
`bench.py --lab` runs only the lab's figures (after `swift build -c release --product lab-bench`), and writes nothing.
"""
import glob
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, ".build", "release")
WORKBOOK = os.path.join(RELEASE, "workbook")
# The chapter the edit benchmarks change: found by its name, whatever number it has in the course's order.
EDITED_CHAPTER = next(os.path.basename(f)[:-3] for f in sorted(glob.glob(os.path.join(ROOT, "Chapters", "*-long-range-decay.md"))))
lines = []


def emit(name, value, unit=""):
    line = f"bench: {name} {value} {unit}".rstrip()
    lines.append(line)
    print(line, flush=True)


def timed(cmd, cwd=None):
    """Runs cmd; returns (seconds, peak RSS of it and its children in MB, stdout). Fails loudly."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    # wait4's rusage covers the child and every descendant it waited for; ru_maxrss is in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        sys.exit(f"bench: command failed ({proc.returncode}): {' '.join(cmd)}\n{out}\n{err}")
    return seconds, peak, out


def stages(summary):
    """'parse 0.01s, compile 2.1s, …' from workbook's summary line → {stage: seconds}."""
    pairs = re.findall(r"([a-z+ ]+?) (\d+\.\d+)s", summary.split(";")[-1])
    return {name.strip().replace(" ", "_").replace("+", "_"): float(value) for name, value in pairs}


def book_copy():
    """A private copy of the package and its book (no build products), so the user's cache and site are untouched."""
    root = tempfile.mkdtemp(prefix="rope-bench-book-")
    ignore = shutil.ignore_patterns(".build", ".build-*", ".workbook-cache", "out", ".git", "screenshots", "__pycache__")
    for name in os.listdir(ROOT):
        source = os.path.join(ROOT, name)
        if name in (".git", ".build", ".workbook-cache", "screenshots") or name.startswith(".build"):
            continue
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(root, name), ignore=ignore)
        else:
            shutil.copy(source, root)
    return root


def runtime_dir(root):
    return os.path.join(root, ".workbook-cache", "runtime", ".build", "release")


def init_benchmark():
    """`workbook init` in a fresh package of its own: describe, write the book, build the runtime (release), build."""
    root = tempfile.mkdtemp(prefix="workbook-bench-init-")
    try:
        os.makedirs(os.path.join(root, "Sources", "Geometry"))
        open(os.path.join(root, "Package.swift"), "w").write(
            "// swift-tools-version:6.0\nimport PackageDescription\nlet package = Package(name: \"Geometry\",\n"
            "    products: [.library(name: \"Geometry\", targets: [\"Geometry\"])], targets: [.target(name: \"Geometry\")])\n")
        open(os.path.join(root, "Sources", "Geometry", "Geometry.swift"), "w").write(
            "public func rightAngle() -> Double { 90 }\n")
        seconds, _, _ = timed([WORKBOOK, "init"], cwd=root)
        emit("init.first_build_s", f"{seconds:.2f}", "s")
        return seconds
    finally:
        shutil.rmtree(root, ignore_errors=True)


def build_benchmarks():
    root = book_copy()
    build = [WORKBOOK, "build", "--root", root]
    try:
        # The snippet runtime (the package's libraries, release) is built once and kept, as it is for an author;
        # "cold" is then a build with no chapter or page cache.
        runtime, _, _ = timed([WORKBOOK, "check", "--root", root])
        emit("build.runtime_first_s", f"{runtime:.2f}", "s")
        for cache in ["runs", "pages", "build"]:
            shutil.rmtree(os.path.join(root, ".workbook-cache", cache), ignore_errors=True)
        cold, rss_cold, out = timed(build)
        emit("build.cold_s", f"{cold:.2f}", "s")
        for stage, seconds in stages(out.strip().splitlines()[0]).items():
            emit(f"build.cold.{stage}_s", f"{seconds:.2f}", "s")
        warm, rss_warm, out = timed(build)
        emit("build.warm_s", f"{warm:.3f}", "s")
        # One snippet edited (a comment added inside its code): only that chapter recompiles and re-renders. The
        # Chinese edition repeats the chapter's snippets, so the same edit goes into its translation too.
        path = os.path.join(root, "Chapters", EDITED_CHAPTER + ".md")
        paths = [path] + glob.glob(os.path.join(root, "Chapters", "*", EDITED_CHAPTER + ".md"))
        originals = {p: open(p).read() for p in paths}
        original = originals[path]
        for p, text in originals.items():
            open(p, "w").write(text.replace("var bounds = Table(", "// edited by the benchmark\nvar bounds = Table(", 1))
        try:
            edit, rss_edit, out = timed(build)
        finally:
            for p, text in originals.items():
                open(p, "w").write(text)
        emit("build.one_edit_s", f"{edit:.2f}", "s")
        summary = out.strip().splitlines()[0]
        emit("build.one_edit.compiled_chapters", re.search(r"(\d+) compiled", summary).group(1))
        emit("build.one_edit.pages_rendered", re.search(r"(\d+) pages rendered", summary).group(1))
        emit("build.peak_rss_mb", f"{max(rss_cold, rss_warm, rss_edit):.0f}", "MB")

        # Baseline: the same chapter the naive way, one `swift` process per snippet. Snippets share state, so
        # snippet k's program is snippets 0…k; our way compiles and runs the chapter once (forced, no cache).
        ours, _, _ = timed([WORKBOOK, "check", EDITED_CHAPTER, "--force", "--root", root])
        snippets = re.findall(r"```swift[^\n]*\n(.*?)\n```", original, re.S)
        naive = 0.0
        with tempfile.TemporaryDirectory() as scratch:
            for k in range(len(snippets)):
                source = os.path.join(scratch, f"snippet{k}.swift")
                open(source, "w").write("import Foundation\nimport RoPE\nimport WorkbookHelpers\n" + "\n".join(snippets[: k + 1]) + "\n")
                runtime = runtime_dir(root)
                seconds, _, _ = timed(["swift", "-I", os.path.join(runtime, "Modules"), "-L", runtime, "-lWorkbookRuntime", source], cwd=root)
                naive += seconds
        emit("build.chapter_ours_s", f"{ours:.2f}", "s")
        emit("build.chapter_naive_s", f"{naive:.2f}", "s")
        emit("build.naive_over_ours", f"{naive / ours:.2f}")
        prose, snippet = serve_benchmarks(root)
        return cold, warm, edit, max(rss_cold, rss_warm, rss_edit), naive / ours, prose, snippet
    finally:
        shutil.rmtree(root, ignore_errors=True)


def serve_benchmarks(root):
    """`workbook serve` on the book copy (runtime and caches warm, as for an author): a prose edit until the served
    page has it, then a snippet edit until the page shows the snippet's new output (marked not yet recorded)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([WORKBOOK, "serve", "--root", root, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    path = os.path.join(root, "Chapters", EDITED_CHAPTER + ".md")
    original = open(path).read()
    page = f"http://127.0.0.1:{port}/{EDITED_CHAPTER}.html"

    def seconds_until(text, since, timeout=60):
        while time.perf_counter() - since < timeout:
            with urllib.request.urlopen(page) as response:
                if text in response.read().decode():
                    return time.perf_counter() - since
            time.sleep(0.01)
        sys.exit(f"bench: workbook serve never showed {text!r} within {timeout} s")

    try:
        if not server.stdout.readline().startswith("serving"):
            sys.exit("bench: workbook serve did not start")
        time.sleep(1)    # let the watcher take its first look
        start = time.perf_counter()
        open(path, "w").write(original + "\nA paragraph added by the serve benchmark.\n")
        prose = seconds_until("A paragraph added by the serve benchmark.", start)
        emit("serve.prose_reload_s", f"{prose:.2f}", "s")
        time.sleep(1)
        # The page shows the snippet's source too, so the output is computed: only a run prints "serve bench 42".
        start = time.perf_counter()
        open(path, "w").write(original.replace("var bounds = Table(", 'print("serve bench \\(6 * 7)")\nvar bounds = Table(', 1))
        snippet = seconds_until("serve bench 42", start)
        emit("serve.snippet_reload_s", f"{snippet:.2f}", "s")
        return prose, snippet
    finally:
        open(path, "w").write(original)
        server.terminate()
        server.wait(timeout=30)


def kernel_benchmarks():
    _, _, out = timed([os.path.join(RELEASE, "rope-bench")])
    figures = {}
    for line in out.strip().splitlines():
        lines.append(line)
        print(line, flush=True)
        name, value = line.split()[1:3]
        figures[name] = float(value)
    _, _, out = timed([sys.executable, os.path.join(ROOT, "Benchmarks", "numpy_rope.py")])
    for line in out.strip().splitlines():
        _, layout, seconds = line.split()
        emit(f"apply.{layout}.numpy_seconds", seconds, "s")
        ratio = float(seconds) / figures[f"apply.{layout}.seconds"]
        figures[f"apply.{layout}.over_numpy"] = ratio
        emit(f"apply.{layout}.over_numpy", f"{ratio:.2f}")
    return figures


def lab_benchmarks():
    """The lab (chapter 17-the-lab): one training step of its model, Swift against NumPy (both one core, CPU time,
    best of 3, after checking that NumPy computes Swift's loss and gradient), and the whole lab's wall time."""
    bench = os.path.join(RELEASE, "lab-bench")
    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        dump = os.path.join(scratch, "lab-step.json")
        timed([bench, "dump", dump])
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        proc = subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "numpy_lab.py"), dump, "10"],
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            sys.exit(f"bench: numpy_lab.py failed\n{proc.stdout}\n{proc.stderr}")
        numpy_step = float(re.search(r"numpy_step_s (\S+)", proc.stdout).group(1))
        emit("lab.numpy_gradient_rel_error", re.search(r"gradient_rel_error (\S+)", proc.stdout).group(1))
    _, _, out = timed([bench, "speed", "20"])
    for line in out.strip().splitlines():
        lines.append(line)
        print(line, flush=True)
        name, value = line.split()[1:3]
        figures[name] = float(value)
    tokens = figures["lab.tokens_per_s"] * figures["lab.swift_step_s"]
    emit("lab.numpy_step_s", f"{numpy_step:.5f}", "s")
    emit("lab.numpy_tokens_per_s", f"{tokens / numpy_step:.0f}", "tokens/s")
    figures["lab.over_numpy"] = numpy_step / figures["lab.swift_step_s"]
    emit("lab.over_numpy", f"{figures['lab.over_numpy']:.2f}")
    _, _, out = timed([bench, "lab"])
    for line in out.strip().splitlines():
        lines.append(line)
        print(line, flush=True)
        name, value = line.split()[1:3]
        figures[name] = value if name == "lab.results_digest" else float(value)
    return figures


def main():
    lab_only = sys.argv[1:] == ["--lab"]
    if not lab_only and not os.path.exists(WORKBOOK):
        sys.exit("bench: build first: swift build -c release (make bench does)")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
    emit("machine.cpu", f'"{cpu}"')
    emit("machine.cores", str(os.cpu_count()))
    if lab_only:
        emit("machine.load", f"{os.getloadavg()[0]:.1f} (1-minute load average at the start of the lab figures)")
        lab_benchmarks()
        return
    cold, warm, edit, rss, naive_ratio, prose, snippet = build_benchmarks()
    first_init = init_benchmark()
    k = kernel_benchmarks()
    lab = lab_benchmarks()
    targets = [("warm ≤ 0.5 s", warm <= 0.5), ("one edit ≤ 1.5 s", edit <= 1.5), ("cold ≤ 10 s", cold <= 10),
               ("RSS ≤ 500 MB", rss <= 500), ("init first build ≤ 60 s", first_init <= 60),
               ("serve prose reload ≤ 1 s", prose <= 1), ("serve snippet reload ≤ 2 s", snippet <= 2),
               ("apply ≥ 50 % memcpy", min(k["apply.half.memcpy_fraction"], k["apply.interleaved.memcpy_fraction"]) >= 0.5),
               ("apply ≥ 3× numpy", min(k["apply.half.over_numpy"], k["apply.interleaved.over_numpy"]) >= 3),
               ("lab ≤ 60 s", lab["lab.train_s"] <= 60), ("lab training ≥ 3× numpy", lab["lab.over_numpy"] >= 3)]
    met = sum(ok for _, ok in targets)
    summary = (f"summary: cold {cold:.2f} s, warm {warm:.3f} s, one edit {edit:.2f} s, peak RSS {rss:.0f} MB, "
               f"init first build {first_init:.1f} s, serve reload prose {prose:.2f} s snippet {snippet:.2f} s, "
               f"naive/ours {naive_ratio:.1f}x; apply half {k['apply.half.memcpy_fraction']:.2f}x memcpy "
               f"{k['apply.half.over_numpy']:.1f}x numpy, interleaved {k['apply.interleaved.memcpy_fraction']:.2f}x memcpy "
               f"{k['apply.interleaved.over_numpy']:.1f}x numpy; lab {lab['lab.train_s']:.1f} s wall "
               f"({lab['lab.cpu_s']:.1f} s CPU), training {lab['lab.tokens_per_s']:.0f} tokens/s = "
               f"{lab['lab.over_numpy']:.2f}x numpy; targets met {met}/{len(targets)}"
               + "".join(f"; missed: {name}" for name, ok in targets if not ok))
    lines.append(summary)
    print(summary)
    os.makedirs(os.path.join(ROOT, ".build"), exist_ok=True)
    with open(os.path.join(ROOT, ".build", "bench-latest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
