// The html-validate settings every page of a built site is checked with, by
// run.mjs (the browser gate) and site-check.mjs (the feature page): the
// recommended preset, minus rules that contradict a deliberate choice of the
// theme (each one says why).
export const HTML_VALIDATE_CONFIG = {
  root: true,
  extends: ["html-validate:recommended"],
  rules: {
    // Pages come out of tera templates whose {% if %} lines leave
    // indentation behind; whitespace between tags changes nothing a reader
    // gets, and stripping it would make the templates unreadable.
    "no-trailing-whitespace": "off",
    // Titles are "page title – edition name" (GOV.UK's pattern, WCAG 2.4.2);
    // the model's own page titles and council names are long, and cutting
    // them to 70 characters (a search-engine display limit) would make
    // titles less descriptive, not more.
    "long-title": "off",
  },
};
