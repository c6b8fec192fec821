/* Opening views of a bpmn-js canvas that keep a diagram readable: fit beside the modeler's palette (nothing
   drawn under it), and a readable zoom centred on given elements for large diagrams (the case page). */
(function () {
  "use strict";

  var MARGIN = 16;          // screen pixels kept free around the diagram
  var READABLE_SCALE = 0.8; // below this, 12 px labels fall under 10 px on screen

  // Screen pixels from the container's left edge to the right edge of the palette (0 without one).
  function paletteInset(container) {
    var palette = container.querySelector(".djs-palette");
    if (!palette) { return 0; }
    var box = palette.getBoundingClientRect();
    return box.width ? box.right - container.getBoundingClientRect().left : 0;
  }

  // Bounds of the drawn elements (canvas coordinates), or null for an empty diagram.
  function contentBounds(canvas) {
    var inner = canvas.viewbox().inner;
    return inner && inner.width > 0 && inner.height > 0 ? inner : null;
  }

  function show(canvas, left, top, scale) {
    var outer = canvas.viewbox().outer;
    canvas.viewbox({ x: left, y: top, width: outer.width / scale, height: outer.height / scale });
  }

  // Fit the whole diagram into the area right of the palette (never above 100 %, never below minScale);
  // when it does not fit at minScale it is anchored at its top-left corner, beside the palette.
  function fitBesidePalette(canvas, container, minScale) {
    var inner = contentBounds(canvas);
    if (!inner) { return 1; }
    var outer = canvas.viewbox().outer;
    var inset = paletteInset(container) + MARGIN;
    var fit = Math.min((outer.width - inset - MARGIN) / inner.width, (outer.height - 2 * MARGIN) / inner.height);
    var scale = Math.max(Math.min(fit, 1), minScale || 0.2);
    var free = outer.width - inset - MARGIN - inner.width * scale;
    // Centre what fits horizontally in the free area; what does not fit starts right of the palette.
    var left = inner.x - (inset + Math.max(free, 0) / 2) / scale;
    var spare = outer.height - 2 * MARGIN - inner.height * scale;
    var top = inner.y - (MARGIN + Math.max(spare, 0) / 2) / scale;
    show(canvas, left, top, scale);
    return scale;
  }

  // Open at a readable zoom: fit when the whole diagram is readable, otherwise READABLE_SCALE centred on the
  // elements `focusIds` (e.g. the current steps), or on the start of the diagram when none is drawn.
  function openReadable(canvas, container, registry, focusIds) {
    var inner = contentBounds(canvas);
    if (!inner) { return 1; }
    var outer = canvas.viewbox().outer;
    var fit = Math.min((outer.width - 2 * MARGIN) / inner.width, (outer.height - 2 * MARGIN) / inner.height);
    if (fit >= READABLE_SCALE) { return fitBesidePalette(canvas, container, Math.min(fit, 1)); }
    var scale = READABLE_SCALE;
    var shapes = (focusIds || []).map(function (id) { return registry.get(id); })
      .filter(function (e) { return e && !e.waypoints && typeof e.x === "number"; });
    var width = outer.width / scale;
    var height = outer.height / scale;
    var left;
    var top;
    if (shapes.length) {
      var minX = Math.min.apply(null, shapes.map(function (e) { return e.x; }));
      var maxX = Math.max.apply(null, shapes.map(function (e) { return e.x + e.width; }));
      var minY = Math.min.apply(null, shapes.map(function (e) { return e.y; }));
      var maxY = Math.max.apply(null, shapes.map(function (e) { return e.y + e.height; }));
      left = (minX + maxX) / 2 - width / 2;
      top = (minY + maxY) / 2 - height / 2;
    } else {
      left = inner.x - MARGIN / scale;
      top = inner.y - MARGIN / scale;
    }
    // Stay on the drawing: no empty band left of or above it.
    left = Math.max(Math.min(left, inner.x + inner.width - width + MARGIN / scale), inner.x - MARGIN / scale);
    top = Math.max(Math.min(top, inner.y + inner.height - height + MARGIN / scale), inner.y - MARGIN / scale);
    show(canvas, left, top, scale);
    return scale;
  }

  window.QSFlowDiagramView = { fitBesidePalette: fitBesidePalette, openReadable: openReadable,
                               READABLE_SCALE: READABLE_SCALE };
})();
