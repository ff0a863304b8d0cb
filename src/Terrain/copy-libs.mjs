// Copies the pinned front-end libraries from node_modules into wwwroot/lib, and the common-password list into the
// app (an embedded resource); both are committed.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const files = [
  ["node_modules/htmx.org/dist/htmx.min.js", "wwwroot/lib/htmx/htmx.min.js"],
  ["node_modules/htmx.org/LICENSE", "wwwroot/lib/htmx/LICENSE"],
  ["node_modules/chart.js/dist/chart.umd.js", "wwwroot/lib/chart.js/chart.umd.js"],
  ["node_modules/chart.js/LICENSE.md", "wwwroot/lib/chart.js/LICENSE.md"],
  // The territory map: Leaflet (no WebGL, no blob: workers, so it runs under the CSP and in a GPU-less browser),
  // supercluster for clustering, and the US state boundaries as TopoJSON, all served by the app (no tile server).
  ["node_modules/leaflet/dist/leaflet.js", "wwwroot/lib/leaflet/leaflet.js"],
  ["node_modules/leaflet/dist/leaflet.css", "wwwroot/lib/leaflet/leaflet.css"],
  ["node_modules/leaflet/LICENSE", "wwwroot/lib/leaflet/LICENSE"],
  ["node_modules/supercluster/dist/supercluster.min.js", "wwwroot/lib/supercluster/supercluster.min.js"],
  ["node_modules/supercluster/LICENSE", "wwwroot/lib/supercluster/LICENSE"],
  ["node_modules/topojson-client/dist/topojson-client.min.js", "wwwroot/lib/topojson-client/topojson-client.min.js"],
  ["node_modules/topojson-client/LICENSE", "wwwroot/lib/topojson-client/LICENSE"],
  ["node_modules/us-atlas/states-10m.json", "wwwroot/lib/us-atlas/states-10m.json"],
  ["node_modules/us-atlas/LICENSE", "wwwroot/lib/us-atlas/LICENSE"],
];
for (const [from, to] of files) {
  mkdirSync(to.substring(0, to.lastIndexOf("/")), { recursive: true });
  cpSync(from, to);
}
console.log(`copied ${files.length} files into wwwroot/lib`);

// The password list of zxcvbn-ts (MIT; Dropbox's zxcvbn list, drawn from leaked-password corpora), most common first,
// one per line, for the sign-in password validator (CommonPasswordValidator).
const passwords = JSON.parse(readFileSync("node_modules/@zxcvbn-ts/language-common/src/passwords.json", "utf8"));
writeFileSync("Infrastructure/Auth/common-passwords.txt", passwords.join("\n") + "\n");
cpSync("node_modules/@zxcvbn-ts/language-common/LICENSE.txt", "Infrastructure/Auth/common-passwords.LICENSE.txt");
console.log(`wrote ${passwords.length} common passwords into Infrastructure/Auth/common-passwords.txt`);

// US ZIP centroids from `zipcodes` (BSD; Dav Glass's database, kept since 2007), "zip,latitude,longitude" a line,
// for placing accounts that have a postal code but no coordinates (ZipCentroids, approximate by nature).
const { codes } = await import("./node_modules/zipcodes/lib/codes.js").then((m) => m.default ?? m);
const zips = Object.values(codes)
  .filter((c) => c.country === "US" && /^\d{5}$/.test(c.zip) && Number.isFinite(c.latitude) && Number.isFinite(c.longitude)
    && !(c.latitude === 0 && c.longitude === 0))
  .sort((a, b) => a.zip.localeCompare(b.zip))
  .map((c) => `${c.zip},${c.latitude},${c.longitude}`);
writeFileSync("Features/Territory/zip-centroids.txt", zips.join("\n") + "\n");
cpSync("node_modules/zipcodes/LICENSE", "Features/Territory/zip-centroids.LICENSE.txt");
console.log(`wrote ${zips.length} ZIP centroids into Features/Territory/zip-centroids.txt`);
