// The safety-net map without tiles: Leaflet draws the GeoJSON on a plain background. Fills, the
// "<3" suppression, gaps and markers all come from the server (the same figures as the SVG image).
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var labels = el.dataset;

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function swatch(style, text) {
    return '<div class="row"><i style="' + style + '"></i>' + esc(text) + "</div>";
  }

  // Suppressed towns are hatched grey, as in the SVG image: plainly "not shown", not a low value.
  function hatchCss(s) {
    return "background:repeating-linear-gradient(45deg," + s.hatch + " 0 1.5px," + s.fill + " 1.5px 5px)";
  }

  function addHatch(svg, s) {
    var ns = "http://www.w3.org/2000/svg";
    var defs = document.createElementNS(ns, "defs");
    var pattern = document.createElementNS(ns, "pattern");
    var attrs = { id: "suppressed-hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" };
    Object.keys(attrs).forEach(function (k) { pattern.setAttribute(k, attrs[k]); });
    var rect = document.createElementNS(ns, "rect");
    rect.setAttribute("width", 6); rect.setAttribute("height", 6); rect.setAttribute("fill", s.fill);
    var line = document.createElementNS(ns, "line");
    [["x1", 0], ["y1", 0], ["x2", 0], ["y2", 6], ["stroke", s.hatch], ["stroke-width", 1.5]].forEach(function (a) {
      line.setAttribute(a[0], a[1]);
    });
    pattern.appendChild(rect); pattern.appendChild(line); defs.appendChild(pattern);
    svg.insertBefore(defs, svg.firstChild);
  }

  function drawLegend(legend) {
    var box = document.getElementById("map-legend");
    if (!box || !legend) { return; }
    var rows = ['<div class="title">' + esc(labels.legend || legend.title) + "</div>"];
    legend.classes.forEach(function (c) { rows.push(swatch("background:" + c.fill, c.label)); });
    if (legend.suppressed) {
      rows.push(swatch(hatchCss(legend.suppressed), labels.labelSuppressed));
    }
    if (legend.no_data) { rows.push(swatch("background:" + legend.no_data.fill, labels.labelNoData)); }
    if (legend.gap) {
      rows.push(swatch("background:transparent;border:3px dashed " + legend.gap.stroke, labels.labelGap));
    }
    if (legend.marker) {
      rows.push(swatch("background:" + legend.marker.fill + ";border:1px solid " + legend.marker.stroke +
        ";border-radius:50%", labels.labelMarker));
    }
    box.innerHTML = rows.join("");
  }

  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var gaps = [];
      var layer = L.geoJSON(data, {
        style: function (f) {
          var p = f.properties;
          var fill = p.suppressed ? "url(#suppressed-hatch)" : p.fill;
          if (p.gap) {
            return { color: data.legend.gap.stroke, weight: 3, dashArray: data.legend.gap.dash, fillOpacity: 0.9, fillColor: fill };
          }
          return { color: "#4a5a68", weight: 1, fillOpacity: 0.9, fillColor: fill };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var text = "<strong>" + esc(p.name) + "</strong>：" + esc(p.shown);
          if (p.gap) { text += "<br>" + esc(labels.labelGap); }
          if (p.swc && p.swc.length) { text += "<br>" + esc(p.swc.join("、")); }
          l.bindTooltip(text, { sticky: true });
          if (p.gap) { gaps.push(l); }
        }
      }).addTo(map);
      // Leaflet adds layers once the map has a view: fit first, then reach for the drawn elements.
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      if (data.legend.suppressed) {
        var svg = el.querySelector(".leaflet-overlay-pane svg");
        if (svg) { addHatch(svg, data.legend.suppressed); }
      }
      // Gap outlines on top of their neighbours' borders.
      gaps.forEach(function (l) { l.bringToFront(); });
      (data.markers || []).forEach(function (m) {
        var text = "<strong>" + esc(m.organization) + "</strong><br>" + esc(m.location) +
          (m.town ? "（" + esc(m.town) + "）" : "") + "<br>" + esc(labels.labelServices) + "：" +
          m.services.map(esc).join("、");
        var marker = L.circleMarker([m.lat, m.lng], {
          radius: 6, color: data.legend.marker.stroke, weight: 1, fillColor: data.legend.marker.fill, fillOpacity: 1,
          className: "map-marker"
        }).bindTooltip(text).bindPopup(text).addTo(map);
        // `path.leaflet-interactive` stays the towns' (one per town, as tests and scripts count them);
        // the marker keeps its events through Leaflet and its pointer through .map-marker.
        L.DomUtil.removeClass(marker.getElement(), "leaflet-interactive");
      });
      drawLegend(data.legend);
      el.dataset.loaded = String(data.features.length);
    });
})();
