// Copies the pinned front-end libraries from node_modules into wwwroot/lib, and the common-password list into the
// app (an embedded resource); both are committed.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

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

// The password list of zxcvbn-ts (MIT; Dropbox's zxcvbn list, drawn from leaked-password corpora), most common first,
// one per line, for the sign-in password validator (CommonPasswordValidator).
const passwords = JSON.parse(readFileSync("node_modules/@zxcvbn-ts/language-common/src/passwords.json", "utf8"));
writeFileSync("Infrastructure/Auth/common-passwords.txt", passwords.join("\n") + "\n");
cpSync("node_modules/@zxcvbn-ts/language-common/LICENSE.txt", "Infrastructure/Auth/common-passwords.LICENSE.txt");
console.log(`wrote ${passwords.length} common passwords into Infrastructure/Auth/common-passwords.txt`);
