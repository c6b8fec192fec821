// The campaign page's province map: each city coloured by the share of its registered enterprises that
// finished self-inspection, read from the progress table (rows carry the region code and the share).
(function () {
  var box = document.getElementById("cp-map");
  if (!box || !window.echarts) { return; }
  var mapName = box.getAttribute("data-map");
  var rows = document.querySelectorAll("#progress tbody tr[data-unit]");
  var byCode = {};
  rows.forEach(function (tr) {
    byCode[tr.getAttribute("data-unit")] = {share: parseFloat(tr.getAttribute("data-share")) || 0,
      link: (tr.querySelector("td a") || {}).href};
  });
  var data = [];
  var geo = echarts.getMap(mapName);
  if (!geo) { return; }
  (geo.geoJSON || geo.geoJson).features.forEach(function (f) {
    var code = String(f.id || (f.properties || {}).adcode || "");
    if (byCode[code]) {
      data.push({name: f.properties.name, value: Math.round(byCode[code].share * 100), link: byCode[code].link});
    }
  });
  var chart = echarts.init(box);
  chart.setOption({
    tooltip: {trigger: "item", formatter: function (p) { return p.name + "：" + (p.value >= 0 ? p.value + "%" : "—"); }},
    visualMap: {min: 0, max: 100, left: 8, bottom: 8, text: ["100%", "0%"], calculable: false,
                inRange: {color: ["#fdecea", "#ffe0a3", "#b7e1b4", "#2e7d32"]}},
    series: [{type: "map", map: mapName, name: box.getAttribute("data-label"), data: data,
              label: {show: true, fontSize: 10}, emphasis: {label: {show: true}}}]
  });
  chart.on("click", function (p) { if (p.data && p.data.link) { window.location = p.data.link; } });
  window.addEventListener("resize", function () { chart.resize(); });
})();
