// Live catalogue matches on the task form: asks the server as the title changes.
(function () {
  "use strict";
  var form = document.getElementById("task-form");
  if (!form) return;
  var box = document.getElementById("suggestions-box");
  var url = form.getAttribute("data-suggest-url");
  var timer = null;
  var last = "";
  function value(name) {
    var el = form.elements[name];
    return el && el.value ? el.value : "";
  }
  function picked() {
    // Which match is ticked: its id, "none" for "none of these", "" while nothing is.
    var box = form.querySelector("input[name=catalogue_item]:checked");
    return box ? box.value || "none" : "";
  }
  function refresh() {
    var params = new URLSearchParams({
      title: value("title"),
      category: value("category"),
      community: value("community"),
      received_on: value("received_on"),
      catalogue_item: picked()
    });
    var query = params.toString();
    if (query === last) return;
    last = query;
    fetch(url + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) box.innerHTML = html; });
  }
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }
  ["title", "category", "community", "received_on"].forEach(function (name) {
    var el = form.elements[name];
    if (el) {
      el.addEventListener("input", soon);
      el.addEventListener("change", soon);
    }
  });
  if (value("title")) refresh();
})();
