// The dashboard (/_mock/ui): merchants, returns, clock, scenarios, catalog, journal.
"use strict";

(() => {
  const { api, el, act, alertError } = window.ui;
  const { live, coalesce, fillRows, when, statusBadge, query } = window.dash;
  const $ = (id) => document.getElementById(id);
  // What the page came with: the merchants and the chosen one's first page of returns.
  const first = JSON.parse(document.getElementById("main").dataset.first);
  const PAGE_SIZE = first.pageSize;
  const view = { merchant: first.merchant, page: 0 };

  // -- merchants ---------------------------------------------------------------------

  async function loadMerchants(given) {
    const { data } = given || await api("GET", "/_mock/merchants");
    if (!view.merchant && data.length) view.merchant = data[0].apiKey;
    const select = $("merchant");
    select.replaceChildren(...data.map((m) =>
      el("option", { value: m.apiKey, selected: m.apiKey === view.merchant }, m.apiKey)));
    const chosen = data.find((m) => m.apiKey === view.merchant);
    $("merchants-info").textContent = chosen
      ? Object.entries(chosen.counts).map(([k, n]) => `${n} ${k}`).join(" · ")
      : "No merchant yet: the first API call that writes creates one.";
  }

  // -- returns -----------------------------------------------------------------------

  async function loadReturns(given) {
    const body = $("returns-table-body");
    if (!view.merchant) {
      fillRows(body, [], "No merchant yet.");
      return;
    }
    const params = query({
      merchant: view.merchant, status: $("status-filter").value, page: view.page, size: PAGE_SIZE,
    });
    const answer = given || await api("GET", `/_mock/ui/data/returns?${params}`);
    const link = (r) => el("a", {
      href: `/_mock/ui/returns/${encodeURIComponent(r.returnId)}?${query({ merchant: view.merchant })}`,
    }, `Return ${r.returnId}`);
    fillRows(body, answer.data.map((r) => [
      link(r), r.orderId, statusBadge(r.status), String(r.units), when(r.createdAt),
    ]), "No returns.");
    const first = view.page * PAGE_SIZE;
    $("returns-info").textContent = answer.total
      ? `${first + 1}–${first + answer.data.length} of ${answer.total}, newest first`
      : "";
    $("returns-newer").disabled = view.page === 0;
    $("returns-older").disabled = !answer.hasNext;
  }

  // -- clock ---------------------------------------------------------------------------

  async function loadClock(answer) {
    const clock = answer || await api("GET", "/_mock/clock");
    $("clock-now").textContent = when(clock.now);
    $("clock-mode").textContent = clock.frozen ? "(frozen)" : "(running)";
  }

  // -- scenarios and recording -------------------------------------------------------

  async function loadScenarios() {
    let answer;
    try {
      answer = await api("GET", "/_mock/scenarios");
    } catch (error) {
      if (error.status !== 404) throw error;
      $("scenario-list").replaceChildren(
        el("p", { class: "muted" }, "This server does not run scenarios."));
      return;
    }
    $("scenario-list").replaceChildren(el("ul", {}, answer.data.map((s) => el("li", {},
      el("button", {
        type: "button", class: "secondary",
        onclick: (e) => act(e.currentTarget, () => runScenario(s.name)),
      }, `Run ${s.name}`),
      " ", el("span", { class: "muted" }, s.description)))));
  }

  async function runScenario(name) {
    await followRun(await api("POST", `/_mock/scenarios/${encodeURIComponent(name)}/runs`));
  }

  // A scenario file from this computer (an export, say), sent to the server to run.
  async function runScenarioFile() {
    const file = $("scenario-file").files[0];
    if (!file) throw new Error("Choose a scenario file (.json) first.");
    let document;
    try {
      document = JSON.parse(await file.text());
    } catch (error) {
      throw new Error(`${file.name} is not JSON: ${error.message}`);
    }
    if (document && typeof document === "object" && !document.name) {
      document.name = file.name.replace(/\.json$/i, "");
    }
    await followRun(await api("POST", "/_mock/scenarios/runs", { body: document }));
  }

  async function followRun(started) {
    let run = started;
    showRun(run);
    while (run.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 250));
      run = await api("GET", `/_mock/scenarios/runs/${encodeURIComponent(run.runId)}`);
      showRun(run);
    }
  }

  function showRun(run) {
    $("scenario-run").replaceChildren(el("div", { class: "card", id: "scenario-run-card" },
      el("h3", {}, `Run of ${run.scenario}: `, statusBadge(run.status.toUpperCase())),
      run.error ? el("p", { class: "bad" }, run.error) : null,
      el("ol", { class: "steps" }, run.steps.map((step) => el("li", {},
        `${step.label} — `, statusBadge(step.state.toUpperCase()),
        step.statusCode ? ` (${step.statusCode})` : "",
        step.error ? el("span", { class: "bad" }, ` ${step.error}`) : null)))));
  }

  async function loadRecording() {
    try {
      const state = await api("GET", "/_mock/recording");
      $("recording-state").textContent = `Recording: ${state.state}, ${state.calls} calls.`;
    } catch (error) {
      if (error.status !== 404) throw error;
      $("recording-state").textContent = "This server does not record sessions.";
    }
  }

  // -- catalog and journal -------------------------------------------------------------

  async function loadCatalog() {
    if (!view.merchant) return;
    const params = query({ merchant: view.merchant, size: 10 });
    const [products, orders] = await Promise.all([
      api("GET", `/_mock/ui/data/products?${params}`), api("GET", `/_mock/ui/data/orders?${params}`),
    ]);
    fillRows($("products-table-body"), products.data.map((p) => [
      p.productId, p.title || "", String((p.variants || []).length),
    ]), "No products.");
    fillRows($("orders-table-body"), orders.data.map((o) => [
      o.orderId, o.orderName || "", o.currencyCode || "", String(o.totalAmount ?? ""),
      String((o.lineItems || []).length),
    ]), "No orders.");
  }

  async function loadJournal() {
    const { data } = await api("GET", "/_mock/journal?limit=15");
    fillRows($("journal-table-body"), data.reverse().map((e) => [
      String(e.id), when(e.at), `${e.method} ${e.path}${e.query ? `?${e.query}` : ""}`,
      e.merchant || "", String(e.status ?? "dropped"),
    ]), "No calls yet.");
  }

  // -- live updates ------------------------------------------------------------------------

  const refresh = {
    merchants: coalesce(() => loadMerchants()),
    returns: coalesce(() => loadReturns()),
    clock: coalesce(() => loadClock()),
    catalog: coalesce(loadCatalog),
    journal: coalesce(loadJournal),
    recording: coalesce(loadRecording),
  };
  const everything = () => Object.values(refresh).forEach((f) => f());

  function onNotice({ kind, data }) {
    if (kind === "resync") return everything();
    if (kind === "change") {
      if (data.merchant === view.merchant) refresh.returns();
      return refresh.merchants();
    }
    if (kind === "write") {
      refresh.journal();
      refresh.recording();
      if (data.path.startsWith("/_mock/clock")) return refresh.clock();
      if (data.path.startsWith("/_mock/")) return everything();
      refresh.merchants();
      refresh.catalog();
    }
    return undefined;
  }

  // -- controls ------------------------------------------------------------------------------

  $("merchant").addEventListener("change", (e) => {
    view.merchant = e.target.value;
    view.page = 0;
    history.replaceState(null, "", `?${query({ merchant: view.merchant })}`);
    everything();
  });
  $("status-filter").addEventListener("change", () => { view.page = 0; refresh.returns(); });
  $("returns-newer").addEventListener("click", () => { view.page = Math.max(0, view.page - 1); refresh.returns(); });
  $("returns-older").addEventListener("click", () => { view.page += 1; refresh.returns(); });
  $("clock-freeze").addEventListener("click", (e) =>
    act(e.currentTarget, async () => loadClock(await api("POST", "/_mock/clock/freeze"))));
  $("clock-resume").addEventListener("click", (e) =>
    act(e.currentTarget, async () => loadClock(await api("POST", "/_mock/clock/resume"))));
  $("clock-advance").addEventListener("click", (e) => act(e.currentTarget, async () =>
    loadClock(await api("POST", "/_mock/clock/advance", { body: { by: $("clock-by").value.trim() } }))));
  $("scenario-file-run").addEventListener("click", (e) => act(e.currentTarget, runScenarioFile));
  $("record-start").addEventListener("click", (e) =>
    act(e.currentTarget, async () => { await api("POST", "/_mock/recording/start"); await loadRecording(); }));
  $("record-stop").addEventListener("click", (e) =>
    act(e.currentTarget, async () => { await api("POST", "/_mock/recording/stop"); await loadRecording(); }));
  $("export-name").addEventListener("input", (e) => {
    $("record-export").href = `/_mock/recording/export?${query({ name: e.target.value.trim() })}`;
  });

  // First paint from the APIs at once; the feed then keeps it current.
  (async () => {
    try {
      await loadMerchants({ data: first.merchants });
      await loadReturns(first.returns);
      document.getElementById("main").dataset.loaded = "true";
      performance.mark("dashboard-returns-rendered");  // (bench/ui.py reads it)
    } catch (error) {
      alertError(error.message);
    }
    for (const f of [loadClock, loadScenarios, loadRecording, loadCatalog, loadJournal]) {
      f().catch((error) => alertError(error.message));
    }
    // (its "ready" reloads once more: what changed before the stream opened is shown)
    live(onNotice);
  })();
})();
