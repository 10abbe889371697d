// Live row, day and week totals on the timesheet (the server checks and totals again).
(function () {
  "use strict";
  var table = document.querySelector("table.timesheet");
  if (!table) return;
  function num(input) {
    var v = parseFloat((input.value || "").replace(",", "."));
    return isNaN(v) ? 0 : v;
  }
  function fmt(v) { return String(Math.round(v * 100) / 100); }
  function update() {
    var rows = table.tBodies[0].rows;
    var days = [0, 0, 0, 0, 0, 0, 0];
    for (var r = 0; r < rows.length; r++) {
      var inputs = rows[r].querySelectorAll("input.hours");
      var sum = 0;
      for (var d = 0; d < inputs.length; d++) { var v = num(inputs[d]); sum += v; days[d] += v; }
      rows[r].querySelector(".row-total").textContent = fmt(sum);
    }
    var cells = table.querySelectorAll("tfoot .day-total");
    var week = 0;
    for (var i = 0; i < cells.length; i++) {
      cells[i].textContent = fmt(days[i]);
      cells[i].classList.toggle("over", days[i] > 24);
      week += days[i];
    }
    document.getElementById("week-total").textContent = fmt(week);
  }
  table.addEventListener("input", update);
})();
