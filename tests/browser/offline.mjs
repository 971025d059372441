#!/usr/bin/env node
// Reading offline (issue 36), in a real browser, as a reader does it.
//
//   node tests/browser/offline.mjs OUT_DIR EDITION QUERY EDIT_FILE FROM TO HANDBOOK ROOT ARGS...
//
// Serves OUT_DIR on 127.0.0.1 (service workers need http://, not file://),
// opens EDITION's home page (EDITION `.`: the edition at the top) in Debian's Chromium and presses "Keep this
// handbook on this device". Then the network is switched off (the browser
// set offline and the server stopped), and it opens other pages and runs
// the search QUERY. Then it replaces FROM with TO in EDIT_FILE, rebuilds
// with `HANDBOOK ARGS...` in ROOT (a build into OUT_DIR), switches the network on,
// opens a page, waits for the copy to update, switches the network off and
// opens the edited page again. Last it removes the saved copy. It prints
// what the reader is shown, one line each:
//
//   control: <"shown" or "hidden">, <the button's text>
//   before: <caches the edition has before the button is pressed>, controlled <true or false>
//   kept: <the status line after pressing>
//   offline <path>: <the page's h1> | notice: <the saved-copy notice, or "none">
//   search: <the results' status line> | first: <the first result's path>
//   updated: <the status line after the update>
//   after update <path>: <"has" or "lacks"> TO | notice: <the notice>
//   removed: <the status line>, caches <left>, button <the button shown>
//   outside: <each address asked of another host than 127.0.0.1>
//
// Exit status 1 on any failure to find what it waits for.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { serve } from "./serve.mjs";
import { launch } from "./site-files.mjs";

const [out, edition, query, editFile, from, to, handbook, root, ...build] = process.argv.slice(2);
if (!build.length) {
  console.error("usage: offline.mjs OUT_DIR EDITION QUERY EDIT_FILE FROM TO HANDBOOK ROOT ARGS...");
  process.exit(2);
}

const dir = fs.realpathSync(out);
let server = await serve(dir);
const port = server.address().port;
const base = `http://127.0.0.1:${port}/${edition === "." ? "" : `${edition}/`}`;
const browser = await launch();
const outside = new Set();
browser.context.on("request", (request) => {
  const url = new URL(request.url());
  if (url.hostname !== "127.0.0.1" && url.protocol !== "data:") outside.add(request.url());
});

async function networkOff() {
  await browser.context.setOffline(true);
  await new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
}

async function networkOn() {
  server = await serve(dir, port);
  await browser.context.setOffline(false);
}

async function notice(page) {
  const shown = await page.$eval("[data-saved-copy]", (n) => !n.hidden).catch(() => false);
  return shown ? (await page.textContent("[data-saved-copy]")).trim() : "none";
}

async function open(page, path) {
  await page.goto(base + path, { waitUntil: "load" });
  // The notice is filled in from the saved copy's list.
  await page.waitForFunction(() => {
    const n = document.querySelector("[data-saved-copy]");
    return !n || !n.hidden || !navigator.serviceWorker.controller;
  }, null, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(300);
  const h1 = (await page.textContent("h1")).trim().replace(/\s+/g, " ");
  console.log(`offline ${path}: ${h1} | notice: ${await notice(page)}`);
}

let failed = false;
try {
  const page = await browser.context.newPage();
  await page.goto(base, { waitUntil: "load" });
  const control = await page.$("[data-offline-keep]");
  const shown = control && (await control.isVisible());
  console.log(`control: ${shown ? "shown" : "hidden"}, ${control ? (await control.textContent()).trim() : ""}`);
  const before = await page.evaluate(async () => [(await caches.keys()).length, Boolean(navigator.serviceWorker.controller)]);
  console.log(`before: ${before[0]}, controlled ${before[1]}`);

  await page.click("[data-offline-keep]");
  await page.waitForFunction(() => {
    const s = document.querySelector("[data-offline-status]");
    return s && s.textContent && !document.querySelector("[data-offline-keep]").disabled;
  }, null, { timeout: 30000 });
  console.log(`kept: ${(await page.textContent("[data-offline-status]")).trim()}`);

  await networkOff();
  await open(page, "step-2.html");
  await open(page, "glossary.html");
  await page.goto(`${base}search.html?q=${encodeURIComponent(query)}`, { waitUntil: "load" });
  await page.waitForSelector("#hb-search-status", { timeout: 20000 });
  const status = (await page.textContent("#hb-search-status")).trim();
  const first = await page.$eval(".search-results__title a", (a) => new URL(a.href).pathname).catch(() => "none");
  console.log(`search: ${status} | first: ${first}`);

  fs.writeFileSync(editFile, fs.readFileSync(editFile, "utf8").replace(from, to));
  execFileSync(handbook, build, { cwd: root, stdio: "ignore" });
  await networkOn();
  await page.goto(base + "step-1.html", { waitUntil: "load" });
  await page.waitForFunction(() => {
    const s = document.querySelector("[data-offline-status]");
    return s && s.textContent;
  }, null, { timeout: 30000 });
  console.log(`updated: ${(await page.textContent("[data-offline-status]")).trim()}`);

  await networkOff();
  const edited = editFile.split("/").pop().replace(/\.md$/, ".html");
  await page.goto(base + edited, { waitUntil: "load" });
  const text = await page.textContent("main");
  console.log(`after update ${edited}: ${text.includes(to) ? "has" : "lacks"} TO | notice: ${await notice(page)}`);

  await networkOn();
  await page.goto(base, { waitUntil: "load" });
  await page.waitForSelector("[data-offline-remove]:not([hidden])", { timeout: 10000 });
  await page.click("[data-offline-remove]");
  await page.waitForFunction(() => !document.querySelector("[data-offline-keep]").hidden, null, { timeout: 10000 });
  const left = await page.evaluate(async () => (await caches.keys()).length);
  const button = (await page.textContent("[data-offline-keep]")).trim();
  console.log(`removed: ${(await page.textContent("[data-offline-status]")).trim()}, caches ${left}, button ${button}`);
  for (const address of [...outside].sort()) {
    console.log(`outside: ${address}`);
  }
} catch (e) {
  console.error(`offline reading failed: ${e.message}`);
  failed = true;
} finally {
  await browser.close();
  server.close();
  server.closeAllConnections();
}
process.exit(failed ? 1 : 0);
