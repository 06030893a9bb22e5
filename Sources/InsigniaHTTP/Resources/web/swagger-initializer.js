// Starts the bundled Swagger UI on our own document. A file of its own, not an inline script:
// the page's Content-Security-Policy allows scripts from this origin only.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/swagger/doc.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // No badge from the public validator service: the page talks to this origin only.
    validatorUrl: null,
  });
});
