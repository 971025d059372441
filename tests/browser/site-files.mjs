// The pages of a built site, and the browser that opens them, for the
// scripts that check them. No browser is ever downloaded: it is Debian's
// /usr/bin/chromium (HANDBOOK_CHROMIUM overrides the path), installed by .ci/run.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

/** Every .html file under `dir`, by full path, sorted. */
export function htmlFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith(".html")) found.push(full);
    }
  };
  walk(dir);
  return found.sort();
}

/** The browser the checks run in. */
export const CHROMIUM = process.env.HANDBOOK_CHROMIUM || "/usr/bin/chromium";

/** How it is started: headless, and making no request of its own. */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Starts Chromium with a fresh profile, and `extra` context options.
 * Returns the context and a function that closes it and removes the profile.
 */
export async function launch(extra = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "handbook-chromium-"));
  const close = async (context) => {
    if (context) await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      ...extra,
    });
    return { context, close: () => close(context) };
  } catch (error) {
    await close(null);
    throw error;
  }
}
