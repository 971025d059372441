// Handbook: "Guidance in force on a date". The page's table works without
// this file; with it, a date goes straight to the version in force then.
(function () {
  "use strict";

  // The release in force on `date` (YYYY-MM-DD): of `releases` (oldest
  // first, each with `from` as YYYY-MM-DD), the last whose first day is on
  // or before the date; on a release's own day, that release. `null`
  // before the first release.
  function inForceOn(date, releases) {
    var found = null;
    releases.forEach(function (release) {
      if (release.from <= date) {
        found = release;
      }
    });
    return found;
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { inForceOn: inForceOn };
    return;
  }

  var form = document.querySelector("[data-in-force]");
  if (!form) {
    return;
  }
  var releases = Array.prototype.map.call(
    document.querySelectorAll(".in-force-table tr[data-from]"),
    function (row) {
      return { version: row.dataset.version, from: row.dataset.from, href: row.dataset.href };
    }
  );
  var answer = form.querySelector("[data-in-force-answer]");
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var date = form.elements.date.value;
    var release = inForceOn(date, releases);
    if (release) {
      window.location.href = release.href;
    } else if (releases.length) {
      // In the words of the page's language (`data-none`).
      var words = form.dataset.none ||
        "No version of this handbook had been published by {date}. The first, version {version}, came into force on {from}.";
      answer.textContent = words.split("{date}").join(date)
        .split("{version}").join(releases[0].version)
        .split("{from}").join(releases[0].from);
    }
  });
})();
