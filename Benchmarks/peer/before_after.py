#!/usr/bin/env python3
"""What the cold-build changes of issue 14 bought, in one run: the peer course's workbook book built cold the
old way and the new way, alternating (PEER_REPS, default 3), medians. The old way is the same release binary with
  WORKBOOK_SWIFTC_DRIVER=1    one `swiftc` driver per chapter (resident while its frontend runs), not the planned jobs
(one pandoc process per page, the other half of the old way, is gone since issue 11: pages are always batched)
and the compiler's module cache removed before each cold build (it used to live in .workbook-cache/build, which a
cold build removes). Pages are written without fsync either way.

Usage: python3 Benchmarks/peer/before_after.py   (after swift build -c release)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORKBOOK = os.path.join(ROOT, ".build", "release", "workbook")


def measure(cmd, cwd, env):
    child = subprocess.run([sys.executable, os.path.join(HERE, "bench_peer.py"), "--measure", "--cwd", cwd, "--"] + cmd,
                           stdout=subprocess.PIPE, text=True, check=True, env=env)
    result = json.loads(child.stdout)
    if result["status"] != 0:
        sys.exit(f"before_after: build failed:\n{result['output']}")
    return result


def main():
    reps = int(os.environ.get("PEER_REPS", "3"))
    scratch = tempfile.mkdtemp(prefix="workbook-before-after-")
    try:
        book = os.path.join(scratch, "workbook")
        shutil.copytree(os.path.join(HERE, "workbook"), book)
        subprocess.run([WORKBOOK, "check", "--root", book], check=True, stdout=subprocess.DEVNULL)
        module_cache = os.path.join(book, ".workbook-cache", "runtime", ".build", "release", "chapter-module-cache")
        figures = {}
        for rep in range(reps):
            for way in (["before", "after"] if rep % 2 == 0 else ["after", "before"]):
                for cache in ["runs", "pages", "build"]:
                    shutil.rmtree(os.path.join(book, ".workbook-cache", cache), ignore_errors=True)
                shutil.rmtree(os.path.join(book, "site"), ignore_errors=True)
                env = dict(os.environ)
                if way == "before":
                    shutil.rmtree(module_cache, ignore_errors=True)
                    env["WORKBOOK_SWIFTC_DRIVER"] = "1"
                result = measure([WORKBOOK, "build", "--root", book], book, env)
                figures.setdefault((way, "s"), []).append(result["seconds"])
                figures.setdefault((way, "mb"), []).append(result["tree_mb"])
                print(f"  rep {rep + 1} {way}: {result['seconds']:.2f} s, tree peak {result['tree_mb']:.0f} MB", flush=True)
        for unit, label in [("s", "cold_s"), ("mb", "peak_rss_mb")]:
            before, after = statistics.median(figures[("before", unit)]), statistics.median(figures[("after", unit)])
            print(f"bench: peer.workbook_before_after.{label} before {before:.2f} after {after:.2f} (after/before {after / before:.2f})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
