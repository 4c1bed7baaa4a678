#!/usr/bin/env python3
"""Writes the peer course twice: 12 chapters as MyST notebooks with numpy cells for Jupyter Book 1 (jupyterbook/)
and as workbook Markdown with Swift snippets (workbook/, a book folder without Package.swift: its runtime is the
helpers only). Each chapter: a paragraph of prose with inline and display math, then 5 small numeric cells (a
frequency table, an angle matrix, a rotation with a norm and a relative-position check, a decay table with a bar
of #, a wavelength table by scale).

The workbook chapters' output regions are what the Python cells print (run here, with numpy); `workbook check`
on workbook/ then holds the Swift snippets to printing the identical text (bench_peer.py checks both before timing).
The generated files are committed; run this again only after changing it:  python3 Benchmarks/peer/make_course.py
`--chapters N --out DIR` writes a longer course (topics repeat) into DIR/jupyterbook and DIR/workbook instead:
bench_peer.py measures 48 chapters that way.
"""
import argparse
import contextlib
import io
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
JB = os.path.join(HERE, "jupyterbook")
WB = os.path.join(HERE, "workbook")
CHAPTERS = 12
TOPICS = ["frequencies", "angles", "rotations", "norms", "offsets", "decay", "wavelengths", "scales",
          "bases", "pairs", "positions", "context"]


def params(k):
    """Chapter k's numbers (the edit benchmark changes `base` in chapter 7)."""
    return {"d": [8, 12, 16][k % 3], "base": 10000.0 * (1 + k % 4), "m": k + 2, "positions": 3 + k % 3}


def cells(k):
    """[(id, python source, swift source)] for chapter k."""
    p = params(k)
    d, base, m, positions = p["d"], p["base"], p["m"], p["positions"]
    return [
        ("frequencies", f"""import numpy as np
d = {d}
base = {base!r}
theta = base ** (-2.0 * np.arange(d // 2) / d)
print("  i      theta_i       period")
for i in range(d // 2):
    print("%3d %12.6f %12.2f" % (i, theta[i], 2.0 * np.pi / theta[i]))""", f"""let d = {d}
let base = {base!r}
var theta: [Double] = []
for i in 0..<(d / 2) {{
    theta.append(pow(base, -2.0 * Double(i) / Double(d)))
}}
print("  i      theta_i       period")
for i in 0..<(d / 2) {{
    print(String(format: "%3ld %12.6f %12.2f", i, theta[i], 2.0 * Double.pi / theta[i]))
}}"""),
        ("angles", f"""positions = {positions}
print("pos  angle m*theta_i for i = 0 ..", d // 2 - 1)
for m in range(positions):
    row = "%3d " % m
    for i in range(d // 2):
        row += "%8.3f" % (m * theta[i])
    print(row)""", f"""let positions = {positions}
print("pos  angle m*theta_i for i = 0 .. \\(d / 2 - 1)")
for m in 0..<positions {{
    var row = String(format: "%3ld ", m)
    for i in 0..<(d / 2) {{
        row += String(format: "%8.3f", Double(m) * theta[i])
    }}
    print(row)
}}"""),
        ("rotation", f"""def rotate(x, m):
    y = x.copy()
    c = np.cos(m * theta)
    s = np.sin(m * theta)
    y[0::2] = x[0::2] * c - x[1::2] * s
    y[1::2] = x[0::2] * s + x[1::2] * c
    return y

def total(values):
    return sum(float(v) for v in values)

q = np.sin(np.arange(d) + 1.0)
key = np.cos(np.arange(d) * 0.5)
rotated = rotate(q, {m})
print("norm before %.6f, after %.6f" % (total(q * q) ** 0.5, total(rotated * rotated) ** 0.5))
s1 = total(rotate(q, 3) * rotate(key, 1))
s2 = total(rotate(q, 10) * rotate(key, 8))
print("score(3, 1) = %.6f, score(10, 8) = %.6f" % (s1, s2))
print("same offset, same score:", "yes" if abs(s1 - s2) < 1e-9 else "no")""", f"""func rotate(_ x: [Double], _ m: Int) -> [Double] {{
    var y = x
    for i in 0..<(d / 2) {{
        let c = cos(Double(m) * theta[i])
        let s = sin(Double(m) * theta[i])
        y[2 * i] = x[2 * i] * c - x[2 * i + 1] * s
        y[2 * i + 1] = x[2 * i] * s + x[2 * i + 1] * c
    }}
    return y
}}

func total(_ a: [Double], _ b: [Double]) -> Double {{
    var sum = 0.0
    for j in 0..<a.count {{
        sum += a[j] * b[j]
    }}
    return sum
}}

var q: [Double] = []
var key: [Double] = []
for j in 0..<d {{
    q.append(sin(Double(j) + 1.0))
    key.append(cos(Double(j) * 0.5))
}}
let rotated = rotate(q, {m})
print(String(format: "norm before %.6f, after %.6f", total(q, q).squareRoot(), total(rotated, rotated).squareRoot()))
let s1 = total(rotate(q, 3), rotate(key, 1))
let s2 = total(rotate(q, 10), rotate(key, 8))
print(String(format: "score(3, 1) = %.6f, score(10, 8) = %.6f", s1, s2))
print("same offset, same score: " + (abs(s1 - s2) < 1e-9 ? "yes" : "no"))"""),
        ("decay", """print("dist  mean cos")
for dist in [0, 1, 2, 4, 8, 16, 32, 64, 128]:
    v = total(np.cos(dist * theta)) / len(theta)
    print("%4d %9.4f " % (dist, v) + "#" * int((v + 1.0) * 10.0))""", """print("dist  mean cos")
for dist in [0, 1, 2, 4, 8, 16, 32, 64, 128] {
    var sum = 0.0
    for i in 0..<theta.count {
        sum += cos(Double(dist) * theta[i])
    }
    let v = sum / Double(theta.count)
    print(String(format: "%4ld %9.4f ", dist, v) + String(repeating: "#", count: Int((v + 1.0) * 10.0)))
}"""),
        ("wavelengths", """print("scale  longest wavelength (tokens)")
for scale in [1, 2, 4, 8, 16]:
    print("%4dx %14.1f" % (scale, 2.0 * np.pi / theta[-1] * scale))""", """print("scale  longest wavelength (tokens)")
for scale in [1, 2, 4, 8, 16] {
    print(String(format: "%4ldx %14.1f", scale, 2.0 * Double.pi / theta[d / 2 - 1] * Double(scale)))
}"""),
    ]


