/* Supervisor dashboard charts (ECharts, served locally). Every bar with a case list behind it opens
   that list when clicked; the data and its drill-down URLs come from the page's JSON block. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var L = JSON.parse(document.getElementById("dashboard-labels").textContent);
  var charts = [];
  var palette = ["#1f5fbf", "#2e8b57", "#d9822b", "#c0392b", "#7b61c4"];

  function pct(rate) { return rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10; }

  function open(url) { if (url && url !== "#") { window.location.href = url; } }

  function make(id, option, urlsBySeries) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    option.color = palette;
    option.tooltip = option.tooltip || { trigger: "axis" };
    option.grid = option.grid || { left: 48, right: 48, top: 40, bottom: 56 };
    chart.setOption(option);
    chart.on("click", function (p) {
      var urls = urlsBySeries && urlsBySeries[p.seriesName];
      if (urls) { open(urls[p.dataIndex]); }
    });
    charts.push(chart);
  }

  var weeks = data.trend.map(function (w) { return w.label; });
  var trendUrls = {};
  trendUrls[L.opened] = data.trend.map(function (w) { return w.failed_url; });
  make("chart-trend", {
    legend: { top: 0 },
    xAxis: { type: "category", data: weeks, axisLabel: { rotate: 30 } },
    yAxis: [{ type: "value", name: L.count, minInterval: 1 },
            { type: "value", name: "%", min: 0, max: 100 }],
    series: [
      { name: L.opened, type: "bar", data: data.trend.map(function (w) { return w.failed_opened; }), cursor: "pointer" },
      { name: L.closed, type: "bar", data: data.trend.map(function (w) { return w.failed_closed; }) },
      { name: L.found, type: "bar", data: data.trend.map(function (w) { return w.hazards_found; }) },
      { name: L.onTime, type: "line", yAxisIndex: 1, connectNulls: true,
        data: data.trend.map(function (w) { return pct(w.on_time.rate); }) }
    ]
  }, trendUrls);

  function breakdown(id, rows, nameOf) {
    if (!rows.length) { return; }
    var urls = {};
    urls[L.disposal] = rows.map(function (r) { return r.disposal.closed_url; });
    make(id, {
      // A narrow chart (tablet, or English labels) pages its legend instead of wrapping it over the plot.
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 24, top: 56, bottom: 56 },
      xAxis: { type: "category", data: rows.map(nameOf), axisLabel: { interval: 0, rotate: rows.length > 5 ? 35 : 0 } },
      yAxis: { type: "value", name: "%", min: 0, max: 100 },
      series: [
        { name: L.disposal, type: "bar", data: rows.map(function (r) { return pct(r.disposal.rate); }), cursor: "pointer" },
        { name: L.onTime, type: "bar", data: rows.map(function (r) { return pct(r.on_time.rate); }) },
        { name: L.hazardRate, type: "bar", data: rows.map(function (r) { return pct(r.hazards.rate); }) }
      ]
    }, urls);
  }
  breakdown("chart-region", data.by_region, function (r) { return r.name.replace("市场监督管理局", ""); });
  breakdown("chart-category", data.by_category, function (r) { return (L.categoryNames || {})[r.label] || r.label; });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
