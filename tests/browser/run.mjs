#!/usr/bin/env node
// Real-browser gate for built handbook sites (issue 5).
//
//   node tests/browser/run.mjs OUT_DIR
//
// OUT_DIR is the output of `handbook build`: OUT/index.html plus one folder per
// edition (model, exampleshire, ...). The script serves OUT on 127.0.0.1 with a
// tiny static server of its own and, in Debian's Chromium driven by
// playwright-core, checks every HTML page of every edition:
//   - axe-core (WCAG 2.0/2.1 A+AA, 2.2 AA tags) at 1280 and 320 px wide;
//   - no horizontal scrolling at 320 px (WCAG 1.4.10 reflow);
//   - html-validate (recommended rules), on the files as served;
//   - the W3C Nu HTML checker (nu.mjs), on every file in one run;
//   - no script errors and no request to any host but the local server;
// and, per edition, the reader journeys: keyboard (skip link, visible focus on
// every Tab stop), cross-references (model), print view and print stylesheet,
// the contents list folded away on a phone and open beside the page on a wide screen,
// the first paragraph of guidance on the first phone screen of every step page
// (first-screen.mjs), the step switcher and "Back to top", the print stamp of
// a page and the first printed sheets (PDF, and PNG where pdftoppm is installed),
// search (only when a search box exists: otherwise it says SKIPPED on stderr;
// where there are more results than fit at once, "Show more results" pressed
// with the keyboard, the first new result focused and axe run again),
// and, for an edition with a Welsh site (EDITION/cy/), the language switch
// both ways, a Welsh search and screenshots of the Welsh pages.
// Screenshots go to target/browser-screenshots/. Exit status 1 on any failure.
//
// No browser is ever downloaded: the browser is /usr/bin/chromium
// (HANDBOOK_CHROMIUM overrides the path), installed by .ci/run with apt-get.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { HtmlValidate, StaticConfigLoader } from "html-validate";
import { isFile, serve } from "./serve.mjs";
import { HTML_VALIDATE_CONFIG } from "./html-validate-config.mjs";
import { CHROMIUM, htmlFiles, launch } from "./site-files.mjs";
import { LIMITS, PHONE, measureFirstScreen, stepPages, withinLimits } from "./first-screen.mjs";

const require = createRequire(import.meta.url);
const REPO = fileURLToPath(new URL("../../", import.meta.url));
// axe is evaluated through the DevTools protocol, which the pages' Content
// Security Policy does not govern, so the policy stays on during every check.
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const WIDTHS = [1280, 320];
const HEIGHT = 800;
const SHOTS = path.join(REPO, "target", "browser-screenshots");
const WORKERS = 2;

// ---------------------------------------------------------------- bookkeeping

const counts = {
  pages: 0,
  axeRuns: 0,
  axeViolations: 0,
  axeViolationNodes: 0,
  axeIncomplete: new Map(),
  validated: 0,
  validationErrors: 0,
  validationWarnings: 0,
  reflowChecks: 0,
  tabStops: 0,
  journeys: { keyboard: 0, "cross-reference": 0, print: 0, search: 0, contents: 0, welsh: 0, steps: 0, "print stamp": 0, urgent: 0 },
  firstScreen: [],
  skipped: [],
  screenshots: 0,
  passed: 0,
};
const failures = [];

function pass() {
  counts.passed += 1;
}

function fail(check, where, detail) {
  failures.push({ check, where, detail });
  console.log(`FAIL ${check}: ${where}\n${indent(detail)}`);
}

function indent(text) {
  return String(text)
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

// ---------------------------------------------------------------- the pages

/** Editions: folders of OUT holding an index.html. */
function editionsOf(out) {
  return fs
    .readdirSync(out, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isFile(path.join(out, e.name, "index.html")))
    .map((e) => e.name)
    .sort((a, b) => (a === "model" ? -1 : b === "model" ? 1 : a.localeCompare(b)));
}

// ---------------------------------------------------------------- browser helpers

/** A page that records script errors and requests that leave the local server. */
async function newPage(context, origin, label) {
  const page = await context.newPage();
  page.on("pageerror", (error) => fail("script error", label(), error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
      fail("content security policy", label(), message.text());
    }
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !/^(data|blob|about):/.test(url)) {
      fail("outside request", label(), `${request.method()} ${url}`);
    }
  });
  return page;
}

async function open(page, url, width) {
  await page.setViewportSize({ width, height: HEIGHT });
  const response = await page.goto(url, { waitUntil: "load" });
  return response;
}

