/* QSFlow browser modeler: bpmn-js Modeler + our side panel; validate (problems shown on the diagram),
   save as draft, deploy, download. The server (app/admin/views.py) does every check again. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("modeler-config").textContent);
  var T = config.texts;
  var statusBox = document.getElementById("modeler-status");
  var problemBox = document.getElementById("problems");
  var problemList = document.getElementById("problem-list");
  var dirtyFlag = document.getElementById("dirty-flag");
  var keyLabel = document.getElementById("process-key");
  var dirty = false;
  var busy = false;

  var modeler = new window.BpmnJS({
    container: "#canvas",
    additionalModules: window.QSFlowModelerI18n || [],
    moddleExtensions: { spiffworkflow: window.QSFlowSpiffModdle }
  });
  var overlays = modeler.get("overlays");
  var registry = modeler.get("elementRegistry");
  var canvas = modeler.get("canvas");
  var selection = modeler.get("selection");

  var forms = document.createElement("datalist");
  forms.id = "qsflow-forms";
  config.forms.forEach(function (key) {
    var opt = document.createElement("option");
    opt.value = key;
    forms.appendChild(opt);
  });
  document.body.appendChild(forms);

  var panel = new window.QSFlowPanel(modeler, config, document.getElementById("panel"), function (key) {
    keyLabel.textContent = key;
  });

  function setStatus(kind, text) {
    statusBox.className = "flash flash-" + kind;
    statusBox.textContent = text;
    statusBox.hidden = !text;
  }

  function setDirty(value) {
    dirty = value;
    dirtyFlag.hidden = !value;
  }

  modeler.get("eventBus").on("commandStack.changed", function () { setDirty(true); });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": config.csrfToken },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return { message: T.serverError }; }).then(function (data) {
        data.httpStatus = response.status;
        return data;
      });
    });
  }

  // SpiffWorkflow lets loopDataInputRef/loopDataOutputRef name a task-data variable; bpmn-js only accepts
  // references to declared data elements and drops the rest on import. Keep them and put them back on save.
  var BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL";
  var LOOP_REFS = ["loopDataInputRef", "loopDataOutputRef"];
  var loopRefs = collectLoopRefs(config.xml);

  function collectLoopRefs(xml) {
    var found = {};
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    Array.prototype.forEach.call(doc.getElementsByTagNameNS(BPMN_NS, "multiInstanceLoopCharacteristics"), function (loop) {
      var owner = loop.parentNode && loop.parentNode.getAttribute && loop.parentNode.getAttribute("id");
      LOOP_REFS.forEach(function (tag) {
        var ref = loop.getElementsByTagNameNS(BPMN_NS, tag)[0];
        if (owner && ref && ref.textContent.trim()) { (found[owner] = found[owner] || {})[tag] = ref.textContent.trim(); }
      });
    });
    return found;
  }

  function restoreLoopRefs(xml) {
    if (!Object.keys(loopRefs).length) { return xml; }
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    var changed = false;
    Array.prototype.forEach.call(doc.getElementsByTagNameNS(BPMN_NS, "multiInstanceLoopCharacteristics"), function (loop) {
      var wanted = loopRefs[loop.parentNode.getAttribute("id")] || {};
      var after = loop.getElementsByTagNameNS(BPMN_NS, "loopCardinality")[0] || null;
      LOOP_REFS.forEach(function (tag) {
        var existing = loop.getElementsByTagNameNS(BPMN_NS, tag)[0];
        if (existing) { after = existing; return; }
        if (!wanted[tag]) { return; }
        var node = doc.createElementNS(BPMN_NS, (loop.prefix ? loop.prefix + ":" : "") + tag);
        node.textContent = wanted[tag];
        loop.insertBefore(node, after ? after.nextSibling : loop.firstChild);
        after = node;
        changed = true;
      });
    });
    return changed ? new XMLSerializer().serializeToString(doc) : xml;
  }

  function currentXml() {
    return modeler.saveXML({ format: true }).then(function (result) { return restoreLoopRefs(result.xml); });
  }

  function clearProblems() {
    overlays.remove({ type: "qsflow-problem" });
    registry.getAll().forEach(function (e) {
      canvas.removeMarker(e, "qs-has-error");
      canvas.removeMarker(e, "qs-has-warning");
    });
    problemList.innerHTML = "";
    problemBox.hidden = true;
  }

  function focusElement(id) {
    var element = registry.get(id);
    if (!element) { return; }
    selection.select(element);
    if (canvas.scrollToElement) { canvas.scrollToElement(element); }
  }

  function showProblems(problems) {
    clearProblems();
    var errors = problems.filter(function (p) { return p.severity === "error"; }).length;
    var warnings = problems.length - errors;
    problemBox.hidden = false;
    document.getElementById("problem-summary").textContent =
      problems.length ? T.summary.replace("%e", errors).replace("%w", warnings) : T.noProblems;
    var perElement = {};
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.className = "problem problem-" + p.severity;
      item.dataset.element = p.element || "";
      var where = p.element ? "[" + p.element + "] " : (p.line ? T.line.replace("%l", p.line) + " " : "");
      item.textContent = (p.severity === "error" ? T.error : T.warning) + " " + where + p.message;
      if (p.element && registry.get(p.element)) {
        item.classList.add("clickable");
        item.tabIndex = 0;
        item.addEventListener("click", function () { focusElement(p.element); });
        item.addEventListener("keydown", function (e) { if (e.key === "Enter") { focusElement(p.element); } });
        (perElement[p.element] = perElement[p.element] || []).push(p);
      }
      problemList.appendChild(item);
    });
    Object.keys(perElement).forEach(function (id) {
      var list = perElement[id];
      var severe = list.some(function (p) { return p.severity === "error"; });
      var badge = document.createElement("div");
      badge.className = "qs-problem-badge " + (severe ? "error" : "warning");
      badge.dataset.element = id;
      badge.title = list.map(function (p) { return p.message; }).join("\n");
      badge.textContent = String(list.length);
      badge.addEventListener("click", function () { focusElement(id); });
      var element = registry.get(id);
      var position = element.waypoints ? { top: -10, left: -10 } : { top: -10, right: 10 };
      overlays.add(id, "qsflow-problem", { position: position, html: badge });
      canvas.addMarker(id, severe ? "qs-has-error" : "qs-has-warning");
    });
  }

  function guard(action) {
    return function () {
      if (busy) { return; }
      busy = true;
      setStatus("info", T.working);
      action().catch(function (err) {
        setStatus("error", T.failed + (err && err.message ? err.message : ""));
      }).then(function () { busy = false; });
    };
  }

  var validate = guard(function () {
    return currentXml().then(function (xml) { return post(config.urls.validate, { xml: xml }); }).then(function (data) {
      if (!data.problems) { setStatus("error", data.message || T.serverError); return; }
      showProblems(data.problems);
      setStatus(data.ok ? "success" : "error", data.ok ? T.valid : T.invalid);
    });
  });

  var save = guard(function () {
    return currentXml().then(function (xml) {
      return post(config.urls.draft, { xml: xml, base_definition_id: config.base_definition_id });
    }).then(function (data) {
      if (data.httpStatus !== 200) {
        if (data.problems) { showProblems(data.problems); }
        setStatus("error", data.message || T.serverError);
        return;
      }
      setDirty(false);
      keyLabel.textContent = data.key;
      setStatus("success", data.message);
    });
  });

  function postDeploy(xml, replaceBuiltin) {
    return post(config.urls.deploy, { xml: xml, replace_builtin: replaceBuiltin }).then(function (data) {
      // A built-in process is replaced only after the user confirms the server's explanation.
      if (data.httpStatus === 409 && data.confirm === "replace_builtin" && !replaceBuiltin &&
          window.confirm(data.message)) {
        return postDeploy(xml, true);
      }
      return data;
    });
  }

  var deploy = guard(function () {
    if (!window.confirm(T.confirmDeploy)) { return Promise.resolve(); }
    return currentXml().then(function (xml) { return postDeploy(xml, false); }).then(function (data) {
      if (data.httpStatus !== 200) {
        if (data.problems) { showProblems(data.problems); }
        setStatus("error", data.message || T.serverError);
        return;
      }
      setDirty(false);
      config.base_definition_id = data.definition_id;
      // The heading now names the version just deployed, which further edits build on.
      var badge = document.getElementById("source-badge");
      if (badge && data.version) { badge.textContent = T.basedOn.replace("%v", data.version); badge.className = "tag tag-blue"; }
      showProblems(data.warnings || []);
      setStatus("success", data.message);
    });
  });

  var download = guard(function () {
    return currentXml().then(function (xml) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
      link.download = (keyLabel.textContent || "process") + ".bpmn";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setStatus("", "");
    });
  });

  document.getElementById("btn-validate").addEventListener("click", validate);
  document.getElementById("btn-save").addEventListener("click", save);
  document.getElementById("btn-deploy").addEventListener("click", deploy);
  document.getElementById("btn-download").addEventListener("click", download);

  modeler.importXML(config.xml).then(function (result) {
    // Fit beside the palette (it would cover the first tasks), never above 100 % nor below a readable zoom.
    window.QSFlowDiagramView.fitBesidePalette(canvas, document.getElementById("canvas"),
                                              window.QSFlowDiagramView.READABLE_SCALE);
    panel.show(null);
    setDirty(false);
    if (result.warnings && result.warnings.length) { setStatus("warning", T.importWarnings + result.warnings.length); }
    document.body.dataset.modelerReady = "1";
  }).catch(function (err) {
    setStatus("error", T.importFailed + (err && err.message ? err.message : ""));
  });

  window.qsflowModeler = modeler;  // for the browser tests and the console
})();
