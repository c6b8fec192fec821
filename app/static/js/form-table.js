/* Table fields of task forms: add and remove rows. Input names are "<table>-<row>-<column>"; the server
   drops blank rows and renumbers, so row numbers only need to be unique, not consecutive. */
(function () {
  "use strict";

  function renumber(tbody) {
    Array.prototype.forEach.call(tbody.rows, function (tr, i) {
      var cell = tr.querySelector(".fd-rownum");
      if (cell) { cell.textContent = String(i + 1); }
    });
  }

  function clearRow(tr) {
    tr.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "hidden") { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = false; } else { el.value = ""; }
    });
  }

  function addRow(name) {
    var table = document.querySelector('table[data-form-table="' + name + '"]');
    var template = document.querySelector('template[data-row-template="' + name + '"]');
    if (!table || !template) { return; }
    var tbody = table.tBodies[0];
    var max = parseInt(table.getAttribute("data-max-rows") || "0", 10);
    if (max && tbody.rows.length >= max) {
      window.alert(table.getAttribute("data-max-message"));
      return;
    }
    var next = parseInt(table.getAttribute("data-next-row") || "0", 10);
    table.setAttribute("data-next-row", String(next + 1));
    var html = template.innerHTML.replace(/__ROW__/g, String(next));
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    tbody.appendChild(row);
    renumber(tbody);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
  }

  function removeRow(button) {
    var tr = button.closest("tr");
    var tbody = tr && tr.parentElement;
    if (!tbody) { return; }
    if (tbody.rows.length > 1) {
      tbody.removeChild(tr);
    } else {
      clearRow(tr);  // keep one (blank) row so the table never disappears
    }
    tr.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    renumber(tbody);
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      event.preventDefault();
      addRow(add.getAttribute("data-add-row"));
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      removeRow(remove);
    }
  });
})();
