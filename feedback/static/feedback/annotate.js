// The annotator's workbench: every control on a key, so a draft is labelled without the mouse. No dependencies.
"use strict";

(function () {
  function typing(event) {
    const tag = event.target.tagName;
    return tag === "TEXTAREA" || (tag === "INPUT" && event.target.type === "text") || tag === "SELECT"
      || event.target.isContentEditable;
  }

  function listKeys(next) {
    document.addEventListener("keydown", (event) => {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "n") window.location.assign(next.href);
    });
  }

  function go(selector) {
    const link = document.querySelector(selector);
    if (link) window.location.assign(link.href);
  }

  function itemKeys(form) {
    const rows = Array.from(form.querySelectorAll(".rubric-row"));
    const help = document.querySelector("#keys-help");
    let focused = 0;
    const focusRow = (index) => {
      focused = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach((row, i) => row.classList.toggle("focused", i === focused));
    };
    rows.forEach((row, i) => row.addEventListener("click", () => focusRow(i)));
    const labelKeys = {};
    form.querySelectorAll("input[name=labels][data-key]").forEach((box) => {
      if (box.dataset.key) labelKeys[box.dataset.key] = box;
    });
    const toggleHelp = () => { help.hidden = !help.hidden; };
    document.querySelector("#help-button").addEventListener("click", toggleHelp);

    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        form.requestSubmit();
        return;
      }
      if (event.key === "Escape") {
        if (typing(event)) event.target.blur();
        else if (!help.hidden) help.hidden = true;
        return;
      }
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      const key = event.key;
      if (key === "y") form.querySelector("#safe-yes").checked = true;
      else if (key === "n") form.querySelector("#safe-no").checked = true;
      else if (key >= "1" && key <= "5" && rows.length) {
        const radio = rows[focused].querySelector(`input[value="${key}"]`);
        if (radio) radio.checked = true;
        focusRow(focused + 1);
      } else if (key === "ArrowDown") focusRow(focused + 1);
      else if (key === "ArrowUp") focusRow(focused - 1);
      else if (key === "t") form.querySelector("#notes").focus();
      else if (key === "s") form.requestSubmit();
      else if (key === "k") go("#skip-link");
      else if (key === "q") go("#queue-link");
      else if (key === "?") toggleHelp();
      else if (labelKeys[key]) labelKeys[key].checked = !labelKeys[key].checked;
      else return;
      event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const next = document.querySelector("#annotate-next");
    if (next) listKeys(next);
    const form = document.querySelector("#annotate-form");
    if (form) itemKeys(form);
  });
})();
