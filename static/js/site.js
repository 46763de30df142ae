/* The public site's behaviour: maps, and the filter panel on small screens.
 * No inline script anywhere: the page's Content Security Policy forbids it. Every page works
 * without this file; it only adds the map and keeps the filter panel tidy on a phone. */
(function () {
  "use strict";

  var NARROW = window.matchMedia("(max-width: 47.99rem)");
  var PLACE_ZOOM = 5;

  function readJSON(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // Leaflet inserts a string it is given as HTML: a record's name goes in as a text node, and
  // the attribution (which Leaflet only takes as a string) is escaped first.
  function textContent(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function escapedHTML(text) {
    return textContent(text).innerHTML;
  }

  // A place's popup lists every zone there (a city can hold a zone of each program).
  function popupContent(properties, label) {
    var box = document.createElement("div");
    (properties.zones || [properties]).forEach(function (zone) {
      var entry = document.createElement("p");
      entry.className = "map-popup__zone";
      var link = document.createElement("a");
      link.href = zone.url;
      link.textContent = zone.name;
      link.setAttribute("aria-label", label + ": " + zone.name);
      var strong = document.createElement("strong");
      strong.appendChild(link);
      entry.appendChild(strong);
      var program = document.createElement("div");
      program.textContent = zone.program_name;
      entry.appendChild(program);
      box.appendChild(entry);
    });
    return box;
  }

  function initMap(element) {
    if (element.dataset.ready || typeof L === "undefined") {
      return;
    }
    element.dataset.ready = "1";
    var zones = readJSON(element.dataset.geojson) || { type: "FeatureCollection", features: [] };
    var colours = JSON.parse(element.dataset.colours || "{}");
    var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.5, minZoom: 2, maxZoom: 12 });
    map.attributionControl.setPrefix(false);
    map.setView([35, 105], 3.5);

    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        attribution: escapedHTML(element.dataset.tilesAttribution || ""),
      }).addTo(map);
    }

    var markers = L.geoJSON(zones, {
      pointToLayer: function (feature, latlng) {
        var shared = (feature.properties.zones || []).length > 1;
        return L.circleMarker(latlng, {
          radius: shared ? 9 : 7,
          weight: shared ? 3 : 1.5,
          color: shared ? "#1f2933" : "#ffffff",
          fillColor: colours[feature.properties.program] || "#0b5cad",
          fillOpacity: 0.9,
          className: shared ? "zone-marker zone-marker--shared" : "zone-marker",
        });
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popupContent(feature.properties, element.dataset.markerLabel));
        layer.bindTooltip(textContent(feature.properties.name));
      },
    });

    function fit() {
      var bounds = markers.getBounds();
      if (!bounds.isValid()) {
        return;
      }
      // Without animation the map opens at its place at once (an animated zoom would also
      // leave getZoom() at the first view's zoom until it ends).
      if (zones.features.length === 1) {
        // One place (a zone's page): the region around it, with its neighbouring provinces.
        map.setView(bounds.getCenter(), PLACE_ZOOM, { animate: false });
      } else {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 7, animate: false });
      }
    }

    // The base layer is an outline shipped with the site, so the map needs no tile server.
    fetch(element.dataset.outline)
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (outline) {
        if (outline && !element.dataset.tiles) {
          L.geoJSON(outline, {
            interactive: false,
            style: function (feature) {
              return feature.properties.china
                ? { color: "#6d7682", weight: 1, fillColor: "#f4efe2", fillOpacity: 1 }
                : { color: "#b9c0c9", weight: 0.7, fillColor: "#eceff3", fillOpacity: 1 };
            },
          }).addTo(map);
          markers.bringToFront();
        }
      })
      .catch(function () {
        /* Without the outline the markers still show. */
      });
    markers.addTo(map);
    fit();
    // The zoom the map opened at, for whoever reads the page's state (the browser tests).
    element.dataset.zoom = String(map.getZoom());
    element.classList.add("map--ready");
  }

  function initMaps(root) {
    (root || document).querySelectorAll("[data-map]").forEach(initMap);
  }

  // The filter panel starts open (so it works without script) and folds away on a phone.
  function foldFilters(root) {
    if (!NARROW.matches) {
      return;
    }
    (root || document).querySelectorAll("details[data-close-narrow]").forEach(function (panel) {
      // A panel holding a form error stays open so that the reader sees what to correct.
      if (!panel.dataset.touched && !document.querySelector(".form-errors")) {
        panel.open = false;
      }
    });
  }

  // Empty fields stay out of the address that htmx pushes, so a shared link shows only the
  // filters that are really chosen.
  document.addEventListener("htmx:configRequest", function (event) {
    var parameters = event.detail.parameters;
    Object.keys(parameters).forEach(function (name) {
      if (parameters[name] === "") {
        delete parameters[name];
      }
    });
  });

  var panelWasOpen = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var panel = document.getElementById("filters-panel");
    panelWasOpen = panel ? panel.open : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var panel = document.getElementById("filters-panel");
    if (panel && panelWasOpen !== null) {
      panel.open = panelWasOpen;
      panel.dataset.touched = "1";
    }
    initMaps(document);
  });

  document.addEventListener("DOMContentLoaded", function () {
    foldFilters(document);
    initMaps(document);
  });
})();
