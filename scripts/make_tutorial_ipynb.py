"""Makes scripts/tutorial.ipynb from scripts/tutorial.lrps, so the two never drift apart.

Comment blocks become Markdown cells and runs of statements on consecutive lines become code
cells, as in lrps's own notebook export. A Jupyter kernel runs in the notebook's folder, so the
paths of the script (relative to the repository root) gain a `../`.

    python3 scripts/make_tutorial_ipynb.py            # write scripts/tutorial.ipynb (no outputs)
    python3 scripts/make_tutorial_ipynb.py --check    # exit 1 if the committed notebook's cells differ

To commit it with outputs, execute it with the lrps kernel afterwards:
    jupyter nbconvert --to notebook --execute --inplace scripts/tutorial.ipynb
Needs only the standard library.
"""
import json
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
script = os.path.join(here, "tutorial.lrps")
notebook = os.path.join(here, "tutorial.ipynb")

INTRO = ("*Run with the lrps Jupyter kernel (`lrps kernel install --user`). This notebook is made from "
         "`scripts/tutorial.lrps` by `scripts/make_tutorial_ipynb.py`; paths are relative to this folder.*")


def blocks(lines):
    """(kind, lines) pairs: 'markdown' for comment blocks, 'code' for statement runs."""
    result, kind, current = [], None, []

    def close():
        nonlocal current, kind
        if current:
            result.append((kind, current))
        current, kind = [], None

    for line in lines:
        stripped = line.strip()
        if not stripped:
            close()
            continue
        this = "markdown" if stripped.startswith("#") else "code"
        if this != kind:
            close()
            kind = this
        current.append(line)
    close()
    return result


def markdown(lines):
    text = []
    for line in lines:
        body = line.strip()[1:]
        text.append(body[1:] if body.startswith(" ") else body)
    return "\n".join(text)


def relocate(code):
    """"data/...", "models/...", "out/..." -> "../data/..." etc."""
    return re.sub(r'"((?:data|models|out)/)', r'"../\1', code)


def source_lines(text):
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + [parts[-1]]


def cells():
    with open(script, encoding="utf-8") as f:
        lines = f.read().split("\n")
    made = [{"cell_type": "markdown", "id": "intro", "metadata": {}, "source": source_lines(INTRO)}]
    for i, (kind, block) in enumerate(blocks(lines)):
        if kind == "markdown":
            made.append({"cell_type": "markdown", "id": f"md-{i}", "metadata": {},
                         "source": source_lines(markdown(block))})
        else:
            made.append({"cell_type": "code", "id": f"code-{i}", "metadata": {}, "execution_count": None,
                         "outputs": [], "source": source_lines(relocate("\n".join(block)))})
    return made


def strip(cell):
    return {k: cell[k] for k in ("cell_type", "id", "source")}


def main():
    made = cells()
    if "--check" in sys.argv:
        with open(notebook, encoding="utf-8") as f:
            committed = json.load(f)
        if [strip(c) for c in committed["cells"]] != [strip(c) for c in made]:
            print(f"{notebook} differs from {script}: run python3 scripts/make_tutorial_ipynb.py", file=sys.stderr)
            sys.exit(1)
        print("tutorial.ipynb matches tutorial.lrps")
        return
    document = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "lrps", "display_name": "lrps", "language": "lrps"},
                     "language_info": {"name": "lrps", "file_extension": ".lrps", "mimetype": "text/x-lrps"}},
        "cells": made,
    }
    with open(notebook, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {notebook}")


main()
