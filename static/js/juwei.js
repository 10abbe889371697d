// Forms marked data-busy show a "please wait" line and cannot be sent twice while the
// server works (imports, reports), so a slow request never looks like a frozen page.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var text = form.getAttribute("data-busy");
  if (!text) return;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  var note = document.createElement("p");
  note.className = "busy";
  note.setAttribute("role", "status");
  note.textContent = text;
  form.appendChild(note);
});
