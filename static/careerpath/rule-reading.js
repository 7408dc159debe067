// The sentence a worker will read for the rule being written, updated as the editor types: the
// form's fields go to the reading address, and its answer (plain text) replaces the sentence in
// a live region. Without JavaScript the "Show the reading" button asks the server instead.
const WAIT_MS = 250;

for (const form of document.querySelectorAll("form[data-app-rule-reading]")) {
  const region = form.querySelector("[data-app-rule-reading-text]");
  const address = new URL(form.dataset.appRuleReading, window.location.href);
  let pause = null;
  let asked = 0;

  const update = async () => {
    const query = new URLSearchParams(address.search);
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") query.append(name, value);
    }
    const mine = ++asked;
    try {
      const response = await fetch(`${address.pathname}?${query}`, {
        headers: { Accept: "text/plain" },
        credentials: "same-origin",
      });
      if (!response.ok || mine !== asked) return;
      const reading = await response.text();
      if (region.textContent !== reading) region.textContent = reading;
    } catch {
      // Offline or signed out: the button still asks the server.
    }
  };

  const later = () => {
    window.clearTimeout(pause);
    pause = window.setTimeout(update, WAIT_MS);
  };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  update();
}
