// ESLint flat config for gislayout's browser scripts. Every file in static/ (bar the vendored libraries)
// is a classic script sharing the page's globals, so those globals are declared here, once.
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["static/vendor/**", "node_modules/**"] },
  js.configs.recommended,
  {
    files: ["static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: {
        ...globals.browser,
        L: "readonly",            // Leaflet, vendored in static/vendor/leaflet
        GL: "readonly",           // static/common/*.js: the pages' shared module
        CompareI18n: "readonly",  // static/compare/i18n.js
        CompareMaps: "readonly",  // static/compare/maps.js
        CompareCharts: "readonly",  // static/compare/charts.js
        CompareVersions: "readonly",  // static/compare/versions.js
      },
    },
    rules: {
      "no-unused-vars": ["error", { args: "none" }],
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      strict: ["error", "function"],
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
  },
];
