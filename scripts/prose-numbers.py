#!/usr/bin/env python3
"""How many numbers in the course's prose that quote a computed output are verified (issue 22's measure).

Numbers in links that say a chapter's number count as verified too (`check` holds them to the chapter's place).
A number in prose "quotes an output" when the same text appears in one of the chapter's recorded output regions
(tables, text, charts) or in an inline value of the chapter, and not in its snippets' code (there it is an input or
a setting: d = 128, base 10000); it is "verified" when it is an inline value's text, which `workbook check`
compares with a fresh computation. Numbers under 10 without a decimal point are left out (they match any output by
chance), and so are numbers in code, math, links and comments.

    scripts/prose-numbers.py                  # per chapter and edition: quoting numbers, verified, the rest listed
    scripts/prose-numbers.py --perturb N      # also change N numbers at random, one at a time, and run
                                              # `workbook check` on each: a verified one must fail, as claimed
                                              # (WORKBOOK names the tool; default .build/debug/workbook)
"""
import os, pathlib, random, re, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VALUE = re.compile(r"<!--=(.*?)-->(.*?)<!--/-->")
# A link that says a chapter's number ([chapter 15](15-x.md), [第 15 章](…), [15](15-x.md)): check holds the number.
CHAPTER_LINK = re.compile(r"\[(?:[Cc]hapters? |第 ?)?(\d+)(?: ?章)?\]\([^)#\s:/]+\.md(?:#[^)\s]*)?\)")
NUMBER = re.compile(r"(?<![\w.])[−-]?\d+(?:[.,]\d+)*(?![\w])")


def prose_lines(text):
    """(line number, line) of the prose: no fenced code, no output regions, no comment-only lines."""
    fence = None
    region = False
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" >-*0123456789.").strip()
        if region:
            region = not stripped.startswith("<!-- end output")
            continue
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            fence = stripped[:3]
            continue
        if stripped.startswith("<!-- output:"):
            region = True
            continue
        if stripped.startswith("<!--") and not stripped.startswith("<!--="):
            continue
        yield number, line


def outputs_of(text):
    """The text of every output region and every inline value: what the chapter computed."""
    found, inside = [], False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("<!-- output:"):
            inside = True
        elif stripped.startswith("<!-- end output"):
            inside = False
        elif inside:
            found.append(line)
    found += [m.group(2) for m in VALUE.finditer(text)]
    return "\n".join(found)


def code_of(text):
    """The text of every fenced code block: the snippets' inputs and settings."""
    found, fence = [], None
    for line in text.split("\n"):
        stripped = line.lstrip(" >-*0123456789.").strip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            else:
                found.append(line)
        elif stripped.startswith("```swift"):
            fence = "```"
    return "\n".join(found)


def strip_unverifiable(line):
    """The line with math, code spans, link targets and HTML removed (each replaced by spaces, to keep columns)."""
    blank = lambda m: " " * len(m.group(0))
    line = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", blank, line)
    line = re.sub(r"`[^`]*`", blank, line)
    line = re.sub(r"\]\([^)]*\)", blank, line)
    line = re.sub(r"https?://\S+", blank, line)
    line = re.sub(r"<[^>]*>", blank, line)
    return line


def numbers(path):
    """Every quoting number of one chapter file: (line, column, text, verified)."""
    text = path.read_text(encoding="utf-8")
    computed = outputs_of(text)
    code = code_of(text)
    result = []
    for number, line in prose_lines(text):
        verified_spans = [(m.start(2), m.end(2)) for m in VALUE.finditer(line)] + [(m.start(1), m.end(1)) for m in CHAPTER_LINK.finditer(line)]
        # Values first: their texts are verified whatever they look like.
        masked = VALUE.sub(lambda m: "<" + "x" * (len(m.group(0)) - 2) + ">", line)
        masked = CHAPTER_LINK.sub(lambda m: "<" + "x" * (len(m.group(0)) - 2) + ">", masked)
        for span in verified_spans:
            for m in NUMBER.finditer(line[span[0]:span[1]]):
                result.append((number, span[0] + m.start() + 1, m.group(0), True))
        for m in NUMBER.finditer(strip_unverifiable(masked)):
            digits = m.group(0).lstrip("−-")
            if "." not in digits and "," not in digits and len(digits) < 2:
                continue
            appears = lambda where: re.search(r"(?<![\w.])" + re.escape(digits) + r"(?![\w])", where)
            if appears(computed) and not appears(code):
                result.append((number, m.start() + 1, m.group(0), False))
    return result


def chapter_files():
    for path in sorted((ROOT / "Chapters").glob("[0-9]*.md")):
        yield path
        translated = ROOT / "Chapters" / "zh-Hans" / path.name
        if translated.exists():
            yield translated


def perturb(path, line, column, text):
    """Changes one number in place, runs `workbook check` on its chapter, restores the file; True if check failed."""
    original = path.read_text(encoding="utf-8")
    lines = original.split("\n")
    current = lines[line - 1]
    last = text[-1]
    changed = text[:-1] + ("1" if last != "1" else "2")
    lines[line - 1] = current[:column - 1] + changed + current[column - 1 + len(text):]
    try:
        path.write_text("\n".join(lines), encoding="utf-8")
        tool = os.environ.get("WORKBOOK", str(ROOT / ".build/debug/workbook"))
        run = subprocess.run([tool, "check", path.stem], cwd=ROOT,
                             capture_output=True, text=True)
        return run.returncode != 0
    finally:
        path.write_text(original, encoding="utf-8")


def main():
    totals = {"en": [0, 0], "zh-Hans": [0, 0]}
    every = []
    for path in chapter_files():
        edition = "zh-Hans" if path.parent.name == "zh-Hans" else "en"
        found = numbers(path)
        verified = sum(1 for f in found if f[3])
        totals[edition][0] += len(found)
        totals[edition][1] += verified
        rest = [f"{l}:{c} {t}" for l, c, t, v in found if not v]
        if found:
            print(f"{path.relative_to(ROOT)}: {verified}/{len(found)} verified" + (f"; not: {', '.join(rest)}" if rest else ""))
        every += [(path, *f) for f in found]
    for edition, (count, verified) in totals.items():
        print(f"{edition}: {verified} of {count} quoting numbers are inline values ({100 * verified / max(count, 1):.1f} %)")
    if "--perturb" in sys.argv:
        sample = random.Random(22).sample(every, min(int(sys.argv[sys.argv.index("--perturb") + 1]), len(every)))
        agree = 0
        for path, line, column, text, verified in sample:
            failed = perturb(path, line, column, text)
            agree += failed == verified
            print(f"perturbed {path.relative_to(ROOT)}:{line}:{column} '{text}': check {'failed' if failed else 'passed'}"
                  + ("" if failed == verified else "  <- not as classified"))
        print(f"perturbation: {agree} of {len(sample)} as classified")


if __name__ == "__main__":
    main()