async function runAxe(page, where) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== "undefined");
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    AXE_TAGS,
  );
  counts.axeRuns += 1;
  for (const item of results.incomplete) {
    counts.axeIncomplete.set(item.id, (counts.axeIncomplete.get(item.id) || 0) + item.nodes.length);
    for (const n of item.nodes) {
      const why = (n.any[0] && n.any[0].message) || "";
      console.log(`review (axe could not decide; not a failure) ${where}: ${item.id} at ${n.target.join(" ")}: ${why}`);
    }
  }
  if (results.violations.length === 0) {
    pass();
    return;
  }
  for (const v of results.violations) {
    counts.axeViolations += 1;
    counts.axeViolationNodes += v.nodes.length;
    const nodes = v.nodes
      .map((n) => `target: ${n.target.join(" ")}\n  ${(n.failureSummary || "").replace(/\n/g, "\n  ")}`)
      .join("\n");
    fail("axe", where, `${v.id} (${v.impact}): ${v.help}\n${v.helpUrl}\n${nodes}`);
  }
}

async function checkReflow(page, where) {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
      const rect = el.getBoundingClientRect();
      if (rect.right > width + 1 && rect.width > 0) {
        wide.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : ""} (right edge ${Math.round(rect.right)}px)`);
      }
      if (wide.length >= 5) break;
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, wide };
  });
  counts.reflowChecks += 1;
  if (overflow) {
    fail("reflow", where, `page scrolls sideways: ${overflow.scrollWidth}px wide in a ${overflow.width}px viewport\n${overflow.wide.join("\n")}`);
  } else {
    pass();
  }
}

async function validateHtml(validator, file, where) {
  const report = await validator.validateString(fs.readFileSync(file, "utf8"), where);
  counts.validated += 1;
  const messages = report.results.flatMap((r) => r.messages);
  const errors = messages.filter((m) => m.severity === 2);
  counts.validationErrors += errors.length;
  counts.validationWarnings += messages.length - errors.length;
  if (errors.length === 0) {
    pass();
    return;
  }
  fail(
    "html-validate",
    where,
    errors.map((m) => `${where}:${m.line}:${m.column} ${m.ruleId}: ${m.message}${m.selector ? ` [${m.selector}]` : ""}`).join("\n"),
  );
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  counts.screenshots += 1;
}

/** Text of the h1 without its "Step N of 7" caption. */
async function pageTitle(page) {
  return page.evaluate(() => {
    const h1 = document.querySelector("h1");
    if (!h1) return "";
    const copy = h1.cloneNode(true);
    copy.querySelectorAll(".caption").forEach((c) => c.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  });
}

function check(condition, name, where, detail) {
  if (condition) pass();
  else fail(name, where, detail);
  return condition;
}

// ---------------------------------------------------------------- journeys

/** Records, in the page, how everything that can take focus looks unfocused. */
async function snapshotUnfocused(page) {
  await page.evaluate(() => {
    // What a focus indicator is made of: outline and box-shadow.
    window.__hbFocusStyle = (el) => {
      const s = getComputedStyle(el);
      const outline =
        s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
          ? [s.outlineStyle, s.outlineWidth, s.outlineColor, s.outlineOffset].join(" ")
          : "none";
      return { outline, boxShadow: s.boxShadow };
    };
    window.__hbUnfocused = new Map();
    document
      .querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])")
      .forEach((el) => window.__hbUnfocused.set(el, window.__hbFocusStyle(el)));
  });
}

/** The focused element: what it is, where, and whether focus shows on it. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const rect = el.getBoundingClientRect();
    const before = window.__hbUnfocused.get(el);
    const now = window.__hbFocusStyle(el);
    const main = document.getElementById("main");
    const name = (el.textContent || el.value || "").replace(/\s+/g, " ").trim().slice(0, 50);
    const classes = typeof el.className === "string" && el.className.trim() ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
    return {
      el: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${classes} "${name}"`,
      isSkipLink: el.matches("a.skip-link[href='#main']"),
      isMain: el === main,
      inMain: !!main && main.contains(el),
      indicator: !before || now.outline !== before.outline || now.boxShadow !== before.boxShadow,
      before,
      now,
      onScreen:
        rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth,
      hash: location.hash,
    };
  });
}

