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
})();
