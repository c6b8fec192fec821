/* Modeler layout: the "fit" button (whole diagram beside the palette) and, on narrow screens, the
   properties panel as a drawer over the canvas (opened by a button, closed by its own button or Escape). */
(function () {
  "use strict";

  var modeler = window.qsflowModeler;
  var layout = document.querySelector(".modeler-layout");
  var toggle = document.getElementById("btn-panel");
  var close = document.getElementById("btn-panel-close");
  var container = document.getElementById("canvas");
  if (!modeler || !layout || !toggle || !close) { return; }

  function setOpen(open) {
    layout.classList.toggle("panel-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = document.querySelector("#panel input, #panel select, #panel textarea");
      if (first) { first.focus({ preventScroll: true }); }
    } else {
      toggle.focus({ preventScroll: true });
    }
  }

  toggle.addEventListener("click", function () { setOpen(!layout.classList.contains("panel-open")); });
  close.addEventListener("click", function () { setOpen(false); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && layout.classList.contains("panel-open")) { setOpen(false); }
  });

  document.getElementById("btn-fit").addEventListener("click", function () {
    window.QSFlowDiagramView.fitBesidePalette(modeler.get("canvas"), container, 0.2);
  });
})();
