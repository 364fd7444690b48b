#!/usr/bin/env python3
"""Extracts the code blocks of the documentation into compilable projects and runnable shell flows.

Every ```csharp block of a covered document must carry a marker: an HTML comment on the nearest non-blank line above
its fence, invisible when the Markdown is rendered.

    <!-- doc-test: readme/Udf/Program.cs -->                    the block is that whole file (several paths: the same
                                                                file in several projects)
    <!-- doc-test: fragment test-method writing/Tests/Restart.cs -->
                                                                the block is put into skeletons/test-method.cs at its
                                                                /*BLOCK*/ line, and that is the file

Paths are relative to .ci/doc-tests/projects/, whose folders hold the real projects (.csproj) the files go into.
In a document that has a shell flow (FLOW_DOCS), every ```bash/```sh block must carry one too:

    <!-- doc-test: run -->                                      run, in document order, in one shell per document
    <!-- doc-test: skip: why it cannot run here -->             not run; listed with its reason

An unmarked C# block, an unmarked shell block of a flow document, a C#-looking block fenced without a language, a
marker above no block, two blocks for one file and a project no block writes to are all errors (exit 1).

Usage: extract.py --out DIR   writes DIR/projects (the projects with the documents' files, each file starting with a
                              #line directive, so compiler errors name the document and line) and DIR/flows/*.sh.
"""
import argparse
import pathlib
import re
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
PROJECTS = HERE / "projects"
SKELETONS = HERE / "skeletons"

# The documents whose C# blocks are compiled: what a user reads on GitHub and on nuget.org.
DOCS = ["README.md", "docs/*.md", "examples/README.md", "templates/Kapacitor.Udf.Templates/README.md",
        "templates/Kapacitor.Udf.Templates/content/kapacitor-udf/README.md", "src/*/README.md"]
# The documents whose shell blocks are run, and where: "copy" is a copy of the repository's files (the flow packs into
# ./packages and creates projects next to the clone), "repo" the repository itself (the flow only builds into bin/,
# obj/ and artifacts/).
FLOW_DOCS = {"README.md": "copy", "examples/README.md": "repo"}

