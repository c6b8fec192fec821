/* Moddle descriptor for the spiffworkflow: extension elements our engine reads (see app/engine/bpmn_meta.py).
   Without it bpmn-js keeps unknown extension elements opaque and the side panel could not edit them. */
window.QSFlowSpiffModdle = {
  name: "SpiffWorkflow",
  uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
  prefix: "spiffworkflow",
  xml: { tagAlias: "lowerCase" },
  associations: [],
  types: [
    {
      // <spiffworkflow:properties> inside bpmn:extensionElements of a user task
      name: "Properties",
      superClass: ["Element"],
      properties: [{ name: "properties", type: "Property", isMany: true }]
    },
    {
      name: "Property",
      superClass: ["Element"],
      properties: [
        { name: "name", type: "String", isAttr: true },
        { name: "value", type: "String", isAttr: true }
      ]
    },
    // Text-bodied elements the SpiffWorkflow parser reads; declared so they round-trip, not edited here.
    { name: "MessagePayload", superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] },
    { name: "MessageVariable", superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] },
    { name: "PreScript", superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] },
    { name: "PostScript", superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] },
    { name: "CalledDecisionId", superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] },
    { name: "InstructionsForEndUser", superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] },
    { name: "ProcessVariableCorrelation", superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] }
  ]
};
