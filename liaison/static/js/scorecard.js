// Scorecard pages: the period picker shows its choice at once, and a department's card
// draws its trend (data from the page's json_script elements; no inline script under the
// Content-Security-Policy).
(function () {
  "use strict";

  function read(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function line(name, data, dashed) {
    return {
      name: name, type: "line", data: data, connectNulls: false, symbolSize: 7,
      lineStyle: dashed ? { type: "dashed" } : {},
    };
  }

  function draw(element, periods, series, max, suffix) {
    element.style.height = "260px"; // CSSOM, allowed where a style attribute is not
    var chart = window.echarts.init(element);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "–" : v + suffix; } },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 40, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: periods },
      yAxis: { type: "value", min: 0, max: max },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function trends() {
    var trend = read("scorecard-trend");
    if (!trend || !window.echarts) return;
    var own = read("scorecard-own-label");
    var kind = read("scorecard-kind-label");
    var score = read("scorecard-score-label");
    var scoreBox = document.getElementById("trend-score");
    if (scoreBox) {
      draw(scoreBox, trend.periods, [
        line(own + " · " + score, trend.score, false),
        line(kind + " · " + score, trend.kind_score, true),
      ], 100, "");
    }
    var ratesBox = document.getElementById("trend-rates");
    if (ratesBox) {
      var series = [];
      trend.rates.forEach(function (rate) {
        series.push(line(own + " · " + rate.name, rate.own, false));
        series.push(line(kind + " · " + rate.name, rate.kind, true));
      });
      draw(ratesBox, trend.periods, series, 100, "%");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
    trends();
  });
})();
