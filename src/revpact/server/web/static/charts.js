/* Draws every chart on a dashboard page: each <div class="plotly-chart"> carries its plotly
 * figure as JSON in data-figure (escaped like any attribute); plotly.min.js is loaded first. */
(function () {
  "use strict";
  var config = {displaylogo: false, responsive: true};
  document.querySelectorAll("div.plotly-chart[data-figure]").forEach(function (element) {
    var figure = JSON.parse(element.dataset.figure);
    Plotly.newPlot(element, figure.data, figure.layout, config);
  });
})();