async function keyboardJourney(page, base, edition, width) {
  const where = `${edition}/step-1.html @${width}px`;
  await open(page, `${base}/${edition}/step-1.html`, width);
  await snapshotUnfocused(page);

  await page.keyboard.press("Tab");
  let f = await focused(page);
  const onSkipLink = check(f && f.isSkipLink, "keyboard: first Tab reaches the skip link", where, `focused: ${f ? f.el : "nothing"}`);
  if (f) {
    check(f.onScreen, "keyboard: first Tab stop is shown when focused", where, f.el);
    check(f.indicator, "keyboard: first Tab stop has a visible focus indicator", where, `unfocused ${JSON.stringify(f.before)}, focused ${JSON.stringify(f.now)}`);
  }
  if (onSkipLink) await page.keyboard.press("Enter");
  else fail("keyboard: skip link moves focus to main content", where, "not tried: no skip link was focused");
  if (onSkipLink) {
  f = await focused(page);
  check(
    f && (f.isMain || f.inMain) && f.hash === "#main",
    "keyboard: skip link moves focus to main content",
    where,
    `focused: ${f ? f.el : "nothing"}, hash ${f ? f.hash : ""}`,
  );
  await page.keyboard.press("Tab");
  f = await focused(page);
  check(f && f.inMain, "keyboard: Tab after the skip link goes on in main content", where, `focused: ${f ? f.el : "nothing"}`);
  }

  // Every Tab stop of the page, from the top: focus always visible.
  await open(page, `${base}/${edition}/step-1.html`, width);
  await snapshotUnfocused(page);
  let stops = 0;
  const invisible = [];
  for (let i = 0; i < 500; i += 1) {
    await page.keyboard.press("Tab");
    f = await focused(page);
    if (!f || (stops > 0 && f.isSkipLink)) break; // past the last stop, or round to the first
    stops += 1;
    if (!f.onScreen) invisible.push(`${f.el}: off screen when focused`);
    else if (!f.indicator) invisible.push(`${f.el}: no visible change (outline ${f.now.outline}, box-shadow ${f.now.boxShadow})`);
  }
  counts.tabStops += stops;
  check(stops > 5, "keyboard: page has Tab stops", where, `only ${stops} Tab stops`);
  check(invisible.length === 0, "keyboard: focus is always visible", where, invisible.join("\n"));
  counts.journeys["keyboard"] += 1;
}

async function crossReferenceJourney(page, base, width) {
  const where = `model/step-1.html @${width}px`;
  await open(page, `${base}/model/step-1.html`, width);
  const link = page.locator("#main").getByRole("link", { name: "steps two", exact: true });
  if (!check((await link.count()) > 0, "cross-reference: step 1 links to step 2 (\"steps two\")", where, "no such link in main")) return;
  await link.first().click();
  await page.waitForURL(/\/model\/step-2\.html$/);
  const h1 = await page.locator("h1").innerText();
  check(/Step 2 of 7/.test(h1), "cross-reference: link opens step 2", where, `h1: ${h1}`);
  // On a phone a lone "Home" breadcrumb is folded into the header's name,
  // which leads to the same page.
  const home = width <= 320
    ? page.locator("a.site-header__name")
    : page.locator("nav.breadcrumbs").getByRole("link", { name: "Home", exact: true });
  await home.click();
  await page.waitForURL(/\/model\/index\.html$/);
  pass();
  await page.locator("#main a[href='step-1.html']").first().click();
  await page.waitForURL(/\/model\/step-1\.html$/);
  const back = await page.locator("h1").innerText();
  check(/Step 1 of 7/.test(back), "cross-reference: back to step 1 via Home", where, `h1: ${back}`);
  counts.journeys["cross-reference"] += 1;
}

async function printJourney(page, base, edition) {
  const where = `${edition}/print.html`;
  const titles = [];
  for (let n = 1; n <= 7; n += 1) {
    await open(page, `${base}/${edition}/step-${n}.html`, 1280);
    titles.push(await pageTitle(page));
  }
  await open(page, `${base}/${edition}/print.html`, 1280);
  const printed = await page.evaluate(() =>
    [...document.querySelectorAll(".print-page")].map((s) => ({
      id: s.id,
      title: (s.querySelector("h2") || s).textContent.replace(/\s+/g, " ").trim(),
      length: s.textContent.length,
    })),
  );
  const missing = titles.filter((t, i) => !printed.some((p) => p.id === `step-${i + 1}` && p.title === t && p.length > 500));
  check(titles.every(Boolean) && missing.length === 0, "print: print view contains all seven steps", where, `missing: ${missing.join("; ") || "(step titles not found)"}`);

  // Print stylesheet: navigation shown on screen, hidden in print.
  const shown = (selector) =>
    page.evaluate((sel) => [...document.querySelectorAll(sel)].map((el) => getComputedStyle(el).display !== "none"), selector);
  await open(page, `${base}/${edition}/step-1.html`, 1280);
  const hidden = [".site-nav", ".breadcrumbs", ".skip-link", ".pagination"];
  for (const sel of [".site-nav", ".breadcrumbs"]) {
    const screen = await shown(sel);
    check(screen.length > 0 && screen.every(Boolean), `print: ${sel} shown on screen`, `${edition}/step-1.html`, JSON.stringify(screen));
  }
  await page.emulateMedia({ media: "print" });
  for (const sel of hidden) {
    const inPrint = await shown(sel);
    check(inPrint.every((s) => !s), `print: ${sel} hidden in print`, `${edition}/step-1.html`, JSON.stringify(inPrint));
  }
  await page.goto(`${base}/${edition}/print.html`);
  for (const sel of hidden) {
    const inPrint = await shown(sel);
    check(inPrint.every((s) => !s), `print: ${sel} hidden in print`, where, JSON.stringify(inPrint));
  }
  const pages = await shown(".print-page");
  check(pages.length >= 7 && pages.every(Boolean), "print: every page shown in print", where, JSON.stringify(pages));
  await page.emulateMedia({ media: null });
  counts.journeys["print"] += 1;
}