def title(k):
    return f"Chapter {k}: {topic(k)}"


def prose(k):
    p = params(k)
    return (f"Rotary position embedding turns position $m$ into a rotation of each pair of coordinates by the angle "
            f"$m\\theta_i$, where $\\theta_i = b^{{-2i/d}}$ with base $b = {p['base']:g}$ and dimension $d = {p['d']}$. "
            f"A rotation keeps the norm, and the score of a query at $m$ against a key at $n$ depends on $m - n$ only:\n\n"
            f"$$\\langle R(m\\theta) q, R(n\\theta) k \\rangle = \\langle q, R((n - m)\\theta) k \\rangle$$\n\n"
            f"This chapter prints the frequencies, the angles of the first {p['positions']} positions, a rotation by "
            f"$m = {p['m']}$, the mean of $\\cos(\\Delta\\theta_i)$ as the distance $\\Delta$ grows, and how far the "
            f"longest wavelength reaches when positions are scaled.")


def run_python(k):
    """What each cell prints, run the way a kernel runs them (one namespace, in order)."""
    namespace = {}
    outputs = []
    for _, python, _ in cells(k):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(python, namespace)
        outputs.append(buffer.getvalue())
    return outputs


def topic(k):
    return TOPICS[(k - 1) % len(TOPICS)]


def chapter_name(k):
    return f"{k:02d}-{topic(k)}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chapters", type=int, default=CHAPTERS)
    parser.add_argument("--out", help="write DIR/jupyterbook and DIR/workbook instead of the committed course")
    args = parser.parse_args()
    write(args.chapters, os.path.join(args.out, "jupyterbook") if args.out else JB, os.path.join(args.out, "workbook") if args.out else WB)


def write(chapters, JB, WB):
    for folder in (JB, WB):
        shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(JB, "chapters"))
    os.makedirs(os.path.join(WB, "Chapters"))
    count = "Twelve" if chapters == 12 else str(chapters)
    intro = f"# The peer course\n\n{count} short chapters on rotary position embeddings, each with five numeric cells.\n"
    open(os.path.join(JB, "_config.yml"), "w").write(
        "# Jupyter Book 1 configuration of the peer course (Benchmarks/peer/make_course.py writes it).\n"
        "title: The peer course\nauthor: workbook benchmarks\nonly_build_toc_files: true\n"
        "execute:\n  execute_notebooks: cache\n  timeout: 120\n"
        "parse:\n  myst_enable_extensions:\n    - dollarmath\n"
        "sphinx:\n  config:\n    html_show_copyright: false\n")
    open(os.path.join(JB, "_toc.yml"), "w").write(
        "format: jb-book\nroot: intro\nchapters:\n" + "".join(f"- file: chapters/{chapter_name(k)}\n" for k in range(1, chapters + 1)))
    open(os.path.join(JB, "intro.md"), "w").write(intro)
    open(os.path.join(WB, "book.toml"), "w").write(
        "# The peer course as a workbook book (Benchmarks/peer/make_course.py writes it). No Package.swift: the\n"
        "# snippet runtime is the helpers only.\n[book]\nlanguage = \"en\"\nchapters = \"Chapters\"\noutput = \"site/out\"\n\n"
        "[snippets]\ntimeout = 120\n")
    open(os.path.join(WB, "Chapters", "index.md"), "w").write(intro)
    front = ("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
             "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n")
    for k in range(1, chapters + 1):
        outputs = run_python(k)
        notebook = front + f"# {title(k)}\n\n{prose(k)}\n"
        chapter = f"# {title(k)}\n\n{prose(k)}\n"
        for (ident, python, swift), output in zip(cells(k), outputs):
            notebook += f"\n```{{code-cell}} ipython3\n{python}\n```\n"
            chapter += f"\n```swift {{#{ident}}}\n{swift}\n```\n<!-- output: {ident} -->\n```text\n{output.rstrip(chr(10))}\n```\n<!-- end output -->\n"
        open(os.path.join(JB, "chapters", chapter_name(k) + ".md"), "w").write(notebook)
        open(os.path.join(WB, "Chapters", chapter_name(k) + ".md"), "w").write(chapter)
    print(f"wrote {chapters} chapters to {JB} and {WB}")


if __name__ == "__main__":
    main()
