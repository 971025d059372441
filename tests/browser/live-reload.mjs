#!/usr/bin/env node
// Live reload in a real browser (issue 6).
//
//   node tests/browser/live-reload.mjs URL FILE FROM TO
//
// Opens URL (a page of a running `handbook serve`) in Debian's Chromium,
// marks the open tab, replaces FROM with TO in FILE (a save, as an editor
// makes one), and waits for the tab to reload itself and show TO. Exit
// status 1 if the tab does not reload within 10 seconds.

import fs from "node:fs";
import { launch } from "./site-files.mjs";

const [url, file, from, to] = process.argv.slice(2);
if (!url || !file || !from || !to) {
  console.error("usage: live-reload.mjs URL FILE FROM TO");
  process.exit(2);
}

const browser = await launch();
let failed = false;
try {
  const page = await browser.context.newPage();
  await page.goto(url, { waitUntil: "load" });
  // Wait until the page's event stream is connected before saving.
  await page.waitForSelector("html[data-live-reload=connected]", { state: "attached", timeout: 10000 });
  await page.evaluate(() => { window.__beforeSave = true; });
  const reloaded = page.waitForEvent("load", { timeout: 10000 });
  const text = fs.readFileSync(file, "utf8");
  if (!text.includes(from)) {
    throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  }
  fs.writeFileSync(file, text.replace(from, to));
  await reloaded;
  const marker = await page.evaluate(() => window.__beforeSave === true);
  const body = await page.textContent("body");
  if (marker) {
    failed = true;
    console.error("the tab did not reload itself");
  } else if (!body.includes(to)) {
    failed = true;
    console.error(`the reloaded tab does not show ${JSON.stringify(to)}`);
  } else {
    console.log("live reload: the open tab reloaded itself and shows the saved text");
  }
} catch (error) {
  failed = true;
  console.error(`live reload failed: ${error.message}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
