/* Task page: upload a document without leaving the page, so the unsaved task form keeps what was typed.
   The new file is added to the documents table and offered in every attachment field of the form. */
(function () {
  "use strict";

  function message(form, text, ok) {
    var box = form.querySelector(".upload-result");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "status");
      form.appendChild(box);
    }
    box.className = "upload-result flash " + (ok ? "flash-success" : "flash-error");
    box.textContent = text;
  }

  function offer(doc) {
    document.querySelectorAll("[data-attachment-field]").forEach(function (list) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      label.className = "fd-inline";
      box.type = "checkbox";
      box.name = list.getAttribute("data-attachment-field");
      box.value = String(doc.id);
      label.appendChild(box);
      label.appendChild(document.createTextNode(doc.filename));
      list.appendChild(label);
      var empty = list.parentNode.querySelector(".fd-attachments-empty");
      if (empty) { empty.remove(); }
    });
  }

  function listDoc(form, doc) {
    var section = form.closest(".case-docs");
    var table = section && section.querySelector("table");
    var tbody = table && table.querySelector("tbody");
    if (!tbody) { return; }
    table.hidden = false;
    var empty = section.querySelector(".docs-empty");
    if (empty) { empty.remove(); }
    var tr = document.createElement("tr");
    var cell = document.createElement("td");
    var link = document.createElement("a");
    link.href = doc.url;
    link.textContent = doc.filename;
    cell.appendChild(link);
    tr.appendChild(cell);
    var note = document.createElement("td");
    note.textContent = doc.description || "—";
    tr.appendChild(note);
    tr.appendChild(document.createElement("td"));
    tr.appendChild(document.createElement("td"));
    tr.appendChild(document.createElement("td"));
    tbody.appendChild(tr);
  }

  document.querySelectorAll(".task-extras form.upload-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) { return; }  // old browsers: the normal post
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                          headers: {"X-Requested-With": "fetch", "Accept": "application/json"}})
        .then(function (response) {
          return response.json().then(function (data) { return {ok: response.ok, data: data}; });
        })
        .then(function (result) {
          if (!result.ok) { message(form, result.data.error || form.getAttribute("data-failed"), false); return; }
          offer(result.data);
          listDoc(form, result.data);
          form.reset();
          message(form, result.data.message, true);
        })
        .catch(function () { message(form, form.getAttribute("data-failed"), false); })
        .then(function () { if (button) { button.disabled = false; } });
    });
  });
}());
