// The operator workbench: live queue counts and keyboard decisions. No dependencies, no network but ours.
"use strict";

(function () {
  const POLL_MS = 3000;

  function typing(event) {
    const tag = event.target.tagName;
    return tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT" || event.target.isContentEditable;
  }

  function liveQueueCounts(bar) {
    const show = (name, value) => {
      const cell = bar.querySelector(`[data-stat="${name}"]`);
      if (cell) cell.textContent = value;
    };
    async function refresh() {
      try {
        const response = await fetch(bar.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) throw new Error(response.status);
        const stats = await response.json();
        show("pending", stats.pending);
        show("breached", stats.breached);
        bar.querySelector(".queue-breached").classList.toggle("has-breaches", stats.breached > 0);
        show("updated", "live · " + new Date().toLocaleTimeString());
        bar.classList.remove("stale");
      } catch (error) {
        bar.classList.add("stale");
        show("updated", "counts not updating (retrying)");
      }
    }
    setInterval(refresh, POLL_MS);
  }

  function queueKeys() {
    document.addEventListener("keydown", (event) => {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "n") {
        const next = document.querySelector(".queue-next");
        if (next) window.location.assign(next.href);
      }
    });
  }

  function itemKeys(form) {
    const reason = form.querySelector("#reason");
    const approve = form.querySelector("#approve-button");
    const reject = form.querySelector("#reject-button");
    reject.addEventListener("click", (event) => {
      if (!reason.value.trim()) {
        event.preventDefault();
        reason.setCustomValidity("Write why: the agent's model reads it.");
        reason.reportValidity();
        reason.focus();
      }
    });
    reason.addEventListener("input", () => reason.setCustomValidity(""));
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        reject.click();
        return;
      }
      if (event.key === "Escape") {
        if (typing(event)) event.target.blur();
        else window.location.assign(document.querySelector("#queue-link").href);
        return;
      }
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "a") { event.preventDefault(); approve.click(); }
      else if (event.key === "r") { event.preventDefault(); reason.focus(); }
      else if (event.key === "n") { window.location.assign(document.querySelector("#skip-link").href); }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const bar = document.querySelector("#queue-stats");
    if (bar) { liveQueueCounts(bar); queueKeys(); }
    const form = document.querySelector("#decide-form");
    if (form) itemKeys(form);
  });
})();
