// The operator dashboard refreshes itself: every data-refresh-seconds it fetches the tiles again and swaps
// them in place, without reloading the page. A failed fetch keeps the tiles it has and tries again later.
(function () {
  "use strict";
  const box = document.getElementById("metrics-dashboard");
  if (!box) return;
  const url = box.dataset.refreshUrl;
  const seconds = Number(box.dataset.refreshSeconds) || 30;
  async function refresh() {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
      if (response.ok) {
        box.innerHTML = await response.text();
        box.dataset.refreshedAt = new Date().toISOString();
      }
    } catch (error) {
      // offline or restarting: the next round tries again
    }
  }
  setInterval(refresh, seconds * 1000);
  box.refreshNow = refresh;
})();
