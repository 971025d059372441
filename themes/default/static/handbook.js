// Handbook: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // Print controls are hidden until JavaScript can make them work.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    var holder = button.closest(".print-control");
    if (holder) {
      holder.hidden = false;
    }
    button.addEventListener("click", function () {
      window.print();
    });
  });

  // The contents list and "On this page": on wide screens, beside and
  // above the page, open; on narrow screens folded away so the guidance
  // comes first (the same width as the stylesheet's). A reader can open or
  // fold them either way; without this script they are folded.
  var folds = document.querySelectorAll("details[data-contents], details[data-fold]");
  if (folds.length && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 48.9375rem)");
    var fit = function () {
      folds.forEach(function (fold) {
        fold.open = !narrow.matches;
      });
    };
    fit();
    if (narrow.addEventListener) {
      narrow.addEventListener("change", fit);
    }
  }

  // On paper every folded part is printed open, and the date it was
  // printed and the page's address go in the print stamp; all is as it
  // was once printed.
  var folded = [];
  window.addEventListener("beforeprint", function () {
    folded = [];
    document.querySelectorAll("main details:not([open])").forEach(function (d) {
      folded.push(d);
      d.open = true;
    });
    document.querySelectorAll("[data-print-date]").forEach(function (el) {
      el.textContent = el.dataset.printDate.split("{date}").join(
        new Date().toLocaleDateString(document.documentElement.lang || "en-GB",
          { day: "numeric", month: "long", year: "numeric" }));
      el.hidden = false;
    });
    document.querySelectorAll("[data-print-address]").forEach(function (el) {
      if (/^https?:/.test(window.location.protocol)) {
        el.textContent = el.dataset.printAddress.split("{address}").join(window.location.href.split("#")[0]);
        el.hidden = false;
      }
    });
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (d) {
      d.open = false;
    });
    folded = [];
  });

  // "Back to top" shows once the top of the page is out of view.
  var back = document.querySelector(".back-to-top");
  if (back) {
    var place = function () {
      back.classList.toggle("back-to-top--away", window.scrollY < window.innerHeight);
    };
    place();
    window.addEventListener("scroll", place, { passive: true });
  }

  // Wide tables scroll sideways in a box of their own. While a table is too
  // wide for its box, the box is a named keyboard stop so it can be scrolled
  // without a mouse (WCAG 2.1.1); a table that fits adds no stop.
  function tableName(table) {
    var caption = table.caption ? table.caption.textContent.trim() : "";
    var heading = "";
    for (var node = table; node && !heading && node !== document.body; node = node.parentElement) {
      for (var before = node.previousElementSibling; before && !heading; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) {
          heading = before.textContent.replace(/\s+/g, " ").trim();
        }
      }
    }
    return "Table: " + ([heading, caption].filter(Boolean).join(", ") || "scroll sideways to see all of it");
  }
  var scrollBoxes = [];
  document.querySelectorAll("main table").forEach(function (table) {
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.dataset.name = tableName(table);
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    scrollBoxes.push(box);
  });
  function markScrollingTables() {
    scrollBoxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", box.dataset.name);
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  if (scrollBoxes.length) {
    markScrollingTables();
    window.addEventListener("resize", markScrollingTables);
  }

  // Reading offline (issue 36), on editions that offer it: "Keep this
  // handbook on this device" starts the edition's offline script, which
  // saves the edition; "Remove the saved copy" stops it and deletes the
  // copy. The control shows only where a copy can be kept; nothing is
  // saved until the reader presses it. A page that came from the copy
  // says so, with the copy's version or the day it was built.
  function readingOffline() {
    var box = document.querySelector("[data-offline]");
    if (!box || !("serviceWorker" in navigator) || !window.caches || !window.fetch) {
      return;
    }
    var top = new URL(box.dataset.offline, document.baseURI).href;
    var keep = box.querySelector("[data-offline-keep]");
    var remove = box.querySelector("[data-offline-remove]");
    var status = box.querySelector("[data-offline-status]");
    var notice = document.querySelector("[data-saved-copy]");
    var fromCopy = Boolean(navigator.serviceWorker.controller);
    function tell(name) {
      status.textContent = status.dataset[name] || "";
    }
    function kept(yes) {
      keep.hidden = yes;
      remove.hidden = !yes;
    }
    // The notice, with the version of the copy this page came from.
    function showNotice() {
      return fetch(new URL("offline.json", top).href).then(function (response) {
        return response.json();
      }).then(function (list) {
        var text = notice.querySelector("p");
        if (list.version) {
          text.textContent = text.dataset.versionText.split("{version}").join(list.version);
        }
        notice.hidden = false;
      }).catch(function () {});
    }
    // Resolves once the script has saved the copy and taken over; fails
    // if it could not save it.
    function started(registration) {
      var worker = registration.installing || registration.waiting || registration.active;
      return new Promise(function (resolve, reject) {
        function check() {
          if (worker.state === "activated") {
            resolve();
          } else if (worker.state === "redundant") {
            reject(new Error("not saved"));
          }
        }
        worker.addEventListener("statechange", check);
        check();
      });
    }
    function ours() {
      return navigator.serviceWorker.getRegistration(top).then(function (registration) {
        return registration && registration.scope === top ? registration : null;
      });
    }
    box.hidden = false;
    ours().then(function (registration) {
      kept(Boolean(registration));
      if (registration && fromCopy && notice) {
        showNotice();
      }
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.handbook === "updated") {
        tell("updated");
        if (fromCopy && notice) {
          showNotice();
        }
      }
    });
    keep.addEventListener("click", function () {
      keep.disabled = true;
      tell("saving");
      navigator.serviceWorker.register(new URL("offline-worker.js", top).href, { scope: top })
        .then(started)
        .then(function () {
          kept(true);
          tell("kept");
          remove.focus();
        }, function () {
          tell("failed");
          return ours().then(function (registration) {
            return registration && registration.unregister();
          });
        })
        .then(function () {
          keep.disabled = false;
        });
    });
    remove.addEventListener("click", function () {
      remove.disabled = true;
      ours().then(function (registration) {
        return registration && registration.unregister();
      }).then(function () {
        return caches.keys();
      }).then(function (names) {
        var prefix = "handbook-offline " + top + " ";
        return Promise.all(names.filter(function (name) {
          return name.indexOf(prefix) === 0;
        }).map(function (name) {
          return caches.delete(name);
        }));
      }).then(function () {
        kept(false);
        if (notice) {
          notice.hidden = true;
        }
        tell("removed");
        keep.focus();
      }).catch(function () {}).then(function () {
        remove.disabled = false;
      });
    });
  }
  readingOffline();

  // Search results, on the search page only. The index is in pagefind/,
  // beside search.html; result addresses are made relative to it so an
  // edition works under any sub-path.
  var results = document.getElementById("hb-search-results");
  if (!results) {
    return;
  }
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  var input = document.getElementById("hb-search-page");
  if (input) {
    input.value = query;
  }
  // The words of the page's language, where the page gives them (a site in
  // a language other than English); English otherwise.
  var words = results.dataset;
  function say(name, english, values) {
    var text = words[name] || english;
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }
  var help = document.getElementById("hb-search-help");
  if (help) {
    help.textContent = say("help", "Can't find what you need? The A to Z below lists every page and section.");
  }
  if (!query) {
    return;
  }

  function relative(url) {
    return url.replace(/^\/+/, "");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function excerpt(html) {
    // Excerpts come from this handbook's own index; only <mark> is kept.
    var p = element("p", "search-results__excerpt");
    var holder = document.createElement("div");
    holder.innerHTML = html;
    holder.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        p.appendChild(element("mark", "", node.textContent));
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  // One result: its page's title as a link, an excerpt, and up to three
  // sections of the page that match.
  function resultItem(page) {
    var item = element("li", "search-results__item");
    var heading = element("h2", "search-results__title");
    var link = element("a", "", page.meta.title || page.url);
    link.href = relative(page.url);
    heading.appendChild(link);
    item.appendChild(heading);
    item.appendChild(excerpt(page.excerpt));
    // A section whose excerpt is the page's own says nothing new.
    var subs = (page.sub_results || []).filter(function (sub) {
      return sub.url !== page.url && sub.excerpt !== page.excerpt;
    }).slice(0, 3);
    if (subs.length) {
      var sections = element("ul", "search-results__sections");
      subs.forEach(function (sub) {
        var li = element("li");
        var a = element("a", "", sub.title);
        a.href = relative(sub.url);
        li.appendChild(a);
        li.appendChild(excerpt(sub.excerpt));
        sections.appendChild(li);
      });
      item.appendChild(sections);
    }
    return item;
  }

  // The results, best first, ten at a time: a button shows the next ten,
  // and the first of them takes the focus, so a keyboard or screen reader
  // user reads on from there (the new results are not read out as well).
  var AT_A_TIME = 10;
  function show(search) {
    results.textContent = "";
    var found = search.results.length;
    var values = { query: query, count: String(found) };
    var status = element("p", "search-results__status",
      found === 0 ? say("none", "No results for “{query}”.", values) :
        found === 1 ? say("one", "1 result for “{query}”.", values) :
          say("many", "{count} results for “{query}”.", values));
    status.id = "hb-search-status";
    results.appendChild(status);
    var list = element("ol", "search-results__list");
    results.appendChild(list);
    var more = element("button", "button search-results__more", say("more", "Show more results"));
    more.type = "button";
    more.hidden = true;
    results.appendChild(more);
    var shown = 0;
    function next(focus) {
      var batch = search.results.slice(shown, shown + AT_A_TIME);
      return Promise.all(batch.map(function (r) {
        return r.data();
      })).then(function (data) {
        var items = data.map(resultItem);
        items.forEach(function (item) {
          list.appendChild(item);
        });
        shown += items.length;
        more.hidden = shown >= found;
        if (focus && items.length) {
          items[0].querySelector("a").focus();
        }
      });
    }
    more.addEventListener("click", function () {
      more.disabled = true;
      // If the next results cannot be fetched, the button can be pressed
      // again (the results shown stay as they were).
      next(true).catch(function () {}).then(function () {
        more.disabled = false;
      });
    });
    return next(false).then(function () {
      results.hidden = false;
      // Said once, when the search is done; what the button adds is not.
      results.setAttribute("aria-live", "off");
    });
  }

  var bundle = new URL("pagefind/pagefind.js", document.baseURI).href;
  import(bundle)
    .then(function (pagefind) {
      return pagefind.options({ baseUrl: "/" }).then(function () {
        return pagefind.init();
      }).then(function () {
        return pagefind.search(query);
      });
    })
    .then(show)
    .catch(function () {
      results.hidden = false;
      results.textContent = say("unavailable", "Search is not available here (it needs the handbook to be served by a web server). Use the A to Z below.");
    });
})();
