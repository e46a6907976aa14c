// Draw every chart of the page: <div data-vega-spec="ID"> takes the spec in <script id="ID">.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof vegaEmbed !== "function") { return; }
  document.querySelectorAll("[data-vega-spec]").forEach(function (target) {
    var source = document.getElementById(target.getAttribute("data-vega-spec"));
    if (!source) { return; }
    vegaEmbed(target, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
      .catch(function (error) { target.textContent = String(error); });
  });
});
