/* Starts ReDoc on /redoc (docket.web.apidocs): a static file, as the pages' policy runs
   no inline script. The OpenAPI document's URL is on the element. */
(function () {
  "use strict";
  var element = document.getElementById("redoc");
  Redoc.init(element.getAttribute("data-openapi"), {}, element);
})();