CSHARP = {"csharp", "cs", "c#"}
SHELL = {"bash", "sh", "shell", "console", "zsh"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[^\s`]*)")
MARKER = re.compile(r"^\s*<!--\s*doc-test:\s*(?P<body>.*?)\s*-->\s*$")
# A block fenced without a language that reads like C#: it must be fenced as csharp, so it cannot escape the build.
LOOKS_LIKE_CSHARP = re.compile(
    r"^\s*(using [A-Z][\w.]*;|(public|internal) (sealed |static |partial |abstract )*(class|record|struct|interface) "
    r"|return await |await using |var \w+ = new )", re.M)


class Block:
    def __init__(self, doc, line, lang, text, marker, marker_line):
        self.doc, self.line, self.lang, self.text = doc, line, lang, text
        self.marker, self.marker_line = marker, marker_line

    @property
    def where(self):
        return f"{self.doc}:{self.line}"


def blocks_of(doc):
    """The fenced blocks of a document, each with the marker above it (or None), and stray markers' line numbers."""
    lines = (ROOT / doc).read_text(encoding="utf-8").split("\n")
    blocks, markers_used, i = [], set(), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m["indent"], m["fence"], m["lang"].lower()
        start = i
        body = []
        i += 1
        while i < len(lines) and not re.match(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[i]):
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        i += 1
        marker, marker_line = None, None
        j = start - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and (mm := MARKER.match(lines[j])):
            marker, marker_line = mm["body"], j + 1
            markers_used.add(j)
        blocks.append(Block(doc, start + 2, lang, "\n".join(body) + "\n", marker, marker_line))
    stray = [n + 1 for n, line in enumerate(lines) if MARKER.match(line) and n not in markers_used]
    return blocks, stray


def covered_docs():
    docs = []
    for pattern in DOCS:
        docs += sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob(pattern))
    return list(dict.fromkeys(docs))


def project_of(path):
    """The project folder (relative to projects/) a file path belongs to: its own folder, which holds one .csproj."""
    folder = (PROJECTS / path).parent
    return folder if folder.is_dir() and len(list(folder.glob("*.csproj"))) == 1 else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=pathlib.Path)
    out = parser.parse_args().out
    errors, files, flows, listing = [], {}, {doc: [] for doc in FLOW_DOCS}, []

    for doc in covered_docs():
        blocks, stray = blocks_of(doc)
        errors += [f"{doc}:{n}: a doc-test marker above no code block" for n in stray]
        for b in blocks:
            if b.lang in CSHARP:
                words = (b.marker or "").split()
                if not words or words[0] in ("run", "skip:"):
                    errors.append(f"{b.where}: a C# block without a doc-test marker naming its file "
                                  "(see .ci/doc-tests/README.md)")
                    continue
                skeleton = None
                if words[0] == "fragment":
                    if len(words) < 3:
                        errors.append(f"{b.where}: 'fragment' needs a skeleton and a file path")
                        continue
                    skeleton, words = words[1], words[2:]
                    if not (SKELETONS / f"{skeleton}.cs").is_file():
                        errors.append(f"{b.where}: no skeleton .ci/doc-tests/skeletons/{skeleton}.cs")
                        continue
                for path in words:
                    if project_of(path) is None:
                        errors.append(f"{b.where}: {path}: its folder in .ci/doc-tests/projects/ holds no project")
                    elif path in files:
                        errors.append(f"{b.where}: {path} is already written by {files[path][0].where}")
                    else:
                        files[path] = (b, skeleton)
                listing.append(f"{b.where:<48} csharp  {'fragment in ' + skeleton + ': ' if skeleton else ''}"
                               f"{' '.join(words)}")
            elif b.lang in SHELL and doc in FLOW_DOCS:
                if b.marker == "run":
                    flows[doc].append(b)
                    listing.append(f"{b.where:<48} {b.lang:<7} run")
                elif b.marker and b.marker.startswith("skip:") and b.marker[5:].strip():
                    listing.append(f"{b.where:<48} {b.lang:<7} SKIPPED: {b.marker[5:].strip()}")
                else:
                    errors.append(f"{b.where}: a shell block without '<!-- doc-test: run -->' or "
                                  "'<!-- doc-test: skip: REASON -->'")
            elif b.marker is not None:
                errors.append(f"{b.where}: a doc-test marker on a {b.lang or 'plain'} block, which is never run here")
            elif not b.lang and LOOKS_LIKE_CSHARP.search(b.text):
                errors.append(f"{b.where}: C# fenced without a language: fence it as ```csharp, with a marker")

    written = {project_of(path) for path in files}
    for csproj in sorted(PROJECTS.rglob("*.csproj")):
        if csproj.parent not in written:
            errors.append(f".ci/doc-tests/projects/{csproj.relative_to(PROJECTS)}: no documentation block writes to it")

    print("\n".join(listing), flush=True)
    if errors:
        print("\n".join(f"doc-tests: ERROR {e}" for e in errors), file=sys.stderr)
        return 1

    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(PROJECTS, out / "projects")
    for path, (b, skeleton) in files.items():
        source = (ROOT / b.doc).as_posix()
        text = f'#line {b.line} "{source}"\n{b.text}'
        if skeleton:
            template = (SKELETONS / f"{skeleton}.cs").read_text(encoding="utf-8")
            m = re.search(r"^([ \t]*)/\*BLOCK\*/[ \t]*$", template, re.M)
            if not m:
                print(f"doc-tests: ERROR skeletons/{skeleton}.cs has no /*BLOCK*/ line", file=sys.stderr)
                return 1
            indented = "".join(m[1] + line if line.strip() else line for line in b.text.splitlines(True))
            name = re.sub(r"\W", "_", pathlib.PurePosixPath(path).stem)
            text = (template[:m.start()].replace("__FRAGMENT__", name) + f'#line {b.line} "{source}"\n' + indented
                    + "#line default\n" + template[m.end() + 1:].replace("__FRAGMENT__", name))
        (out / "projects" / path).write_text(text, encoding="utf-8")
    (out / "flows").mkdir()
    for doc, blocks in flows.items():
        script = [f"# The shell blocks of {doc}, in document order, as a reader runs them.", "set -euo pipefail",
                  "block=", f"trap 'echo \"doc-tests: {doc}: the block at line $block failed (exit $?)\" >&2' ERR"]
        for b in blocks:
            script += [f"block={b.line}", f"printf '\\n$ # {doc}:{b.line} (at %s s)\\n' \"$SECONDS\"",
                       "cat <<'DOC_TEST_BLOCK_END'", b.text.rstrip("\n"), "DOC_TEST_BLOCK_END", b.text.rstrip("\n")]
        name = doc.replace("/", "-").removesuffix(".md")
        (out / "flows" / f"{name}.sh").write_text("\n".join(script) + "\n", encoding="utf-8")
        (out / "flows" / f"{name}.where").write_text(f"{doc}\n{FLOW_DOCS[doc]}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
