// Handbook: the saved copy of one edition, kept on a reader's device to read
// without a signal (issue 36). Written at the top of an edition with
// `offline: true`, and started only when the reader presses "Keep this
// handbook on this device" (handbook.js). It saves every file offline.json
// lists, serves the edition's pages, files and search index from that copy,
// and, when the device is online, saves the edition again once its stamp has
// changed. Every address is relative to the edition's folder, so it works
// under any sub-path; it asks no other host for anything.
"use strict";

var SCOPE = self.registration.scope;
var PREFIX = "handbook-offline " + SCOPE + " ";
var LIST = new URL("offline.json", SCOPE).href;

// The list of the edition's files as the server has it now.
function fetchList() {
  return fetch(LIST, { cache: "no-store" }).then(function (response) {
    if (!response.ok) {
      throw new Error("no list of files at " + LIST);
    }
    return response.json();
  });
}

// This edition's complete copies (a copy is complete once its list is in
// it, which is saved last), newest first.
function copies() {
  return caches.keys().then(function (names) {
    var mine = names.filter(function (name) {
      return name.indexOf(PREFIX) === 0;
    });
    return Promise.all(mine.map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.match(LIST).then(function (found) {
          return found ? cache : null;
        });
      });
    })).then(function (found) {
      return found.filter(Boolean).reverse();
    });
  });
}

function stampOf(cache) {
  return cache.match(LIST).then(function (found) {
    return found ? found.json().then(function (list) {
      return list.stamp;
    }) : null;
  });
}

// Saves every file of `list` in a copy named by its stamp, then the list
// itself, then drops the older copies. A copy that fails part way is
// dropped, and the one before it kept.
function save(list) {
  var name = PREFIX + list.stamp;
  return caches.open(name).then(function (cache) {
    var requests = list.files.map(function (path) {
      return new Request(new URL(path, SCOPE).href, { cache: "no-store" });
    });
    return cache.addAll(requests).then(function () {
      return cache.put(LIST, new Response(JSON.stringify(list), {
        headers: { "Content-Type": "application/json; charset=utf-8" },
      }));
    });
  }).then(function () {
    return caches.keys();
  }).then(function (names) {
    return Promise.all(names.filter(function (other) {
      return other.indexOf(PREFIX) === 0 && other !== name;
    }).map(function (other) {
      return caches.delete(other);
    }));
  }, function (error) {
    return caches.delete(name).then(function () {
      throw error;
    });
  });
}

// Tells each open page of the edition that its copy was saved again.
function tellUpdated() {
  return self.clients.matchAll({ type: "window" }).then(function (windows) {
    windows.forEach(function (client) {
      client.postMessage({ handbook: "updated" });
    });
  });
}

// Saves the edition again if the server's list has another stamp than the
// copy's; nothing when offline, or when there is no copy (it was removed).
// Once the list has been fetched, it is not fetched again for five minutes,
// so reading page after page does not spend a reader's mobile data.
var checking = null;
var checked = 0;
var AGAIN_AFTER = 5 * 60 * 1000;
function update() {
  if (checking || Date.now() - checked < AGAIN_AFTER) {
    return checking || Promise.resolve();
  }
  checking = copies().then(function (found) {
    if (!found.length) {
      return null;
    }
    return Promise.all([stampOf(found[0]), fetchList()]).then(function (both) {
      checked = Date.now();
      if (both[0] === both[1].stamp) {
        return null;
      }
      return save(both[1]).then(tellUpdated);
    });
  }).catch(function () {
    // Offline, or the server unreachable: the copy stays as it is.
  }).then(function () {
    checking = null;
  });
  return checking;
}

// The saved file for `url`: a folder's address is its index.html, and a
// page's query (a search) is not part of its file.
function fromCopy(url) {
  var address = new URL(url);
  var path = address.origin + address.pathname;
  if (path.slice(-1) === "/") {
    path += "index.html";
  }
  return copies().then(function (found) {
    return found.reduce(function (answer, cache) {
      return answer.then(function (response) {
        return response || cache.match(path);
      });
    }, Promise.resolve(undefined));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(fetchList().then(save).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) {
    return;
  }
  event.respondWith(fromCopy(request.url).then(function (saved) {
    if (saved) {
      return saved;
    }
    return fetch(request).catch(function (error) {
      if (request.mode !== "navigate") {
        throw error;
      }
      return fromCopy(new URL("404.html", SCOPE).href).then(function (page) {
        if (page) {
          return page;
        }
        throw error;
      });
    });
  }));
  if (request.mode === "navigate") {
    event.waitUntil(update());
  }
});