/** On a phone the guidance comes first (issue 15): the contents list is
 *  folded away at 320 px, so the page's heading is on the first screen, and
 *  open beside the page at 1280 px. */
async function contentsJourney(page, base, edition) {
  for (const width of WIDTHS) {
    const where = `${edition}/step-3.html @${width}px`;
    await open(page, `${base}/${edition}/step-3.html`, width);
    const state = await page.evaluate(() => {
      const contents = document.querySelector("details[data-contents]");
      const h1 = document.querySelector("main h1");
      return {
        open: contents ? contents.open : null,
        h1Top: h1 ? Math.round(h1.getBoundingClientRect().top + window.scrollY) : null,
      };
    });
    if (width <= 320) {
      check(state.open === false, "contents: folded away on a narrow screen", where, JSON.stringify(state));
      check(state.h1Top !== null && state.h1Top < HEIGHT, "contents: the page's heading is on the first screen", where, JSON.stringify(state));
    } else {
      check(state.open === true, "contents: open beside the page on a wide screen", where, JSON.stringify(state));
    }
  }
  counts.journeys.contents += 1;
}

// Links in whatever shows the search results (Pagefind's UI or our own).
const RESULT_LINKS = ':is([id*="result" i], [class*="result" i]) a[href]';

async function searchJourney(page, base, edition) {
  const home = `${base}/${edition}/index.html`;
  await open(page, home, 1280);
  const box = page.locator("input[type=search]");
  if ((await box.count()) === 0) {
    console.error(`SKIPPED search journey: no search box (${edition}/index.html)`);
    counts.skipped.push(`search journey (${edition}): no search box`);
    return;
  }
  for (const width of WIDTHS) {
    const where = `${edition} search @${width}px`;
    await open(page, home, width);
    await box.first().click();
    await box.first().pressSequentially("support plan", { delay: 20 });
    let results = page.locator(RESULT_LINKS).filter({ visible: true });
    try {
      await results.first().waitFor({ timeout: 5000 });
    } catch {
      // No results as you type: submit the search form.
      await box.first().press("Enter");
      await page.waitForLoadState("load");
      results = page.locator(RESULT_LINKS).filter({ visible: true });
      try {
        await results.first().waitFor({ timeout: 10000 });
      } catch {
        fail("search: results appear for \"support plan\"", where, `no result links (${RESULT_LINKS}) at ${page.url()}`);
        continue;
      }
    }
    pass();
    if (edition === "model") await screenshot(page, `${edition}-search-results-${width}`);
    await runAxe(page, `${where} (results shown)`);
    // More results than fit at once: the button shows the next ones, and the
    // first of them takes the focus.
    const more = page.locator(".search-results__more").filter({ visible: true });
    if ((await more.count()) > 0) {
      const before = await page.locator(".search-results__item").count();
      await more.first().focus();
      await page.keyboard.press("Enter");
      try {
        await page.waitForFunction(
          (n) => document.querySelectorAll(".search-results__item").length > n, before, { timeout: 10000 });
        const focused = await page.evaluate(() => {
          const a = document.activeElement;
          const items = [...document.querySelectorAll(".search-results__item")];
          return a && a.closest(".search-results__item") === items[10] ? "the 11th result" : (a ? a.outerHTML : "nothing");
        });
        check(focused === "the 11th result", "search: more results, the first of them focused", where, `focus on ${focused}`);
        await runAxe(page, `${where} (more results shown)`);
      } catch {
        fail("search: more results appear", where, `still ${before} results after pressing the button`);
      }
    }
    const hrefs = await results.evaluateAll((links) => links.map((a) => a.href));
    const index = hrefs.findIndex((h) => /\/step-3\.html(#.*)?$/.test(h));
    if (!check(index >= 0, "search: step 3 is among the results", where, hrefs.join("\n"))) continue;
    await results.nth(index).click();
    await page.waitForURL(/\/step-3\.html(#.*)?$/);
    const h1 = await page.locator("h1").innerText();
    check(/Step 3 of 7/.test(h1), "search: first step 3 result opens step 3", where, `h1: ${h1}`);
  }
  await searchReadsClean(page, base, edition);
  counts.journeys["search"] += 1;
}

// Two words a social worker would type: the first result is a page whose
// guidance is about them (not the home page, whose contacts mention them),
// and no excerpt carries the labels and end lines around the text or
// contact terms run together.
async function searchReadsClean(page, base, edition) {
  const where = `${edition} search "direct payments"`;
  await open(page, `${base}/${edition}/search.html?q=${encodeURIComponent("direct payments")}`, 1280);
  const results = page.locator(RESULT_LINKS).filter({ visible: true });
  try {
    await results.first().waitFor({ timeout: 10000 });
  } catch {
    fail("search: results appear for \"direct payments\"", where, `no result links at ${page.url()}`);
    return;
  }
  const first = await results.first().getAttribute("href");
  check(!/(^|\/)index\.html(#.*)?$/.test(first), "search: the home page is not the first result for \"direct payments\"", where, `first result: ${first}`);
  const excerpts = await page.locator(".search-results__item").evaluateAll((items) => items.map((i) => i.innerText));
  const noisy = excerpts.filter((t) => /End of (the )?(note|text|example)|heading added by the editors|Telephone\d|Email\S*@/i.test(t));
  check(noisy.length === 0, "search: excerpts hold the guidance, not labels, end lines or run-together contacts", where, noisy.join("\n---\n"));
}

// An edition in Welsh as well as English (issue 17): its Welsh site at
// EDITION/cy/. The language switch leads to the same page in the other
// language and back; the Welsh search finds a page translated into Welsh
// first; screenshots of a Welsh step page, the switch and the translation
// status page.
async function welshJourney(page, base, edition) {
  const site = `${base}/${edition}/cy`;
  for (const width of WIDTHS) {
    const where = `${edition}/cy @${width}px`;
    await open(page, `${site}/step-3.html`, width);
    check((await page.locator("html").getAttribute("lang")) === "cy", "welsh: the Welsh page is marked lang=cy", where, "");
    await screenshot(page, `${edition}-cy-step-3-${width}`);
    const toEnglish = page.locator('.language-switch a[hreflang="en"]');
    if (width === 1280) await toEnglish.screenshot({ path: path.join(SHOTS, `${edition}-cy-language-switch.png`) }).then(() => { counts.screenshots += 1; });
    await toEnglish.click();
    await page.waitForURL(new RegExp(`/${edition}/step-3\\.html$`));
    check((await page.locator("html").getAttribute("lang")) === "en-GB", "welsh: the switch leads to the English page", where, page.url());
    await page.locator('.language-switch a[hreflang="cy"]').click();
    await page.waitForURL(new RegExp(`/${edition}/cy/step-3\\.html$`));
    pass();
    await open(page, `${site}/translation.html`, width);
    await screenshot(page, `${edition}-cy-translation-${width}`);
    await runAxe(page, `${where} translation status`);
  }
  // The Welsh search: a Welsh word, whose first result is a page in Welsh.
  const where = `${edition}/cy search`;
  await open(page, `${site}/search.html?q=${encodeURIComponent("cynllun gofal a chymorth")}`, 1280);
  const results = page.locator(RESULT_LINKS).filter({ visible: true });
  try {
    await results.first().waitFor({ timeout: 10000 });
  } catch {
    fail("welsh: the Welsh search shows results", where, `no result links at ${page.url()}`);
    return;
  }
  await screenshot(page, `${edition}-cy-search-results-1280`);
  await results.first().click();
  await page.waitForLoadState("load");
  const url = page.url();
  const titleLang = await page.locator("h1 [data-pagefind-meta=title]").getAttribute("lang");
  check(url.includes(`/${edition}/cy/`) && titleLang === null, "welsh: the first result of a Welsh search is a page in Welsh", where, `${url} (title lang ${titleLang})`);
  counts.journeys.welsh += 1;
}

/** Issue 31: from anywhere on a step page, the other steps. Every step page
 *  (each language) has the step switcher under its title and above
 *  previous/next, with its own step marked; on step 3 a keyboard user
 *  reaches step 5 from it, and at 360 px "Back to top" stays in view
 *  half-way down the page and leads back to the switcher. */
async function stepsJourney(page, base, out, edition) {
  const pages = stepPages(out).filter((p) => p.startsWith(`${edition}/`));
  for (const rel of pages) {
    await open(page, `${base}/${rel}`, 1280);
    const n = Number(rel.match(/step-(\d)\.html$/)[1]);
    const state = await page.evaluate(() => {
      const lists = [...document.querySelectorAll("ul.step-switcher")];
      return lists.map((ul) => ({
        inNav: !!ul.closest("nav"),
        links: ul.querySelectorAll("a").length,
        current: [...ul.querySelectorAll("a[aria-current=page]")].map((a) => a.textContent.replace(/\s+/g, " ").trim()),
        name: ul.querySelector("a[aria-current=page]") ? ul.querySelector("a[aria-current=page]").textContent.trim() : "",
      }));
    });
    check(
      state.length === 2 && state.every((l) => l.inNav && l.links === 7 && l.current.length === 1 && l.current[0].endsWith(String(n))),
      "steps: a step switcher above the text and one above previous/next, this step marked",
      rel,
      JSON.stringify(state),
    );
  }
  const where = `${edition}/step-3.html`;
  await open(page, `${base}/${edition}/step-3.html`, 1280);
  const five = page.locator("nav.steps-nav a").nth(4);
  await five.focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/step-5\.html$/);
  check(/5/.test(await page.locator("h1 .caption").innerText()), "steps: the switcher leads to step 5 by keyboard", where, page.url());
  await open(page, `${base}/${edition}/step-3.html`, PHONE.width);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight / 2));
  await page.waitForTimeout(50);
  const back = await page.evaluate(() => {
    const a = document.querySelector(".back-to-top a");
    if (!a) return null;
    const r = a.getBoundingClientRect();
    return { inView: r.top >= 0 && r.bottom <= window.innerHeight, href: a.getAttribute("href") };
  });
  check(back && back.inView, "steps: \"Back to top\" is in view half-way down the page at 360 px", where, JSON.stringify(back));
  if (back) {
    await page.locator(".back-to-top a").click();
    await page.waitForFunction(() => window.scrollY === 0, null, { timeout: 5000 }).catch(() => {});
    const switcherInView = await page.evaluate(() => {
      const nav = document.querySelector("nav.steps-nav");
      return !!nav && nav.getBoundingClientRect().bottom <= window.innerHeight;
    });
    check(switcherInView, "steps: \"Back to top\" leads back to the step switcher", where, "");
  }
  counts.journeys.steps += 1;
}

/** Issue 31: a printed step says where it came from. In print media the
 *  stamp under the title names the edition, the last update and that
 *  printed copies are uncontrolled; on screen it is not shown; link words
 *  that lead nowhere on paper are not printed. The whole-handbook print
 *  keeps its contents, with each page's sections under its title. */
async function printStampJourney(page, base, edition) {
  const where = `${edition}/step-3.html (print)`;
  await open(page, `${base}/${edition}/step-3.html`, 1280);
  const name = (await page.locator(".site-header__name").innerText()).trim();
  const onScreen = await page.locator(".page-stamp").isVisible();
  check(!onScreen, "print stamp: not shown on screen", where, "");
  // Issue 36: "Report a problem with this page" on screen (a council's
  // edition), never on paper (below).
  const report = await page.locator(".feedback a[href^='mailto:']").count();
  check(report === (edition === "model" ? 0 : 1), "report a problem: the link is on the screen of a council's page", where, `${report} links`);
  await page.emulateMedia({ media: "print" });
  await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  const stamp = await page.locator(".page-stamp").innerText();
  check(stamp.includes(name) && /Last updated|Diweddarwyd/.test(stamp) && /uncontrolled|rheoli/.test(stamp) && /Printed on|Argraffwyd ar/.test(stamp),
    "print stamp: edition, last update, print date and uncontrolled copies", where, stamp);
  const hidden = await page.evaluate(() =>
    [".backlinks", ".hb-local-label a", ".origin-tag a", ".steps-nav", ".back-to-top", ".feedback"]
      .flatMap((sel) => [...document.querySelectorAll(sel)].map((el) => ({ sel, shown: getComputedStyle(el).display !== "none" })))
      .filter((x) => x.shown));
  check(hidden.length === 0, "print stamp: link words that lead nowhere on paper are not printed", where, JSON.stringify(hidden));
  const closed = await page.evaluate(() => document.querySelectorAll("main details:not([open])").length);
  check(closed === 0, "print stamp: folded parts print open", where, `${closed} closed`);
  await page.evaluate(() => window.dispatchEvent(new Event("afterprint")));
  await page.emulateMedia({ media: null });
  await open(page, `${base}/${edition}/print.html`, 1280);
  await page.emulateMedia({ media: "print" });
  const view = await page.evaluate(() => ({
    contents: !!document.querySelector(".print-contents") && getComputedStyle(document.querySelector(".print-contents")).display !== "none",
    pageTitles: document.querySelectorAll(".print-page > h2").length,
    pages: document.querySelectorAll(".print-page").length,
    sectionH2: document.querySelectorAll(".print-page .prose h2").length,
  }));
  check(view.contents && view.pageTitles === view.pages && view.sectionH2 === 0,
    "print stamp: the whole-handbook print keeps its contents, sections under each page's title", `${edition}/print.html`, JSON.stringify(view));
  await page.emulateMedia({ media: null });
  counts.journeys["print stamp"] += 1;
}

/** Issue 31: what a reader must act on comes first. An edition's urgent
 *  box on its safeguarding page is the first thing on a phone's screen,
 *  above the header, with its numbers as links that call them. */
async function urgentJourney(page, base, edition) {
  const where = `${edition}/staying-safe.html @${PHONE.width}px`;
  await open(page, `${base}/${edition}/staying-safe.html`, PHONE.width);
  const box = await page.evaluate(() => {
    const urgent = document.querySelector(".urgent");
    if (!urgent) return null;
    const header = document.querySelector(".site-header");
    return {
      top: Math.round(urgent.getBoundingClientRect().top + window.scrollY),
      bottom: Math.round(urgent.getBoundingClientRect().bottom),
      headerTop: Math.round(header.getBoundingClientRect().top + window.scrollY),
      tel: [...urgent.querySelectorAll("a[href^='tel:']")].length,
    };
  });
  if (box === null) {
    check(edition === "model", "urgent: each council's safeguarding page has an urgent box", where, "no .urgent box");
    return;
  }
  check(box.top === 0 && box.headerTop >= box.bottom && box.bottom <= PHONE.height && box.tel >= 2,
    "urgent: the urgent box comes first on a phone, whole on the first screen, with numbers to call", where, JSON.stringify(box));
  counts.journeys.urgent += 1;
}

/** The first sheet of a page as printed on A4, as a PDF and (where
 *  pdftoppm is installed) a PNG of its first sheet. */
async function printedSheet(page, url, name) {
  await page.goto(url, { waitUntil: "load" });
  const pdf = path.join(SHOTS, `${name}.pdf`);
  await page.pdf({ path: pdf, format: "A4", printBackground: true });
  const png = spawnSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, path.join(SHOTS, `${name}-sheet-1`)]);
  if (png.status !== 0) {
    await page.emulateMedia({ media: "print" });
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: path.join(SHOTS, `${name}-sheet-1.png`) });
    await page.emulateMedia({ media: null });
  }
  counts.screenshots += 1;
}

