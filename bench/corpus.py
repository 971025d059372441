#!/usr/bin/env python3
"""Deterministic benchmark corpora for Handbook, Hugo and mdBook.

Writes the same N pages (about 1,000 words each, in 20 sections, each page
with headings, a list, a table and three cross-references) as:

  * a Handbook root (--handbook DIR): content/_index.md, one folder per
    section with its own _index.md, and K authorities under
    local-overrides/, each with a few overrides and examples;
  * a Hugo site (--hugo DIR) whose page template lists the section's pages;
  * an mdBook (--mdbook DIR) with one chapter per section.

The same --seed always gives byte-identical files. Only the Python 3
standard library is used.

    python3 bench/corpus.py --pages 1000 --authorities 3 --handbook /tmp/hb --hugo /tmp/hugo --mdbook /tmp/mdbook
"""

import argparse
import bisect
import os
import random
import shutil

SECTIONS = 20
WORDS_PER_PAGE = 1000

SYLLABLES = [
    "ca", "re", "plan", "sup", "port", "as", "sess", "ment", "per", "son",
    "al", "bud", "get", "ri", "sk", "safe", "guard", "ing", "re", "view",
    "out", "come", "fam", "ily", "com", "mu", "ni", "ty", "ser", "vice",
    "work", "er", "so", "cial", "di", "rect", "pay", "ments", "team", "lo",
    "cal", "au", "tho", "ri", "ty", "con", "sent", "ad", "vo", "cacy",
]

COMMON = (
    "the of and to a in that is for it as with be on not this are by "
    "or have from an they which their will can has more would when what "
    "about people support plan person social worker council budget review "
    "assessment carer family risk safe local team manager guidance step "
    "outcome choice control money direct payment need needs service services"
).split()


def vocabulary(rng, size=6000):
    words = set()
    while len(words) < size:
        n = rng.choice((2, 2, 3, 3, 4))
        words.add("".join(rng.choice(SYLLABLES) for _ in range(n)))
    return sorted(words)


class Words:
    """Zipf-like word stream: common words often, a long tail of rare ones."""

    def __init__(self, rng):
        self.rng = rng
        self.vocab = vocabulary(rng)
        rng.shuffle(self.vocab)
        self.weights = [1.0 / (i + 1) for i in range(len(self.vocab))]
        self.cumulative = []
        total = 0.0
        for w in self.weights:
            total += w
            self.cumulative.append(total)
        self.total = total

    def word(self):
        if self.rng.random() < 0.45:
            return self.rng.choice(COMMON)
        x = self.rng.random() * self.total
        return self.vocab[bisect.bisect_left(self.cumulative, x)]

    def words(self, n):
        return [self.word() for _ in range(n)]

    def sentence(self, n):
        w = self.words(n)
        w[0] = w[0].capitalize()
        return " ".join(w) + "."

    def paragraph(self, n):
        out, left = [], n
        while left > 0:
            k = min(left, self.rng.randint(8, 18))
            out.append(self.sentence(k))
            left -= k
        return " ".join(out)

    def title(self, n=3):
        return " ".join(w.capitalize() for w in self.words(n))


def page_id(i):
    return f"page-{i:05d}"


def section_id(s):
    return f"section-{s + 1:02d}"


