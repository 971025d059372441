#!/usr/bin/env node
// Validity and policy checks of every page of a built site (issue 14):
//
//   node tests/browser/site-check.mjs DIR
//
// DIR is the output of `handbook build`. Every .html file under it is checked
// with html-validate (the browser gate's settings), then opened in Debian's
// Chromium from a local server, where any Content-Security-Policy violation
// (a `securitypolicyviolation` event, or the console error Chromium logs for
// one) and any script error fails the check. Prints each problem as
// `file: message` and exits with status 1 if there is any. The W3C Nu checker
// is run on the same folder by nu.mjs.

import fs from "node:fs";
import path from "node:path";
import { HtmlValidate, StaticConfigLoader } from "html-validate";
import { serve } from "./serve.mjs";
import { HTML_VALIDATE_CONFIG } from "./html-validate-config.mjs";
import { htmlFiles, launch } from "./site-files.mjs";


async function main() {
  const dir = process.argv[2];
  if (!dir || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    console.error("usage: node tests/browser/site-check.mjs DIR   (DIR: the output of `handbook build`)");
    return 2;
  }
  const root = fs.realpathSync(path.resolve(dir));
  const pages = htmlFiles(root).map((f) => path.relative(root, f).split(path.sep).join("/"));
  const problems = [];

  const validator = new HtmlValidate(new StaticConfigLoader(HTML_VALIDATE_CONFIG));
  for (const page of pages) {
    const report = await validator.validateString(fs.readFileSync(path.join(root, page), "utf8"), page);
    for (const m of report.results.flatMap((r) => r.messages).filter((m) => m.severity === 2)) {
      problems.push(`${page}:${m.line}:${m.column}: html-validate ${m.ruleId}: ${m.message}`);
    }
  }

  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}`;
  let browser;
  try {
    browser = await launch();
    const tab = await browser.context.newPage();
    let current = "";
    tab.on("pageerror", (error) => problems.push(`${current}: script error: ${error.message}`));
    tab.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
        problems.push(`${current}: Content-Security-Policy: ${message.text()}`);
      }
    });
    await tab.exposeFunction("__hbViolation", (text) => problems.push(`${current}: Content-Security-Policy: ${text}`));
    await tab.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__hbViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile || ""}:${e.lineNumber || 0})`),
      );
    });
    for (const page of pages) {
      current = page;
      await tab.goto(`${base}/${page}`, { waitUntil: "load" });
      // Let late violations (a style set by a script) be reported.
      await tab.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
    }
  } finally {
    if (browser) await browser.close();
    server.close();
  }
  for (const p of problems) console.log(p);
  console.log(`site-check: ${pages.length} pages checked, ${problems.length} problems`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`site-check crashed: ${error && error.stack ? error.stack : error}`);
    process.exitCode = 2;
  },
);
