// Live certificate matches on the desk form: asks the server as the request is typed.
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form) return;
  var box = document.getElementById("suggestions-box");
  var url = form.getAttribute("data-suggest-url");
  var timer = null;
  var last = "";
  function value(name) {
    var el = form.elements[name];
    return el && el.value ? el.value : "";
  }
  function refresh() {
    var params = new URLSearchParams({
      words: value("words"),
      community: value("community"),
      certificate_type: value("certificate_type")
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
  ["words", "community"].forEach(function (name) {
    var el = form.elements[name];
    if (el) {
      el.addEventListener("input", soon);
      el.addEventListener("change", soon);
    }
  });
  if (value("words")) refresh();
})();
