#!/usr/bin/env python3
"""Deterministic benchmark corpora for Handbook, Zola, Hugo and mdBook.

Writes the same N pages (about 1,000 words each, in 20 sections, each page
with headings, a list, a table and three cross-references) as:

  * a Handbook root (--handbook DIR): content/_index.md, one folder per
    section with its own _index.md, and K authorities under
    local-overrides/, each with a few overrides and examples;
  * the same root with a theme whose contents list is the 20 sections only
    (--handbook-sections DIR; see below);
  * a Zola site (--zola DIR): config.toml without a search index and
    search.toml with one (`build_search_index = true`), cross-references
    written `[title](@/section-xx/page-xxxxx.md)`;
  * a Hugo site (--hugo DIR);
  * an mdBook (--mdbook DIR) with one chapter per section.

Navigation has one shape wherever a tool lets the site choose it: every
page lists the 20 sections and links to the previous and next page, never
a whole section's pages, so no tool pays for long lists on every page
(a section's own page lists its pages). mdBook's sidebar always lists every
chapter. Handbook's contents list is made by Handbook, not by its theme:
it shows the top of the tree and the reader's branch, so on this corpus a
page lists its section's N/20 pages, and it links previous and next only
between the seven steps. The --handbook-sections root measures Handbook
with the same shape: its theme (the default theme, copied) prints the 20
sections in place of `nav_html`.

The same --seed always gives byte-identical files. Only the Python 3
standard library is used.

    python3 bench/corpus.py --pages 1000 --authorities 3 --handbook hb --zola zola --hugo hugo --mdbook mdbook
"""

import argparse
import bisect
import os
import random
import shutil

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

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
    """`s` in double quotes, as both YAML and TOML read it."""
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


# The top of every page's layout up to the contents list, the same for
# each tool but for the link home ({home}).
LAYOUT_TOP = """</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">{home}
<form action="/search/" method="get" role="search"><label for="q">Search</label><input type="search" id="q" name="q"><button>Search</button></form>
</header>
<div class="layout">
<nav class="site-nav" aria-label="Handbook contents">
<h2>Contents</h2>
<ul>
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
<link rel="stylesheet" href="/handbook.css">
""" + LAYOUT_TOP.replace("{home}", '<a href="/">{{ .Site.Title }}</a>') + """{{ $current := . }}
{{ range .Site.Sections }}<li class="depth-1"><a href="{{ .RelPermalink }}"{{ if eq $current.CurrentSection . }} aria-current="true"{{ end }}>{{ .Title }}</a></li>
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


def handbook_sections(c, root, authorities):
    """The Handbook root with a theme whose contents list is the home page
    and the 20 sections: the default theme of this repository, copied, with
    that list printed where `base.html` prints `nav_html`."""
    handbook(c, root, authorities)
    theme = os.path.join(root, "themes", "default")
    shutil.copytree(os.path.join(REPO, "themes", "default"), theme)
    items = ['<li class="site-nav__item depth-0"><a href="index.html">Home</a></li>']
    items += [f'<li class="site-nav__item depth-1"><a href="{s["id"]}.html">{s["title"]}</a></li>'
              for s in c.sections]
    base = os.path.join(theme, "templates", "base.html")
    text = open(base, encoding="utf-8").read()
    if "{{ nav_html | safe }}" not in text:
        raise SystemExit(f"{base}: the theme no longer prints `{{{{ nav_html | safe }}}}`")
    write(base, text.replace("{{ nav_html | safe }}", "\n    ".join(items)))


ZOLA_BASE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<link rel="stylesheet" href="{{ get_url(path='handbook.css') }}">
""" + LAYOUT_TOP.replace("{home}", '<a href="{{ config.base_url }}">{{ config.title }}</a>') + """{% if page %}{% set here = page.ancestors | last %}{% elif section %}{% set here = section.relative_path %}{% else %}{% set here = "" %}{% endif %}
{% set home = get_section(path="_index.md", metadata_only=true) %}
{% for path in home.subsections %}{% set s = get_section(path=path, metadata_only=true) %}<li class="depth-1"><a href="{{ s.permalink }}"{% if path == here %} aria-current="true"{% endif %}>{{ s.title }}</a></li>
{% endfor %}</ul>
</nav>
<main id="main">
{% block main %}{% endblock main %}
</main>
</div>
<footer class="site-footer"><p>Based on the model guidance by In Control.</p></footer>
</body>
</html>
"""

