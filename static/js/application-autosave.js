// Saves an application section as a draft while the person types: a few seconds after they
// stop, at least every 30 seconds while they keep typing, and when they leave the page. The same POST as the Save button, marked with
// a header so the server answers in JSON. Without JavaScript the buttons do the same.
const SAVE_EVERY_MS = 30000;
const SAVE_AFTER_PAUSE_MS = 3000;

for (const form of document.querySelectorAll("form[data-app-autosave]")) {
  const status = form.querySelector("[data-app-autosave-status]");
  const revision = form.querySelector("input[name='revision']");
  let dirty = false;
  let saving = false;
  let stopped = false;

  const say = (text) => {
    if (status) status.textContent = text;
  };

  let pause = null;
  form.addEventListener("input", () => {
    dirty = true;
    window.clearTimeout(pause);
    pause = window.setTimeout(() => save(), SAVE_AFTER_PAUSE_MS);
  });
  form.addEventListener("submit", () => {
    stopped = true; // the buttons post the form themselves
  });

  // keepalive lets a save started as the page goes finish after it has gone; when the page
  // stays (a tab switched away and back), the new revision is kept for the next save.
  const save = async () => {
    if (!dirty || saving || stopped) return;
    saving = true;
    dirty = false;
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Autosave": "1" },
        credentials: "same-origin",
        keepalive: true,
      });
      const answer = await response.json();
      if (answer.saved) {
        if (revision) revision.value = answer.revision;
        const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        say(`Draft saved at ${time}`);
      } else if (answer.stale) {
        stopped = true;
        say("This section was changed elsewhere. Select Save draft to compare the two versions: nothing is lost.");
      } else {
        dirty = true;
        say(`Not saved: ${answer.errors.join("; ")}`);
      }
    } catch {
      dirty = true;
      say("Not saved automatically: select Save draft to save your work.");
    } finally {
      saving = false;
    }
  };

  window.setInterval(() => save(), SAVE_EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save();
  });
  window.addEventListener("pagehide", () => save());
}
