import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();

// Print buttons only make sense with JavaScript, so they start hidden.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