async function notFound(base, edition) {
  const response = await fetch(`${base}/${edition}/no-such-page.html`);
  const body = await response.text();
  check(response.status === 404 && /Page not found/.test(body), "server: missing page gives the edition's 404 page", `${edition}/no-such-page.html`, `status ${response.status}`);
}

// ---------------------------------------------------------------- main

async function main() {
  const outArg = process.argv[2];
  if (!outArg) {
    console.error("usage: node tests/browser/run.mjs OUT_DIR   (OUT_DIR: output of `handbook build`)");
    return 2;
  }
  const out = fs.realpathSync(path.resolve(outArg));
  if (!isFile(CHROMIUM)) {
    console.error(`${CHROMIUM} is missing: install Debian's chromium (run .ci/run, which does it with apt-get).`);
    return 2;
  }
  const editions = editionsOf(out);
  if (!editions.includes("model") || !isFile(path.join(out, "index.html"))) {
    console.error(`${out} does not look like a full build: expected index.html and model/ (found: ${editions.join(", ") || "nothing"}).`);
    return 2;
  }
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });

  const files = htmlFiles(out);
  counts.pages = files.length;
  const validator = new HtmlValidate(new StaticConfigLoader(HTML_VALIDATE_CONFIG));

  // The W3C Nu HTML checker over every page, in one run of Java.
  const nu = spawnSync(process.execPath, [path.join(REPO, "tests/browser/nu.mjs"), out], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  counts.nu = (nu.stdout || "").trim().split("\n").at(-1) || `exit ${nu.status}`;
  if (nu.status === 0) pass();
  else fail("Nu HTML checker", out, `${nu.stdout || ""}${nu.stderr || ""}`.trim());

  const server = await serve(out);
  const base = `http://127.0.0.1:${server.address().port}`;
  let browser;
  try {
    browser = await launch({ viewport: { width: WIDTHS[0], height: HEIGHT }, reducedMotion: "reduce" });
    const context = browser.context;
    console.log(`Browser gate: ${files.length} pages in ${editions.length} editions (${editions.join(", ")}) + index.html, served at ${base}, Chromium ${context.browser()?.version() ?? ""}`.trim());

    // Every page: html-validate, then axe and reflow at each width.
    const queue = files.map((file) => path.relative(out, file).split(path.sep).join("/"));
    const worker = async () => {
      let current = "";
      const page = await newPage(context, base, () => current);
      for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
        current = rel;
        await validateHtml(validator, path.join(out, rel), rel);
        for (const width of WIDTHS) {
          const where = `${rel} @${width}px`;
          current = where;
          const response = await open(page, `${base}/${rel}`, width);
          if (!check(response && response.status() === 200, "page loads", where, `status ${response && response.status()}`)) continue;
          await runAxe(page, where);
          if (width <= 320) await checkReflow(page, where);
        }
      }
      await page.close();
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));

    // Where the guidance starts on a phone, on every step page (issue 31).
    counts.firstScreen = await measureFirstScreen(base, stepPages(out));
    for (const row of counts.firstScreen) {
      check(
        withinLimits(row),
        `first screen: guidance starts within ${LIMITS.on} px with JavaScript and ${LIMITS.off} px without at ${PHONE.width}×${PHONE.height}`,
        row.page,
        `with JavaScript ${row.on} px, without ${row.off} px`,
      );
    }

    // Journeys.
    let current = "journeys";
    const page = await newPage(context, base, () => current);
    // A journey that breaks off (a missing element, a wrong page) is a
    // failure of that journey; the others still run.
    const attempt = async (name, journey) => {
      try {
        await journey();
      } catch (error) {
        fail(name, current, error && error.message ? error.message : String(error));
        await page.emulateMedia({ media: null }).catch(() => {});
      }
    };
    for (const edition of editions) {
      current = `${edition} journeys`;
      await attempt("server: 404", () => notFound(base, edition));
      for (const width of WIDTHS) {
        await attempt(`keyboard journey @${width}px`, () => keyboardJourney(page, base, edition, width));
      }
      await attempt("print journey", () => printJourney(page, base, edition));
      await attempt("contents journey", () => contentsJourney(page, base, edition));
      await attempt("steps journey", () => stepsJourney(page, base, out, edition));
      await attempt("print stamp journey", () => printStampJourney(page, base, edition));
      await attempt("urgent journey", () => urgentJourney(page, base, edition));
      await attempt("search journey", () => searchJourney(page, base, edition));
      if (isFile(path.join(out, edition, "cy", "index.html"))) {
        await attempt("welsh journey", () => welshJourney(page, base, edition));
      }
      await attempt("screenshots", async () => {
        for (const width of WIDTHS) {
          await open(page, `${base}/${edition}/index.html`, width);
          await screenshot(page, `${edition}-home-${width}`);
          await open(page, `${base}/${edition}/step-3.html`, width);
          await screenshot(page, `${edition}-step-3-${width}`);
        }
        // Step 3 on the phone the first-screen limits are for (issue 31).
        await page.setViewportSize(PHONE);
        await page.goto(`${base}/${edition}/step-3.html`, { waitUntil: "load" });
        await screenshot(page, `${edition}-step-3-${PHONE.width}`);
        if (isFile(path.join(out, edition, "cy", "step-3.html"))) {
          await page.goto(`${base}/${edition}/cy/step-3.html`, { waitUntil: "load" });
          await screenshot(page, `${edition}-cy-step-3-${PHONE.width}`);
        }
        // Step 3 as it prints, with the council's text marked in words.
        await open(page, `${base}/${edition}/step-3.html`, 1280);
        await page.emulateMedia({ media: "print" });
        await screenshot(page, `${edition}-step-3-print`);
        await page.emulateMedia({ media: null });
        await printedSheet(page, `${base}/${edition}/step-3.html`, `${edition}-step-3-printed`);
        await printedSheet(page, `${base}/${edition}/print.html`, `${edition}-print-printed`);
      });
    }
    current = "model journeys";
    for (const width of WIDTHS) {
      await attempt(`cross-reference journey @${width}px`, () => crossReferenceJourney(page, base, width));
    }
    await attempt("screenshots", async () => {
      await open(page, `${base}/index.html`, 1280);
      await screenshot(page, "editions-index-1280");
    });
    await page.close();
  } finally {
    if (browser) await browser.close();
    server.close();
  }

  const incomplete = [...counts.axeIncomplete].map(([id, n]) => `${id} ×${n}`).join(", ");
  console.log("");
  console.log("Browser gate summary");
  console.log(`  pages checked:       ${counts.pages} (${editions.join(", ")} and the editions index)`);
  console.log(`  axe runs:            ${counts.axeRuns} (tags ${AXE_TAGS.join(", ")}; widths ${WIDTHS.join(" and ")} px)`);
  console.log(`  axe violations:      ${counts.axeViolations} (${counts.axeViolationNodes} elements)`);
  console.log(`  axe needs review:    ${incomplete || "none"} (not failures; for a person to look at)`);
  console.log(`  reflow at 320 px:    ${counts.reflowChecks} pages checked`);
  console.log(`  html-validate:       ${counts.validated} pages, ${counts.validationErrors} errors, ${counts.validationWarnings} warnings`);
  console.log(`  Nu HTML checker:     ${counts.nu}`);
  const j = counts.journeys;
  console.log(`  journeys completed:  keyboard ${j.keyboard} (${counts.tabStops} Tab stops), cross-reference ${j["cross-reference"]}, print ${j.print}, search ${j.search}, contents ${j.contents}, welsh ${j.welsh}, steps ${j.steps}, print stamp ${j["print stamp"]}, urgent ${j.urgent}`);
  const fs360 = counts.firstScreen;
  if (fs360.length) {
    const worst = (key) => fs360.reduce((a, b) => (b[key] > a[key] ? b : a));
    console.log(`  first screen:        ${fs360.length} step pages at ${PHONE.width}×${PHONE.height}; guidance starts by ${worst("on").on} px with JavaScript (${worst("on").page}), ${worst("off").off} px without (${worst("off").page})`);
    for (const r of fs360) console.log(`    ${r.page.padEnd(30)} ${String(r.on).padStart(5)} px with JavaScript, ${String(r.off).padStart(5)} px without`);
  }
  for (const s of counts.skipped) console.log(`  SKIPPED:             ${s}`);
  console.log(`  screenshots:         ${counts.screenshots} in ${path.relative(REPO, SHOTS)}/`);
  console.log(`  failures:            ${failures.length}`);
  console.log(`checks: ${counts.passed} passed, ${failures.length} failed`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`browser gate crashed: ${error && error.stack ? error.stack : error}`);
    process.exitCode = 2;
  },
);
