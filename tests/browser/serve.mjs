// A tiny static file server for built handbook sites, used by run.mjs.
//
//   node tests/browser/serve.mjs OUT_DIR [PORT]   (to look at a build by hand)
//
// Serves OUT_DIR on 127.0.0.1 only, with the right content types; a folder
// serves its index.html; a missing file gets its edition's 404.html (the
// first folder of the address), with status 404, as a host would be set up.

import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".atom": "application/atom+xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

function contentType(file) {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
}

export function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDir(file) {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** Serves `root` on 127.0.0.1 (port 0: a free one); resolves to the server. */
export function serve(root, port = 0) {
  const server = http.createServer((req, res) => {
    const send = (status, file, headers = {}) => {
      const body = file ? fs.readFileSync(file) : Buffer.from(`${status}\n`);
      res.writeHead(status, {
        "Content-Type": file ? contentType(file) : "text/plain; charset=utf-8",
        "Content-Length": body.length,
        "Cache-Control": "no-store",
        ...headers,
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(405, null, { Allow: "GET, HEAD" });
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch {
      send(400, null);
      return;
    }
    const file = path.resolve(root, `.${pathname}`);
    if (file !== root && !file.startsWith(root + path.sep)) {
      send(403, null);
      return;
    }
    if (isDir(file)) {
      if (!pathname.endsWith("/")) {
        send(301, null, { Location: `${pathname}/` });
        return;
      }
      if (isFile(path.join(file, "index.html"))) {
        send(200, path.join(file, "index.html"));
        return;
      }
    } else if (isFile(file)) {
      send(200, file);
      return;
    }
    // Not found: the edition's own 404 page, as a host would be set up to do.
    const edition = pathname.split("/").filter(Boolean)[0];
    const page404 = [edition && path.join(root, edition, "404.html"), path.join(root, "404.html")].find(
      (candidate) => candidate && isFile(candidate),
    );
    send(404, page404 || null);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = process.argv[2];
  if (!root) {
    console.error("usage: node tests/browser/serve.mjs OUT_DIR [PORT]");
    process.exit(2);
  }
  serve(fs.realpathSync(root), Number(process.argv[3] || 0)).then((server) => {
    console.log(`Serving ${root} at http://127.0.0.1:${server.address().port}/ (Ctrl+C to stop)`);
  });
}
