// A background job's page: poll its status endpoint and move the progress bar until the
// job is finished, then show the download button. Without JavaScript, reload the page.
(function () {
  var script = document.currentScript;
  var card = document.querySelector("[data-job-status-url]");
  if (!card || !window.fetch) return;
  var bar = card.querySelector(".job-bar");
  function field(name) { return card.querySelector('[data-job-field="' + name + '"]'); }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + "%";
    var status = field("status_label");
    status.textContent = state.status_label;
    status.className = "job-status job-" + state.status;
    var detail = "";
    if (state.total) detail = fill(script.dataset.progress, state);
    if (state.seconds_left !== null) detail += " · " + fill(script.dataset.left, { seconds: state.seconds_left });
    field("detail").textContent = detail;
    var download = field("download");
    if (state.download_url) { download.href = state.download_url; download.hidden = false; }
    var message = field("message");
    message.textContent = state.message;
    message.hidden = !state.message;
    message.classList.toggle("job-error", state.failed);
    var error = field("error");
    error.textContent = state.error;
    error.hidden = !state.error;
    var cancel = field("cancel");
    if (cancel && !state.active) cancel.hidden = true;
  }
  function poll() {
    fetch(card.dataset.jobStatusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (state) { show(state); if (state.active) setTimeout(poll, 1000); })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
