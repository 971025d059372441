#!/bin/sh
# Makes the seed corpora in corpus/TARGET/ from the shipped handbook and,
# when given the CommonMark spec (spec.txt, version 0.31.2), from its
# examples. Each seed is named by the first 16 hex digits of its SHA-256,
# so files of the same name from different folders never collide and a
# second run adds nothing twice.
#
# Usage: ./seed.sh [PATH/TO/spec.txt]
set -eu
cd "$(dirname "$0")"
root=..

# Copies each file named on standard input into corpus/$1/ under its hash.
seed() {
  mkdir -p "corpus/$1"
  while IFS= read -r file; do
    name=$(sha256sum "$file" | cut -c1-16)
    cp "$file" "corpus/$1/$name"
  done
}

find "$root/content" "$root/local-overrides" -name '*.md' -path '*content/*' | seed front_matter
find "$root/local-overrides" -name '*.md' -path '*/pages/*' | seed front_matter
find "$root/local-overrides" -name 'authority.yaml' | seed front_matter
find "$root/local-overrides" -name '*.md' \( -path '*/overrides/*' -o -path '*/examples/*' \) | seed override_parse
find "$root/content" "$root/local-overrides" -name '*.md' \( -path '*/pages/*' -o -path '*content/*' \) | seed page_pipeline
# Page bodies are Markdown: the differential target's input.
find "$root/content" "$root/local-overrides" -name '*.md' | seed differential

if [ "$#" -gt 0 ]; then
  # Each example of the spec: its Markdown to `differential` and
  # `page_pipeline`, its HTML to `sanitize` (the spec writes a tab as →).
  tmp=$(mktemp -d)
  python3 - "$1" "$tmp" <<'PY'
import os, re, sys
spec, out = sys.argv[1], sys.argv[2]
text = open(spec, encoding="utf-8").read()
fence = "`" * 32
pattern = re.compile("^" + fence + r" example[^\n]*\n(.*?)^\.\n(.*?)^" + fence + "$", re.S | re.M)
for n, (markdown, html) in enumerate(pattern.findall(text), 1):
    for kind, body in (("md", markdown), ("html", html)):
        with open(os.path.join(out, f"{n:03}.{kind}"), "w", encoding="utf-8") as f:
            f.write(body.replace("\u2192", "\t"))
PY
  ls "$tmp"/*.md | seed differential
  ls "$tmp"/*.md | seed page_pipeline
  ls "$tmp"/*.html | seed sanitize
  rm -r "$tmp"
fi
# Pages as they are published are HTML too.
if [ -d "$root/public" ]; then
  find "$root/public" -name '*.html' | head -40 | seed sanitize
fi
for t in corpus/*; do echo "$t: $(ls "$t" | wc -l) seeds"; done
