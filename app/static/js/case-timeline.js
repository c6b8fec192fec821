/* Case page: show the timeline of one stage only (sampling and test, notice and objection, ...). */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-stage-filter]");
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var stage = button.getAttribute("data-stage-filter");
      document.querySelectorAll(".timeline li[data-stage]").forEach(function (li) {
        li.hidden = Boolean(stage) && li.getAttribute("data-stage") !== stage;
      });
      buttons.forEach(function (b) {
        var on = b === button;
        b.classList.toggle("is-active", on);
        b.classList.toggle("btn-light", !on);
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });
  });
}());
