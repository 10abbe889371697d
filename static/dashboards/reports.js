// Report downloads show their progress: a PDF or workbook can take a few seconds to draw,
// so the link fetches it, counts the seconds in a status line, then hands the file over.
// Without JavaScript the links are plain downloads.
(function () {
  var script = document.currentScript;
  var status = document.querySelector(".download-status");
  function say(template, name, seconds) {
    status.hidden = false;
    status.textContent = template.replace("%(name)s", name).replace("%(seconds)s", seconds);
  }
  function filename(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename\*=UTF-8''([^;]+)/i.exec(header) || /filename="?([^";]+)"?/i.exec(header);
    return match ? decodeURIComponent(match[1]) : fallback;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-download]");
    if (!link || !status || !window.fetch) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    var name = link.textContent.trim();
    var started = Date.now();
    link.setAttribute("aria-busy", "true");
    status.classList.add("busy");
    say(script.dataset.preparing, name, 0);
    var timer = setInterval(function () {
      say(script.dataset.preparing, name, Math.round((Date.now() - started) / 1000));
    }, 500);
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.blob().then(function (blob) {
          var save = document.createElement("a");
          save.href = URL.createObjectURL(blob);
          save.download = filename(response, "report");
          document.body.appendChild(save);
          save.click();
          setTimeout(function () { URL.revokeObjectURL(save.href); save.remove(); }, 1000);
          say(script.dataset.done, save.download, 0);
        });
      })
      .catch(function () { say(script.dataset.failed, name, 0); })
      .then(function () {
        clearInterval(timer);
        status.classList.remove("busy");
        link.removeAttribute("aria-busy");
      });
  });
})();
