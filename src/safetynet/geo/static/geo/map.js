// Town choropleth without tiles: Leaflet draws the GeoJSON on a plain background.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  var colours = ["#e0f3ec", "#b2e0cf", "#7cc8ad", "#45a987", "#1c8565", "#0b5e47"];
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var pops = data.features.map(function (f) { return f.properties.population || 0; });
      var max = Math.max.apply(null, pops.concat([1]));
      function colour(p) { return colours[Math.min(colours.length - 1, Math.floor((p / max) * colours.length))]; }
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#35505f", weight: 1, fillOpacity: 0.85, fillColor: colour(f.properties.population || 0) };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var text = p.name + (p.population ? "：" + p.population.toLocaleString() + " 人" : "");
          if (p.swc && p.swc.length) { text += "<br>" + p.swc.join("、"); }
          l.bindTooltip(text, { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      var legend = L.control({ position: "bottomright" });
      legend.onAdd = function () {
        var div = L.DomUtil.create("div", "legend");
        var step = max / colours.length;
        var rows = [el.dataset.legend || ""];
        colours.forEach(function (c, i) {
          rows.push('<i style="background:' + c + '"></i>' + Math.round(i * step).toLocaleString() +
            " – " + Math.round((i + 1) * step).toLocaleString());
        });
        div.innerHTML = rows.join("<br>");
        return div;
      };
      legend.addTo(map);
      el.dataset.loaded = String(data.features.length);
    });
})();
