// Fluent's web light and dark themes as CSS custom properties, written into the
// pane's stylesheet when the add-in is built. Fluent's setTheme() would build
// the same declarations at run time from @fluentui/tokens (about 30 KB of
// script); as CSS they cost no script, apply from the first paint, and need no
// constructed stylesheet. The selectors match what setTheme() used (`html`, the
// lowest specificity), so the pane's own token overrides in taskpane.css still
// win; data-theme="dark" (set from the Office theme) selects the dark set.
"use strict";

const { webDarkTheme, webLightTheme } = require("@fluentui/tokens");

// The same guards setTheme() applies: a token is a custom-property name, and a value cannot end its declaration.
const NAME = /^[a-zA-Z_-][a-zA-Z0-9_-]*$/;
const UNSAFE_VALUE = /(;|{|}|\/\*|\*\/|@import|url\s*\(|expression\s*\(|javascript:|<)/i;

/** One theme's tokens as `--name:value;` declarations. */
function declarations(theme) {
  return Object.entries(theme)
    .filter(([name, value]) => NAME.test(name) && !UNSAFE_VALUE.test(String(value)))
    .map(([name, value]) => `--${name}:${value};`)
    .join("");
}

/** The stylesheet text: light tokens on html, dark tokens when html has data-theme="dark". */
function fluentThemeCss() {
  return `/* Fluent UI web light / web dark tokens (@fluentui/tokens), generated at build time by scripts/fluentTheme.js. */\nhtml{${declarations(webLightTheme)}}\nhtml[data-theme="dark"]{${declarations(webDarkTheme)}}\n`;
}

module.exports = { fluentThemeCss };