ZOLA_PAGE = """{% extends "base.html" %}
{% block title %}{{ page.title }} – {{ config.title }}{% endblock title %}
{% block main %}
{% set s = get_section(path=page.ancestors | last, metadata_only=true) %}
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
<li><a href="{{ config.base_url }}">Home</a></li><li><a href="{{ s.permalink }}">{{ s.title }}</a></li><li aria-current="page">{{ page.title }}</li>
</ol></nav>
<article class="page">
<h1>{{ page.title }}</h1>
<nav class="contents" aria-label="On this page"><h2>On this page</h2><ul>
{% for h in page.toc %}<li><a href="{{ h.permalink }}">{{ h.title }}</a>{% if h.children %}<ul>{% for c in h.children %}<li><a href="{{ c.permalink }}">{{ c.title }}</a></li>{% endfor %}</ul>{% endif %}</li>
{% endfor %}</ul></nav>
<div class="prose">
{{ page.content | safe }}
</div>
<nav class="pagination">
{% if page.lower %}<a href="{{ page.lower.permalink }}" rel="prev">{{ page.lower.title }}</a>{% endif %}
{% if page.higher %}<a href="{{ page.higher.permalink }}" rel="next">{{ page.higher.title }}</a>{% endif %}
</nav>
</article>
{% endblock main %}
"""

ZOLA_SECTION = """{% extends "base.html" %}
{% block main %}
<h1>{{ section.title }}</h1>
<div class="prose">{{ section.content | safe }}</div>
<ul>
{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>
{% endfor %}</ul>
{% endblock main %}
"""


def zola_link(c, i):
    p = c.pages[i]
    return f"[{p['title']}](@/{c.sections[p['section']]['id']}/{p['id']}.md)"


def zola(c, root):
    """A Zola site: `config.toml` builds no search index, `search.toml`
    builds one (`zola --config search.toml build`)."""
    if os.path.exists(root):
        shutil.rmtree(root)
    config = ('base_url = "http://example.org"\ntitle = "Benchmark handbook"\n'
              'default_language = "en"\ncompile_sass = false\nbuild_search_index = {}\n')
    write(os.path.join(root, "config.toml"), config.format("false"))
    write(os.path.join(root, "search.toml"), config.format("true"))
    write(os.path.join(root, "templates", "base.html"), ZOLA_BASE)
    write(os.path.join(root, "templates", "page.html"), ZOLA_PAGE)
    write(os.path.join(root, "templates", "section.html"), ZOLA_SECTION)
    write(os.path.join(root, "templates", "index.html"), ZOLA_SECTION)
    write(os.path.join(root, "static", "handbook.css"), "body { font-family: sans-serif; }\n")
    content = os.path.join(root, "content")
    write(os.path.join(content, "_index.md"),
          '+++\ntitle = "Benchmark handbook"\nsort_by = "weight"\n+++\n\n'
          "A generated handbook for measuring build times.\n")
    for s in c.sections:
        write(os.path.join(content, s["id"], "_index.md"),
              f'+++\ntitle = {yaml_str(s["title"])}\nweight = {s["weight"]}\nsort_by = "weight"\n+++\n\n'
              f"{s['intro']}\n")
    for p in c.pages:
        body = replace_refs(c, p, lambda r: zola_link(c, r))
        write(os.path.join(content, c.sections[p["section"]]["id"], p["id"] + ".md"),
              f'+++\ntitle = {yaml_str(p["title"])}\nweight = {p["weight"] + 1}\n+++\n\n{body}')


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
    ap.add_argument("--pages", type=int, default=1000, help="how many pages (default 1000)")
    ap.add_argument("--authorities", type=int, default=0,
                    help="authority editions to add to the Handbook root (default 0)")
    ap.add_argument("--seed", type=int, default=7,
                    help="seed of the generated text: the same seed makes the same pages (default 7)")
    ap.add_argument("--handbook", help="write a Handbook root here")
    ap.add_argument("--handbook-sections", help="write a Handbook root here whose contents list is the 20 sections")
    ap.add_argument("--zola", help="write a Zola site here")
    ap.add_argument("--hugo", help="write a Hugo site here")
    ap.add_argument("--mdbook", help="write an mdBook here (search on)")
    ap.add_argument("--mdbook-no-search", help="write an mdBook here with its search turned off")
    args = ap.parse_args()
    c = Corpus(args.pages, args.seed)
    if args.handbook:
        handbook(c, args.handbook, args.authorities)
    if args.handbook_sections:
        handbook_sections(c, args.handbook_sections, args.authorities)
    if args.zola:
        zola(c, args.zola)
    if args.hugo:
        hugo(c, args.hugo)
    if args.mdbook:
        mdbook(c, args.mdbook, True)
    if args.mdbook_no_search:
        mdbook(c, args.mdbook_no_search, False)


if __name__ == "__main__":
    main()
