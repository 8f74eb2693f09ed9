// What the dashboard's pages share: the merchant they show, the live feed, small renderers.
"use strict";

window.dash = (() => {
  const { el } = window.ui;

  /** The live feed (GET /_mock/ui/events): `onNotice({kind, data})` for each notice,
   * and a `resync` whenever the stream (re)opens, since anything may have changed. */
  function live(onNotice) {
    const status = document.getElementById("live");
    const source = new EventSource("/_mock/ui/events");
    source.addEventListener("ready", () => {
      status.textContent = "Live: this page follows every change.";
      status.dataset.state = "open";
      onNotice({ kind: "resync", data: {} });
    });
    for (const kind of ["change", "delivery", "write", "resync"]) {
      source.addEventListener(kind, (e) => onNotice({ kind, data: JSON.parse(e.data) }));
    }
    source.addEventListener("error", () => {
      status.textContent = "The live feed is interrupted; reconnecting…";
      status.dataset.state = "closed";
    });
    return source;
  }

  /** `fn` run once for any number of calls made while it waits or runs: a burst of
   * notices (a scenario's hundred events) costs one reload, not a hundred. */
  function coalesce(fn, delay = 20) {
    let timer = null;
    let running = null;
    let again = false;
    const run = async () => {
      timer = null;
      running = (async () => {
        try {
          await fn();
        } catch (error) {
          window.ui.alertError(error.message);
        }
      })();
      await running;
      running = null;
      if (again) {
        again = false;
        schedule();
      }
    };
    function schedule() {
      if (running) {
        again = true;
      } else if (!timer) {
        timer = setTimeout(run, delay);
      }
    }
    return schedule;
  }

  /** Rows for a <tbody>: each row a list of cells (a string, a node, or {th: ...}). */
  function fillRows(tbody, rows, empty) {
    const width = tbody.closest("table").querySelectorAll("thead th").length;
    tbody.replaceChildren(
      ...(rows.length
        ? rows.map((cells) =>
            el("tr", {}, cells.map((cell, index) =>
              index === 0 ? el("th", { scope: "row" }, cell) : el("td", {}, cell))))
        : [el("tr", {}, el("td", { colspan: width, class: "muted" }, empty))]),
    );
  }

  function when(instant) {
    return instant ? String(instant).replace("T", " ").replace(/\.\d+/, "") : "";
  }

  function statusBadge(status) {
    const tone = /COMPLETED|SUCCE|PROCESSED/.test(status) ? "ok"
      : /FAIL|CANCEL|REJECT|DENIED/.test(status) ? "bad" : "warn";
    return el("span", { class: `status ${tone}` }, status);
  }

  const query = (params) => new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  ).toString();

  return { live, coalesce, fillRows, when, statusBadge, query };
})();
