// Copies the pinned front-end libraries from node_modules into wwwroot/lib, which is committed.
import { cpSync, mkdirSync } from "node:fs";

const files = [
  ["node_modules/htmx.org/dist/htmx.min.js", "wwwroot/lib/htmx/htmx.min.js"],
  ["node_modules/htmx.org/LICENSE", "wwwroot/lib/htmx/LICENSE"],
  ["node_modules/chart.js/dist/chart.umd.js", "wwwroot/lib/chart.js/chart.umd.js"],
  ["node_modules/chart.js/LICENSE.md", "wwwroot/lib/chart.js/LICENSE.md"],
];
for (const [from, to] of files) {
  mkdirSync(to.substring(0, to.lastIndexOf("/")), { recursive: true });
  cpSync(from, to);
}
console.log(`copied ${files.length} files into wwwroot/lib`);
