// Phones and accessibility (issue 18): the collapsible menu, the error summary, print buttons.
(function () {
  "use strict";
  // The menu button: without this script it stays hidden and the whole menu shows.
  var header = document.querySelector(".site-header");
  var toggle = document.querySelector(".menu-toggle");
  if (header && toggle) {
    header.classList.add("collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // A chart or table wider than a phone scrolls in its box: the keyboard must reach it too.
  document.querySelectorAll(".chart, .table-container").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth && !box.closest("[aria-hidden=true]")) {
      box.setAttribute("tabindex", "0");
    }
  });
  // After a failed submit the error summary takes the focus, so a screen reader
  // (and a phone user scrolled far down) starts from what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  // A button marked data-print prints the page (the CSP forbids inline handlers).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
