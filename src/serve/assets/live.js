// Reloads the page when `handbook serve` has rebuilt the handbook.
(function () {
  "use strict";
  var source = new EventSource("/__handbook/events");
  source.addEventListener("open", function () {
    document.documentElement.setAttribute("data-live-reload", "connected");
  });
  source.addEventListener("reload", function () {
    window.location.reload();
  });
  source.addEventListener("reload-page", function (event) {
    var name = window.location.pathname.split("/").pop() || "index.html";
    if (name === event.data) {
      window.location.reload();
    }
  });
})();