class Corpus:
    def __init__(self, pages, seed):
        self.n = pages
        self.rng = random.Random(seed)
        self.w = Words(self.rng)
        self.sections = [
            {"id": section_id(s), "title": f"Section {s + 1}: {self.w.title(2)}",
             "intro": self.w.paragraph(60), "weight": (s + 1) * 10}
            for s in range(SECTIONS)
        ]
        self.pages = []
        for i in range(pages):
            s = i * SECTIONS // pages
            self.pages.append({"id": page_id(i), "section": s,
                               "title": f"{self.w.title(3)} {i}",
                               "weight": i})
        for i, p in enumerate(self.pages):
            p["refs"] = [(i * 7 + 1) % pages, (i * 13 + 5) % pages, (i * 31 + 11) % pages]
            p["body"] = self.body(p)

    def body(self, p):
        """Markdown with `[[page-xxxxx]]` cross-references, about 1,000 words."""
        w = self.w
        refs = [f"[[{page_id(r)}]]" for r in p["refs"]]
        parts = []
        parts.append(w.paragraph(70))
        parts.append(f"## {w.title(3)} {{#overview}}")
        parts.append(w.paragraph(90) + f" See {refs[0]} for more.")
        parts.append(w.paragraph(90))
        parts.append("\n".join(f"- {w.sentence(8)}" for _ in range(6)))
        parts.append(f"## {w.title(3)} {{#practice}}")
        parts.append(w.paragraph(100))
        parts.append(w.paragraph(90) + f" This links to {refs[1]}.")
        table = ["| Task | Who | When |", "| --- | --- | --- |"]
        for _ in range(5):
            table.append(f"| {w.title(3)} | {w.title(2)} | {w.title(2)} |")
        parts.append("\n".join(table))
        parts.append(f"### {w.title(2)} {{#checklist}}")
        parts.append(w.paragraph(100))
        parts.append("\n".join(f"{k}. {w.sentence(10)}" for k in range(1, 6)))
        parts.append(f"## {w.title(3)} {{#support}}")
        parts.append(w.paragraph(110) + f" Compare {refs[2]}.")
        parts.append(w.paragraph(100))
        return "\n\n".join(parts) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sectioned_content(c, content, with_ids, body_of, page_weight_offset):
    """The home page, one `_index.md` a section and the pages, with YAML front
    matter (ids only for Handbook), as both Handbook and Hugo read them."""
    def front(title, weight, id_):
        ids = f"id: {id_}\n" if with_ids else ""
        return f"---\n{ids}title: {yaml_str(title)}\nweight: {weight}\n---\n\n"

    write(os.path.join(content, "_index.md"),
          front("Benchmark handbook", 0, "home") + "A generated handbook for measuring build times.\n")
    for s in c.sections:
        write(os.path.join(content, s["id"], "_index.md"),
              front(s["title"], s["weight"], s["id"]) + f"{s['intro']}\n")
    for p in c.pages:
        sec = c.sections[p["section"]]["id"]
        write(os.path.join(content, sec, p["id"] + ".md"),
              front(p["title"], p["weight"] + page_weight_offset, p["id"]) + body_of(p))


def handbook(c, root, authorities):
    if os.path.exists(root):
        shutil.rmtree(root)
    sectioned_content(c, os.path.join(root, "content"), True, lambda p: p["body"], 0)
    for k in range(authorities):
        slug = f"council-{k + 1:03d}"
        base = os.path.join(root, "local-overrides", slug)
        write(os.path.join(base, "authority.yaml"),
              f"name: Benchmark Council {k + 1}\nshort_name: Council {k + 1}\n"
              "jurisdiction: england\nservice: adults\n"
              "variables:\n  team: \"Benchmark Adult Social Care Team\"\n"
              "accessibility:\n  contact_email: access@example.org\n  statement_date: 2026-01-01\n")
        n = c.n
        targets = [(k * 97 + 3) % n, (k * 89 + 17) % n, (k * 83 + 29) % n]
        overrides = [
            (f"{page_id(targets[0])}#practice", "replace", "Our practice differs locally."),
            (f"{page_id(targets[1])}#overview", "append", None),
            (page_id(targets[2]), "prepend", None),
        ]
        for j, (target, action, reason) in enumerate(overrides):
            front = f"---\ntarget: {target}\naction: {action}\n"
            if reason:
                front += f"reason: {yaml_str(reason)}\n"
            heading = "## Local practice {#local-practice}\n\n" if action == "replace" else ""
            write(os.path.join(base, "overrides", f"override-{j + 1}.md"),
                  front + "---\n" + heading +
                  f"In {{{{ authority.name }}}}, contact the {{{{ vars.team }}}}. {c.w.paragraph(60)}\n")
        for j in range(2):
            attach = page_id((k * 71 + j * 37 + 7) % n)
            write(os.path.join(base, "examples", f"example-{j + 1}.md"),
                  f"---\nid: example-{j + 1}\ntitle: {yaml_str(c.w.title(4))}\nattach: [{attach}]\n---\n{c.w.paragraph(120)}\n")


def hugo_link(c, i):
    p = c.pages[i]
    return f"[{p['title']}](/{c.sections[p['section']]['id']}/{p['id']}/)"


def md_link(c, i):
    p = c.pages[i]
    return f"[{p['title']}](../{c.sections[p['section']]['id']}/{p['id']}.md)"


def replace_refs(c, p, make):
    body = p["body"]
    for r in p["refs"]:
        body = body.replace(f"[[{page_id(r)}]]", make(r), 1)
    return body


HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
<link rel="stylesheet" href="/handbook.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><a href="/">{{ .Site.Title }}</a>
<form action="/search/" method="get" role="search"><label for="q">Search</label><input type="search" id="q" name="q"><button>Search</button></form>
</header>
<div class="layout">
<nav class="site-nav" aria-label="Handbook contents">
<h2>Contents</h2>
<ul>
{{ $current := . }}
{{ range .Site.Sections }}<li class="depth-1"><a href="{{ .RelPermalink }}"{{ if eq $current.CurrentSection . }} aria-current="true"{{ end }}>{{ .Title }}</a>
{{ if eq $current.CurrentSection . }}<ul>
{{ range .Pages }}<li class="depth-2"><a href="{{ .RelPermalink }}"{{ if eq $current . }} aria-current="page"{{ end }}>{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}</li>
{{ end }}</ul>
</nav>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
</div>
<footer class="site-footer"><p>Based on the model guidance by In Control.</p></footer>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "title" }}{{ .Title }} – {{ .Site.Title }}{{ end }}
{{ define "main" }}
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
<li><a href="/">Home</a></li><li><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></li><li aria-current="page">{{ .Title }}</li>
</ol></nav>
<article class="page">
<h1>{{ .Title }}</h1>
<nav class="contents" aria-label="On this page"><h2>On this page</h2>{{ .TableOfContents }}</nav>
<div class="prose">
{{ .Content }}
</div>
<nav class="pagination">
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}" rel="prev">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}" rel="next">{{ .Title }}</a>{{ end }}
</nav>
<p>Last updated {{ .Lastmod.Format "2 January 2006" }}</p>
</article>
{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<div class="prose">{{ .Content }}</div>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
"""


def hugo(c, root):
    if os.path.exists(root):
        shutil.rmtree(root)
    write(os.path.join(root, "hugo.toml"),
          'baseURL = "http://example.org/"\nlanguageCode = "en-gb"\ntitle = "Benchmark handbook"\n'
          'disableKinds = ["taxonomy", "term", "RSS"]\n'
          "[markup.tableOfContents]\n  startLevel = 2\n  endLevel = 3\n")
    write(os.path.join(root, "layouts", "_default", "baseof.html"), HUGO_BASEOF)
    write(os.path.join(root, "layouts", "_default", "single.html"), HUGO_SINGLE)
    write(os.path.join(root, "layouts", "_default", "list.html"), HUGO_LIST)
    write(os.path.join(root, "layouts", "index.html"), HUGO_LIST)
    write(os.path.join(root, "static", "handbook.css"), "body { font-family: sans-serif; }\n")
    sectioned_content(c, os.path.join(root, "content"), False,
                      lambda p: replace_refs(c, p, lambda r: hugo_link(c, r)), 1)


def mdbook(c, root, search):
    if os.path.exists(root):
        shutil.rmtree(root)
    write(os.path.join(root, "book.toml"),
          '[book]\ntitle = "Benchmark handbook"\nlanguage = "en"\n\n'
          "[output.html]\n"
          f"[output.html.search]\nenable = {'true' if search else 'false'}\n")
    src = os.path.join(root, "src")
    summary = ["# Summary", "", "[Benchmark handbook](index.md)", ""]
    write(os.path.join(src, "index.md"), "# Benchmark handbook\n\nA generated handbook for measuring build times.\n")
    by_section = {}
    for p in c.pages:
        by_section.setdefault(p["section"], []).append(p)
    for s_index, s in enumerate(c.sections):
        write(os.path.join(src, s["id"], "index.md"), f"# {s['title']}\n\n{s['intro']}\n")
        summary.append(f"- [{s['title']}]({s['id']}/index.md)")
        for p in by_section.get(s_index, []):
            body = replace_refs(c, p, lambda r: md_link(c, r))
            write(os.path.join(src, s["id"], p["id"] + ".md"), f"# {p['title']}\n\n{body}")
            summary.append(f"  - [{p['title']}]({s['id']}/{p['id']}.md)")
    write(os.path.join(src, "SUMMARY.md"), "\n".join(summary) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--authorities", type=int, default=0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--handbook", help="write a Handbook root here")
    ap.add_argument("--hugo", help="write a Hugo site here")
    ap.add_argument("--mdbook", help="write an mdBook here (search on)")
    ap.add_argument("--mdbook-no-search", help="write an mdBook here with its search turned off")
    args = ap.parse_args()
    c = Corpus(args.pages, args.seed)
    if args.handbook:
        handbook(c, args.handbook, args.authorities)
    if args.hugo:
        hugo(c, args.hugo)
    if args.mdbook:
        mdbook(c, args.mdbook, True)
    if args.mdbook_no_search:
        mdbook(c, args.mdbook_no_search, False)


if __name__ == "__main__":
    main()
