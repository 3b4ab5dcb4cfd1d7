/* The figures dashboard: every chart is drawn from the JSON the page embeds, and
   the same numbers sit in the table under each chart. */
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var L = data.labels;

  function draw(id, option, empty) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    if (empty) {  // nothing to plot: the table under the chart says so
      el.style.display = "none";
      var numbers = el.parentNode.querySelector("details");
      if (numbers) { numbers.open = true; }
      return null;
    }
    var chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function any(values) { return values.some(function (v) { return v > 0; }); }
  var people = ["stationed", "attachment", "training"].filter(function (m) { return any(data.trend[m]); });
  var visits = any(data.trend.clinic_visits);
  var series = people.map(function (m) {
    return {name: L[m], type: "bar", stack: "people", data: data.trend[m]};
  });
  if (visits) {
    series.push({name: L.clinic_visits, type: "line", yAxisIndex: people.length ? 1 : 0, smooth: true,
                 data: data.trend.clinic_visits});
  }
  var axes = [{type: "value", minInterval: 1}];
  if (visits && people.length) { axes.push({type: "value", name: L.clinic_visits}); }
  draw("chart-trend", {
    tooltip: {trigger: "axis"}, legend: {top: 0},
    grid: {left: 56, right: 64, bottom: 28, top: 40},
    xAxis: {type: "category", data: data.years},
    yAxis: axes,
    series: series
  }, !series.length);

  var specialties = data.specialties.slice().reverse();
  var kinds = ["stationed", "attachment", "training", "visiting"].filter(function (m) {
    return any(specialties.map(function (s) { return s[m]; }));
  });
  draw("chart-specialty", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}}, legend: {top: 0},
    grid: {left: 100, right: 16, bottom: 24, top: 40},
    xAxis: {type: "value", minInterval: 1},
    yAxis: {type: "category", data: specialties.map(function (s) { return s.name; })},
    series: kinds.map(function (m) {
      return {name: L[m], type: "bar", stack: "n", data: specialties.map(function (s) { return s[m]; })};
    })
  }, !specialties.length);

  var cities = {};
  data.flows.forEach(function (f) {
    if (f.from) { cities[f.source] = f.from; }
    if (f.to) { cities[f.target] = f.to; }
  });
  var located = data.flows.filter(function (f) { return f.from && f.to; });
  var maxPeople = Math.max.apply(null, located.map(function (f) { return f.people; }).concat([1]));
  draw("chart-flows", {
    tooltip: {trigger: "item", formatter: function (p) {
      return p.seriesType === "lines" ? p.data.source + " → " + p.data.target + "：" + p.data.people : p.name;
    }},
    grid: {left: 48, right: 24, bottom: 32, top: 16},
    xAxis: {type: "value", scale: true, name: "E", axisLabel: {formatter: "{value}°"}},
    yAxis: {type: "value", scale: true, name: "N", axisLabel: {formatter: "{value}°"}},
    series: [
      {type: "scatter", symbolSize: 9, label: {show: true, position: "right", formatter: "{b}"},
       data: Object.keys(cities).map(function (name) { return {name: name, value: cities[name]}; })},
      {type: "lines", coordinateSystem: "cartesian2d", effect: {show: true, symbolSize: 5},
       lineStyle: {curveness: 0.2, opacity: 0.6},
       data: located.map(function (f) {
         return {coords: [f.from, f.to], source: f.source, target: f.target, people: f.people,
                 lineStyle: {width: 1 + 5 * f.people / maxPeople}};
       })}
    ]
  }, !located.length);

  var experts = data.experts.slice().reverse();
  draw("chart-experts", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    grid: {left: 80, right: 24, bottom: 24, top: 16},
    xAxis: {type: "value", minInterval: 1},
    yAxis: {type: "category", data: experts.map(function (e) { return e.name; })},
    series: [{name: L.clinic_visits, type: "bar", data: experts.map(function (e) { return e.visits; })}]
  }, !experts.length);

  var box = document.getElementById("gauges");
  if (box) {
    data.gauges.forEach(function (g) {
      var el = document.createElement("div");
      el.className = "gauge";
      box.appendChild(el);
      echarts.init(el).setOption({
        series: [{type: "gauge", min: 0, max: Math.max(100, g.percent), progress: {show: true, width: 12},
                  axisLine: {lineStyle: {width: 12}}, axisTick: {show: false}, splitLine: {show: false},
                  axisLabel: {show: false}, pointer: {show: false}, anchor: {show: false},
                  detail: {formatter: "{value}%", fontSize: 16, offsetCenter: [0, "60%"]},
                  title: {offsetCenter: [0, "95%"], fontSize: 11},
                  data: [{value: g.percent, name: g.label}]}]
      });
    });
  }
})();
