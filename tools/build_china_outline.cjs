// Builds static/vendor/world-atlas/china-region.geojson, the map's self-contained base layer,
// from Natural Earth's 1:50m countries as packed by the `world-atlas` npm package.
// Usage: node tools/build_china_outline.cjs <world-atlas dir> <topojson-client dir> <output>
"use strict";
const fs = require("fs");
const path = require("path");

const [atlasDir, clientDir, output] = process.argv.slice(2);
const topojson = require(path.join(clientDir, "dist", "topojson-client.js"));
const topology = JSON.parse(fs.readFileSync(path.join(atlasDir, "countries-50m.json"), "utf8"));
const countries = topojson.feature(topology, topology.objects.countries);

// The part of the world a map of China's zones shows: China and its neighbours as context.
const WEST = 70, SOUTH = 15, EAST = 138, NORTH = 55;
const CHINA = "156";

function positions(geometry) {
  const rings = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return rings.flat(2);
}

function round(value) {
  return Math.round(value * 100) / 100;
}

function roundGeometry(geometry) {
  const ring = (points) => {
    const out = [];
    for (const [x, y] of points) {
      const point = [round(x), round(y)];
      const last = out[out.length - 1];
      if (!last || last[0] !== point[0] || last[1] !== point[1]) out.push(point);
    }
    return out;
  };
  if (geometry.type === "Polygon") {
    return { type: "Polygon", coordinates: geometry.coordinates.map(ring) };
  }
  return {
    type: "MultiPolygon",
    coordinates: geometry.coordinates.map((polygon) => polygon.map(ring)),
  };
}

const features = countries.features
  .filter((feature) => feature.geometry)
  .filter((feature) =>
    positions(feature.geometry).some(([x, y]) => x >= WEST && x <= EAST && y >= SOUTH && y <= NORTH)
  )
  .map((feature) => ({
    type: "Feature",
    properties: { name: feature.properties.name, china: feature.id === CHINA },
    geometry: roundGeometry(feature.geometry),
  }));

fs.writeFileSync(output, JSON.stringify({ type: "FeatureCollection", features }));
console.log(`${features.length} countries written to ${output}`);
