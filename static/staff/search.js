// Staff names as you type: fills the datalist of every input[data-staff-search].
(function () {
  "use strict";
  document.querySelectorAll("input[data-staff-search]").forEach(function (input, index) {
    var list = document.createElement("datalist");
    list.id = "staff-search-" + index;
    input.setAttribute("list", list.id);
    input.after(list);
    var timer = null;
    var last = "";
    function refresh() {
      var typed = input.value.trim();
      if (!typed || typed === last) return;
      last = typed;
      var url = input.getAttribute("data-staff-search") + "?q=" + encodeURIComponent(typed);
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          list.replaceChildren.apply(list, data.results.map(function (s) {
            var option = document.createElement("option");
            option.value = s.name;
            option.label = s.community;
            return option;
          }));
        });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    });
  });
})();
