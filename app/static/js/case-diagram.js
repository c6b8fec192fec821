/* Case page: render the instance's BPMN with bpmn-js (NavigatedViewer), mark current/done steps, open it at a
   readable zoom centred on the current step. */
(function () {
  "use strict";
  var box = document.getElementById("case-diagram");
  if (!box || typeof window.BpmnJS !== "function") { return; }

  function say(text) {
    var p = document.createElement("p");
    p.className = "muted diagram-message";
    p.textContent = text;
    box.appendChild(p);
  }

  function mark(canvas, registry, ids, cls) {
    ids.forEach(function (id) {
      // An id may come from another version's XML or be a lane: only mark what is drawn.
      if (registry.get(id)) { canvas.addMarker(id, cls); }
    });
  }

  var viewer = new window.BpmnJS({ container: box });
  fetch(box.dataset.url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
    .then(function (resp) {
      if (!resp.ok) { throw new Error("HTTP " + resp.status); }
      return resp.json();
    })
    .then(function (data) {
      if (!data.xml) { say(box.dataset.msgEmpty); return null; }
      return viewer.importXML(data.xml).then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        // Fit-to-window makes a long process's labels unreadable: open at a readable zoom on the current step
        // (drag or the zoom buttons to move; 适应窗口 shows it all).
        if (window.QSFlowDiagramView) {
          window.QSFlowDiagramView.openReadable(canvas, box, registry, data.ready || []);
        } else {
          canvas.zoom("fit-viewport", "auto");
        }
        mark(canvas, registry, data.completed || [], "qs-done");
        mark(canvas, registry, data.ready || [], "qs-current");
        (data.call_activities || []).forEach(function (id) {
          if (registry.get(id)) { canvas.addMarker(id, "qs-call"); }
        });
        box.dataset.ready = (data.ready || []).join(",");
        box.classList.add("is-loaded");
      });
    })
    .catch(function () { say(box.dataset.msgError); });

  document.querySelectorAll("[data-zoom]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var canvas = viewer.get("canvas");
      var how = btn.dataset.zoom;
      if (how === "fit") { canvas.zoom("fit-viewport", "auto"); return; }
      canvas.zoom(canvas.zoom() * (how === "in" ? 1.2 : 1 / 1.2));
    });
  });
})();
