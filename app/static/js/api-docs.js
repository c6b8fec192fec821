// Swagger UI over the OpenAPI document named by the page (no inline script, so a strict CSP can hold).
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui-container");
  window.ui = SwaggerUIBundle({url: root.dataset.specUrl, dom_id: "#swagger-ui-container",
                               deepLinking: true, persistAuthorization: false});
});
