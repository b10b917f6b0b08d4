// Progressive enhancement of a planner run's page: poll its figures and open the result.
// Without this file the page refreshes itself (<noscript> meta refresh) to the same end.
(function () {
  "use strict";
  var box = document.querySelector("[data-run-status-url]");
  if (!box) return;
  var url = box.getAttribute("data-run-status-url");

  function show(name, value) {
    var node = box.querySelector("[data-field='" + name + "']");
    if (node) node.textContent = value === null || value === undefined ? "–" : String(value);
  }

  function tick() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (run) {
        show("status", run.status_text);
        show("phase", run.phase);
        show("incumbent", run.incumbent);
        show("bound", run.bound);
        show("gap", run.gap);
        show("elapsed", run.elapsed_s.toFixed(1));
        if (run.status !== "running") {
          window.location.assign(run.page);
          return;
        }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
