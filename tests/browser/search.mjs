#!/usr/bin/env node
// A search on a built site, in a real browser, as a reader makes one.
//
//   node tests/browser/search.mjs OUT_DIR EDITION QUERY [MORE [REFUSE]]
//
// Serves OUT_DIR, opens EDITION/search.html?q=QUERY in Debian's Chromium,
// presses "Show more results" MORE times (0 if not given) with the
// keyboard, and prints what the reader is shown, one line each. With
// REFUSE set to 1, the first press is made while the server's results
// cannot be fetched (the requests are refused), and what then shows is
// printed first:
//
//   refused: <results shown after the refused press>, button <"enabled" or "disabled">
//
//   status: <the results' status line>
//   result: <address of each result shown, in order>
//   more: <"shown" or "hidden": the button for more results>
//   focus: <the address of the link that has the focus, if one has>
//   index: <each folder of the index the results' entries came from>
//
// Exit status 1 if no results are shown within 20 seconds.

import fs from "node:fs";
import { serve } from "./serve.mjs";
import { launch } from "./site-files.mjs";

const [out, edition, query, more = "0", refuse = "0"] = process.argv.slice(2);
if (!out || !edition || !query) {
  console.error("usage: search.mjs OUT_DIR EDITION QUERY");
  process.exit(2);
}

const server = await serve(fs.realpathSync(out));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
let failed = false;
try {
  const page = await browser.context.newPage();
  const folders = new Set();
  page.on("request", (request) => {
    const url = new URL(request.url());
    const at = url.pathname.indexOf("/fragment/");
    if (at >= 0) folders.add(url.pathname.slice(0, at + 1));
  });
  await page.goto(`${base}/${edition}/search.html?q=${encodeURIComponent(query)}`, { waitUntil: "load" });
  await page.waitForSelector("#hb-search-status", { timeout: 20000 });
  console.log(`status: ${(await page.textContent("#hb-search-status")).trim()}`);
  if (refuse === "1") {
    await page.route("**/fragment/**", (route) => route.abort());
    await page.focus(".search-results__more");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      () => !document.querySelector(".search-results__more").disabled, null, { timeout: 20000 });
    const items = await page.$$eval(".search-results__item", (found) => found.length);
    const enabled = await page.$eval(".search-results__more", (b) => !b.disabled && !b.hidden);
    console.log(`refused: ${items}, button ${enabled ? "enabled" : "disabled"}`);
    await page.unroute("**/fragment/**");
  }
  for (let pressed = 0; pressed < Number(more); pressed++) {
    const before = await page.$$eval(".search-results__item", (items) => items.length);
    await page.focus(".search-results__more");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (n) => document.querySelectorAll(".search-results__item").length > n, before, { timeout: 20000 });
  }
  for (const href of await page.$$eval(".search-results__title a", (links) => links.map((a) => a.href))) {
    console.log(`result: ${new URL(href).pathname}`);
  }
  const button = await page.$(".search-results__more");
  console.log(`more: ${button && (await button.isVisible()) ? "shown" : "hidden"}`);
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.href);
  if (focused) {
    console.log(`focus: ${new URL(focused).pathname}`);
  }
  for (const folder of [...folders].sort()) {
    console.log(`index: ${folder}`);
  }
} catch (e) {
  console.error(`search failed: ${e.message}`);
  failed = true;
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
