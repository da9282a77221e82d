// The dashboard's trend chart (ECharts; its data comes in a json_script element, as the
// Content-Security-Policy allows no inline script) and the big screen's stale banner.
(function () {
  "use strict";

  function drawTrend() {
    var data = document.getElementById("dashboard-trend");
    var target = document.getElementById("trend-chart");
    if (!data || !target || !window.echarts) return;
    var trend = JSON.parse(data.textContent);
    target.style.height = "260px"; // set from script: the CSP refuses style attributes
    var chart = window.echarts.init(target);
    var percent = function (value) { return value === null ? "—" : Math.round(value * 1000) / 10 + "%"; };
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { top: 0 },
      grid: { left: 44, right: 12, top: 32, bottom: 24 },
      xAxis: { type: "category", data: trend.periods },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: percent } },
      series: trend.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false };
      }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // The screen says its figures are stale when the last ones it got were computed longer
  // ago than the threshold: the server says so too, but not when the network is down.
  function watchStaleness() {
    var holder = document.getElementById("screen-figures");
    var banner = document.getElementById("stale-banner");
    if (!holder || !banner) return;
    var limit = Number(holder.dataset.staleAfter) * 1000;
    function check() {
      var figures = holder.querySelector("[data-computed-at]");
      if (!figures) return;
      var computed = Number(figures.dataset.computedAt) * 1000;
      banner.classList.toggle("d-none", Date.now() - computed <= limit);
    }
    document.body.addEventListener("htmx:afterSwap", check);
    window.setInterval(check, 15000);
    check();
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawTrend();
    watchStaleness();
  });
})();
