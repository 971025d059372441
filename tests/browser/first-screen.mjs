// Where the guidance starts on a phone (issue 31): on every step page of
// every edition and language, at 360×740, with JavaScript on and off, the
// distance from the top of the page to the first paragraph of guidance.
//
//   node tests/browser/first-screen.mjs OUT_DIR   (prints a table; exit 1 over the limits)
//
// run.mjs imports `measureFirstScreen` and checks the same limits. The first
// paragraph of guidance is the first <p> of the page's text that is not a
// label of whose words follow (a council's label, an editors' mark).

import fs from "node:fs";
import path from "node:path";
import { isFile, serve } from "./serve.mjs";
import { launch } from "./site-files.mjs";

/** The phone the limits are for. */
export const PHONE = { width: 360, height: 740 };
/** With JavaScript, within the first screen; without it, within a screen and a half. */
export const LIMITS = { on: 740, off: 1110 };

const GUIDANCE =
  "main .prose p:not(.hb-local-label):not(.hb-local-end):not(.editorial__mark):not(.translation-tag)";

/** The step pages of every edition and language under `out`, as site paths. */
export function stepPages(out) {
  const found = [];
  for (const edition of fs.readdirSync(out, { withFileTypes: true })) {
    if (!edition.isDirectory()) continue;
    for (const lang of ["", "cy/"]) {
      for (let n = 1; n <= 7; n += 1) {
        const rel = `${edition.name}/${lang}step-${n}.html`;
        if (isFile(path.join(out, rel))) found.push(rel);
      }
    }
  }
  return found.sort();
}

/** The top of the first guidance paragraph of the open page, in CSS pixels from the top of the page. */
export function guidanceTop(page) {
  return page.evaluate((selector) => {
    const p = document.querySelector(selector);
    return p ? Math.round(p.getBoundingClientRect().top + window.scrollY) : null;
  }, GUIDANCE);
}

/**
 * Opens every step page at 360×740 with JavaScript on and off and returns
 * one row per page: { page, on, off } (pixels; null when no paragraph).
 */
export async function measureFirstScreen(base, pages) {
  const rows = new Map(pages.map((p) => [p, { page: p, on: null, off: null }]));
  for (const [key, javaScriptEnabled] of [["on", true], ["off", false]]) {
    const browser = await launch({ viewport: PHONE, javaScriptEnabled, isMobile: true, hasTouch: true });
    try {
      const page = await browser.context.newPage();
      for (const rel of pages) {
        await page.goto(`${base}/${rel}`, { waitUntil: "load" });
        rows.get(rel)[key] = await guidanceTop(page);
      }
    } finally {
      await browser.close();
    }
  }
  return [...rows.values()];
}

/** Whether a row is within the limits. */
export function withinLimits(row) {
  return row.on !== null && row.off !== null && row.on < LIMITS.on && row.off < LIMITS.off;
}

async function main() {
  const out = fs.realpathSync(path.resolve(process.argv[2] || "public"));
  const server = await serve(out);
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const rows = await measureFirstScreen(base, stepPages(out));
    console.log(`first guidance paragraph at ${PHONE.width}×${PHONE.height} (limits: ${LIMITS.on} px with JavaScript, ${LIMITS.off} px without)`);
    for (const r of rows) {
      console.log(`${withinLimits(r) ? "ok  " : "OVER"} ${r.page.padEnd(32)} on ${String(r.on).padStart(5)}  off ${String(r.off).padStart(5)}`);
    }
    return rows.every(withinLimits) ? 0 : 1;
  } finally {
    server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => {
    process.exitCode = code;
  });
}
