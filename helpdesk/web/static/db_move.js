// Settings → Move to PostgreSQL: follows the move's progress from the server until it is done or failed.
"use strict";

(() => {
  const card = document.querySelector("[data-move-status]");
  if (!card || !card.dataset.moveStatus) return;
  const bar = card.querySelector("progress");
  const percent = document.getElementById("move-percent");
  const text = document.getElementById("move-text");
  const done = document.getElementById("move-done");
  const box = document.getElementById("move-progress");

  async function poll() {
    let state = "running";
    try {
      const answer = await fetch(card.dataset.moveStatus, {headers: {Accept: "application/json"}});
      if (answer.ok) {
        const status = await answer.json();
        state = status.state;
        bar.value = status.percent;
        percent.textContent = `${status.percent}%`;
        text.textContent = status.text;
        box.dataset.state = state;
        text.classList.toggle("ok", state === "done");
        text.classList.toggle("error", state === "failed");
        done.hidden = state !== "done";
      }
    } catch (error) {
      // the server is busy switching: ask again
    }
    if (state === "running") window.setTimeout(poll, 500);
    else if (state === "failed") window.setTimeout(() => window.location.reload(), 1500);
  }
  poll();
})();
