#!/usr/bin/env node
// The W3C Nu HTML checker over every page of a built site (issue 14).
//
//   node tests/browser/nu.mjs DIR
//
// Finds every .html file under DIR (the output of `handbook build`) and checks
// them in one run of vnu.jar from the npm package vnu-jar, with the `java` on
// PATH (Debian's default-jre-headless, installed by .ci/run). Java takes
// seconds to start, so the files go to one run, split only when the list would
// not fit on a command line. Prints each error as `file:line:col: message`,
// with the file relative to DIR, and exits with status 1 if there is any.
//
// Java is never downloaded: vnu-jar's own launcher fetches a Java runtime when
// it finds none, so this script runs vnu.jar with `java` itself.

import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { htmlFiles } from "./site-files.mjs";

const require = createRequire(import.meta.url);
const VNU_JAR = String(require("vnu-jar"));
const JAVA = process.env.HANDBOOK_JAVA || "java";
// Characters of file names per run: far below Linux's argument limit, and
// about what a site of 1,000 pages takes.
const MAX_ARGS_CHARS = 100_000;

function batches(files) {
  const out = [[]];
  let size = 0;
  for (const file of files) {
    if (size + file.length > MAX_ARGS_CHARS && out.at(-1).length > 0) {
      out.push([]);
      size = 0;
    }
    out.at(-1).push(file);
    size += file.length + 1;
  }
  return out;
}

/** Runs vnu.jar over `files`; returns its messages. */
function check(files) {
  const run = spawnSync(
    JAVA,
    ["-jar", VNU_JAR, "--errors-only", "--format", "json", "--stdout", "--skip-non-html", ...files],
    { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  if (run.error) {
    console.error(`nu: cannot run ${JAVA} (${run.error.message}); .ci/run installs default-jre-headless`);
    process.exit(2);
  }
  try {
    return JSON.parse(run.stdout).messages;
  } catch {
    console.error(`nu: vnu.jar exited with status ${run.status} and printed no report:`);
    console.error(run.stdout + run.stderr);
    process.exit(2);
  }
}

/** File (relative to `dir`), line and column where a message's span starts. */
function where(dir, message) {
  let file = message.url || "";
  if (file.startsWith("file:")) file = path.relative(dir, fileURLToPath(file));
  // vnu.jar leaves out firstLine when the span is on one line.
  const line = message.firstLine ?? message.lastLine ?? 0;
  const col = message.firstColumn ?? message.lastColumn ?? 0;
  return { file, line, col };
}

const dir = process.argv[2];
if (!dir || process.argv.length > 3 || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
  console.error("usage: node tests/browser/nu.mjs DIR   (DIR: the output of `handbook build`)");
  process.exit(2);
}
const root = path.resolve(dir);
const files = htmlFiles(root);
if (files.length === 0) {
  console.error(`nu: no .html file under ${dir}`);
  process.exit(2);
}

const errors = [];
for (const batch of batches(files)) {
  for (const message of check(batch)) {
    // --errors-only leaves errors and "non-document-error" (a file that could
    // not be read); both fail the check.
    if (message.type === "info") continue;
    errors.push({ ...where(root, message), text: message.message });
  }
}
errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
for (const e of errors) console.log(`${e.file}:${e.line}:${e.col}: ${e.text}`);
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
console.log(`nu: ${plural(files.length, "page")} checked, ${plural(errors.length, "error")}`);
process.exit(errors.length > 0 ? 1 : 0);
