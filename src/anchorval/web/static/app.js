// anchorval web app: draw plotly figures carried in data-figure attributes (no inline script,
// so the Content-Security-Policy can forbid it) and keep slider read-outs in step.
(function () {
  "use strict";
  function draw(root) {
    if (typeof Plotly === "undefined") { return; }
    (root || document).querySelectorAll("[data-figure]").forEach(function (el) {
      if (el.dataset.drawn === "1") { return; }
      var fig = JSON.parse(el.getAttribute("data-figure"));
      el.dataset.drawn = "1";
      Plotly.newPlot(el, fig.data, fig.layout || {}, {displaylogo: false, responsive: true});
    });
  }
  function outputs(root) {
    (root || document).querySelectorAll("input[type=range]").forEach(function (el) {
      var out = el.parentElement.querySelector("output");
      if (out) { out.textContent = el.value + "%"; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (ev) { draw(ev.target); });
  document.addEventListener("input", function (ev) {
    if (ev.target.matches && ev.target.matches("input[type=range]")) { outputs(ev.target.parentElement); }
  });
  document.addEventListener("reset", function (ev) {
    window.setTimeout(function () { outputs(ev.target); }, 0);
  });
})();
