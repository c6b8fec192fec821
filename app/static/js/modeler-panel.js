/* QSFlow modeler side panel: edits exactly what the engine reads (app/engine/bpmn_meta.py), through
   bpmn-js's own modeling commands so every change is undoable and marks the diagram dirty. */
(function () {
  "use strict";

  var TIMER_TYPES = ["timeDuration", "timeDate", "timeCycle"];

  function is(bo, type) { return bo && bo.$instanceOf && bo.$instanceOf(type); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (attrs[k] !== undefined && attrs[k] !== null) { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function Panel(modeler, config, container, onKeyChange) {
    this.modeler = modeler;
    this.config = config;
    this.T = config.texts;
    this.container = container;
    this.onKeyChange = onKeyChange || function () {};
    this.modeling = modeler.get("modeling");
    this.moddle = modeler.get("moddle");
    this.canvas = modeler.get("canvas");
    this.current = null;
    var self = this;
    var bus = modeler.get("eventBus");
    bus.on("selection.changed", function (e) { self.show(e.newSelection.length === 1 ? e.newSelection[0] : null); });
    // Undo/redo or label editing on the canvas changes what the panel shows.
    bus.on("elements.changed", function (e) {
      if (!self.current) { return; }
      var hit = e.elements.some(function (x) { return x === self.current || x.id === self.current.id; });
      if (hit && !container.contains(document.activeElement)) { self.show(self.current); }
    });
  }

  Panel.prototype.show = function (element) {
    element = element || this.canvas.getRootElement();
    if (element && element.labelTarget) { element = element.labelTarget; }
    // While a diagram is imported the canvas root is a placeholder without a BPMN element.
    if (!element || !element.businessObject) { this.current = null; this.container.innerHTML = ""; return; }
    this.current = element;
    var bo = element.businessObject;
    var T = this.T;
    var box = this.container;
    box.innerHTML = "";
    box.appendChild(el("h2", { text: T.properties }));
    box.appendChild(el("p", { "class": "muted mono", text: this.typeLabel(bo) + " · " + (bo.id || "") }));
    var processBo = is(bo, "bpmn:Process") ? bo : (is(bo, "bpmn:Participant") ? bo.processRef : null);
    if (processBo) { this.processFields(element, processBo); return; }
    if (!is(bo, "bpmn:Collaboration")) { this.nameField(element); }
    if (is(bo, "bpmn:UserTask")) { this.userTaskFields(element); }
    if (is(bo, "bpmn:CallActivity")) { this.calledElementField(element); }
    if (is(bo, "bpmn:SequenceFlow")) { this.flowFields(element); }
    if (is(bo, "bpmn:Lane")) { this.laneFields(element); }
    var defs = bo.eventDefinitions || [];
    var self = this;
    defs.forEach(function (def) {
      if (is(def, "bpmn:TimerEventDefinition")) { self.timerFields(element, def); }
      if (is(def, "bpmn:MessageEventDefinition")) { self.messageFields(element, def); }
    });
  };

  Panel.prototype.typeLabel = function (bo) {
    var type = (bo.$type || "").replace("bpmn:", "");
    return this.T.types[type] || type;
  };

  Panel.prototype.field = function (label, input, hint, name) {
    input.id = "prop-" + name;
    input.setAttribute("name", name);
    var wrap = el("label", { "for": input.id, "class": "prop" }, [document.createTextNode(label), input]);
    if (hint) { wrap.appendChild(el("span", { "class": "hint", text: hint })); }
    this.container.appendChild(wrap);
    return input;
  };

  Panel.prototype.text = function (label, name, value, onChange, hint, listId) {
    var input = el("input", { type: "text", value: value || "", list: listId || null, autocomplete: "off" });
    input.addEventListener("change", function () { onChange(input.value.trim()); });
    return this.field(label, input, hint, name);
  };

  Panel.prototype.select = function (label, name, value, options, onChange, hint) {
    var input = el("select");
    options.forEach(function (o) {
      var opt = el("option", { value: o.code, text: o.name });
      if (o.code === (value || "")) { opt.selected = true; }
      input.appendChild(opt);
    });
    input.addEventListener("change", function () { onChange(input.value); });
    return this.field(label, input, hint, name);
  };

  Panel.prototype.nameField = function (element) {
    var modeling = this.modeling;
    this.text(this.T.name, "name", element.businessObject.name, function (v) { modeling.updateLabel(element, v || null); });
  };

  Panel.prototype.processFields = function (element, processBo) {
    var T = this.T, self = this;
    var target = is(element.businessObject, "bpmn:Process") ? null : processBo;
    function update(props) {
      if (target) { self.modeling.updateModdleProperties(element, target, props); } else { self.modeling.updateProperties(element, props); }
    }
    this.text(T.processKey, "process-id", processBo.id, function (v) {
      if (!/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/.test(v)) { alert(T.badKey); self.show(element); return; }
      update({ id: v });
      self.onKeyChange(v);
    }, T.processKeyHint);
    this.text(T.processName, "process-name", processBo.name, function (v) { update({ name: v }); });
  };

  // ----- user task: <spiffworkflow:properties> -----
  Panel.prototype.spiffProps = function (bo) {
    var out = {};
    var ext = bo.extensionElements;
    var holder = ext && (ext.get("values") || []).filter(function (v) { return is(v, "spiffworkflow:Properties"); })[0];
    ((holder && holder.get("properties")) || []).forEach(function (p) { out[p.name] = p.value; });
    return out;
  };

  Panel.prototype.setSpiffProp = function (element, name, value) {
    var bo = element.businessObject, moddle = this.moddle, modeling = this.modeling;
    var ext = bo.extensionElements;
    if (!ext) {
      ext = moddle.create("bpmn:ExtensionElements", { values: [] });
      ext.$parent = bo;
      modeling.updateProperties(element, { extensionElements: ext });
    }
    var holder = ext.get("values").filter(function (v) { return is(v, "spiffworkflow:Properties"); })[0];
    if (!holder) {
      holder = moddle.create("spiffworkflow:Properties", { properties: [] });
      holder.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: ext.get("values").concat([holder]) });
    }
    var list = holder.get("properties");
    var prop = list.filter(function (p) { return p.name === name; })[0];
    if (value && prop) {
      modeling.updateModdleProperties(element, prop, { value: value });
    } else if (value) {
      prop = moddle.create("spiffworkflow:Property", { name: name, value: value });
      prop.$parent = holder;
      modeling.updateModdleProperties(element, holder, { properties: list.concat([prop]) });
    } else if (prop) {
      modeling.updateModdleProperties(element, holder, { properties: list.filter(function (p) { return p !== prop; }) });
    }
  };

  Panel.prototype.userTaskFields = function (element) {
    var T = this.T, self = this, cfg = this.config;
    if (cfg.dialect === "camunda") { this.camundaTaskFields(element); return; }
    var props = this.spiffProps(element.businessObject);
    var set = function (name) { return function (v) { self.setSpiffProp(element, name, v); }; };
    var departments = [{ code: "", name: T.choose }].concat(cfg.departments.map(function (d) {
      return { code: d.code, name: d.name + "（" + d.code + "）" };
    }));
    this.select(T.department, "department", props.department, departments, set("department"), T.departmentHint);
    this.select(T.orgLevel, "orgLevel", props.orgLevel || "case", cfg.orgLevels, set("orgLevel"));
    this.text(T.formKey, "formKey", props.formKey, set("formKey"), T.formKeyHint, "qsflow-forms");
    this.text(T.dueRule, "dueRule", props.dueRule, set("dueRule"), T.dueRuleHint);
  };

  // Camunda Modeler files: the engine reads camunda:candidateGroups and camunda:formKey (app/engine/bpmn_meta.py).
  Panel.prototype.camundaTaskFields = function (element) {
    var T = this.T, modeling = this.modeling, bo = element.businessObject;
    var attr = function (name) { return function (v) { var p = {}; p[name] = v || undefined; modeling.updateProperties(element, p); }; };
    var groups = (bo.get("camunda:candidateGroups") || "").split(",")[0].trim();
    var departments = [{ code: "", name: T.choose }].concat(this.config.departments.map(function (d) {
      return { code: d.code, name: d.name + "（" + d.code + "）" };
    }));
    this.select(T.department, "department", groups, departments, attr("camunda:candidateGroups"), T.departmentHint);
    this.text(T.formKey, "formKey", bo.get("camunda:formKey"), attr("camunda:formKey"), T.camundaFormHint, "qsflow-forms");
    this.container.appendChild(el("p", { "class": "hint", text: T.camundaNote }));
  };

  Panel.prototype.calledElementField = function (element) {
    var modeling = this.modeling;
    this.text(this.T.calledElement, "calledElement", element.businessObject.calledElement,
      function (v) { modeling.updateProperties(element, { calledElement: v || undefined }); });
  };

  Panel.prototype.flowFields = function (element) {
    var T = this.T, modeling = this.modeling, moddle = this.moddle;
    var bo = element.businessObject;
    var cond = bo.conditionExpression ? bo.conditionExpression.body : "";
    var area = el("textarea", { rows: "3", "class": "mono" });
    area.value = cond || "";
    area.addEventListener("change", function () {
      var v = area.value.trim();
      modeling.updateProperties(element, { conditionExpression: v ? moddle.create("bpmn:FormalExpression", { body: v }) : undefined });
    });
    this.field(T.condition, area, T.conditionHint, "condition");
    var source = element.source;
    if (source && (is(source.businessObject, "bpmn:ExclusiveGateway") || is(source.businessObject, "bpmn:InclusiveGateway"))) {
      var box = el("input", { type: "checkbox" });
      box.checked = source.businessObject.default === bo;
      box.addEventListener("change", function () {
        modeling.updateProperties(source, { "default": box.checked ? bo : undefined });
      });
      this.field(T.isDefault, box, T.isDefaultHint, "isDefault");
    }
  };

  Panel.prototype.timerFields = function (element, def) {
    var T = this.T, modeling = this.modeling, moddle = this.moddle, self = this;
    var type = TIMER_TYPES.filter(function (t) { return def.get(t); })[0] || "timeDuration";
    var value = def.get(type) ? def.get(type).body : "";
    var kinds = TIMER_TYPES.map(function (t) { return { code: t, name: T.timer[t] }; });
    var typeSelect = this.select(T.timerType, "timerType", type, kinds, function () { apply(); });
    var input = this.text(T.timerExpression, "timerExpression", value, function () { apply(); }, T.timerHint);
    function apply() {
      var props = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined };
      if (input.value.trim()) { props[typeSelect.value] = moddle.create("bpmn:FormalExpression", { body: input.value.trim() }); }
      modeling.updateModdleProperties(element, def, props);
      self.current = element;
    }
  };

  Panel.prototype.messageFields = function (element, def) {
    var T = this.T, modeling = this.modeling, moddle = this.moddle, modeler = this.modeler;
    var defs = modeler.getDefinitions();
    var names = (defs.get("rootElements") || []).filter(function (e) { return is(e, "bpmn:Message"); });
    var list = el("datalist", { id: "qsflow-messages" }, names.map(function (m) { return el("option", { value: m.name || m.id }); }));
    this.container.appendChild(list);
    this.text(T.messageName, "messageName", def.messageRef ? (def.messageRef.name || def.messageRef.id) : "", function (v) {
      if (!v) { modeling.updateModdleProperties(element, def, { messageRef: undefined }); return; }
      var roots = defs.get("rootElements");
      var msg = roots.filter(function (e) { return is(e, "bpmn:Message") && e.name === v; })[0];
      if (!msg) {
        msg = moddle.create("bpmn:Message", { id: "Message_" + Math.random().toString(36).slice(2, 9), name: v });
        msg.$parent = defs;
        modeling.updateModdleProperties(element, defs, { rootElements: roots.concat([msg]) });
      }
      modeling.updateModdleProperties(element, def, { messageRef: msg });
    }, T.messageHint, "qsflow-messages");
  };

  Panel.prototype.laneFields = function (element) {
    var T = this.T, modeling = this.modeling, self = this;
    var id = element.businessObject.id || "";
    var current = id.indexOf("Lane_") === 0 ? id.slice(5) : "";
    var departments = [{ code: "", name: T.choose }].concat(this.config.departments.map(function (d) {
      return { code: d.code, name: d.name + "（" + d.code + "）" };
    }));
    this.select(T.laneDepartment, "laneDepartment", current, departments, function (code) {
      if (!code) { return; }
      try { modeling.updateProperties(element, { id: "Lane_" + code }); } catch (err) { alert(T.laneTaken); self.show(element); }
    }, T.laneHint);
  };

  window.QSFlowPanel = Panel;
})();
