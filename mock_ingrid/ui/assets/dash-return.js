// One return (/_mock/ui/returns/{id}): lines, helpers, backoffice check, settlement,
// webhook deliveries and the timeline. Every action goes through the public or control API.
"use strict";

(() => {
  const { api, el, act } = window.ui;
  const { live, coalesce, fillRows, when, statusBadge, query } = window.dash;
  const $ = (id) => document.getElementById(id);
  const main = $("main");
  const returnId = main.dataset.returnId;
  const merchant = main.dataset.merchant;
  const id = encodeURIComponent(returnId);
  const asMerchant = `?${query({ merchant })}`;
  const apiKey = { apiKey: merchant };

  function button(label, action, secondary) {
    return el("button", {
      type: "button", class: secondary ? "secondary" : undefined,
      onclick: (e) => act(e.currentTarget, action),
    }, label);
  }

  // -- summary and lines ---------------------------------------------------------------

  function showSummary(ret) {
    $("return-status").replaceChildren(statusBadge(ret.status));
    const shipment = ret.shipment
      ? `Shipment ${ret.shipment.trackingReference} (${ret.shipment.carrier})` : "No shipment booked yet.";
    $("return-summary").replaceChildren(
      el("p", {}, `Order ${ret.orderId} · created ${when(ret.createdAt)} · ${shipment}`),
      ...(ret.customerNote ? [el("p", {}, `Customer note: ${ret.customerNote}`)] : []));
    fillRows($("lines-table-body"), ret.items.map((item) => [
      item.returnItemId, item.orderLineItemId, String(item.quantity),
      item.reason ? [item.reason.code, item.reason.subReasonCode].filter(Boolean).join(" / ") : "",
      statusBadge(item.status),
    ]), "No lines.");
  }

  // -- lifecycle helpers: the ones the server says the status allows -----------------

  function showHelpers(view) {
    const post = (path, body) => api("POST", `/_mock/returns/${id}/${path}${asMerchant}`, { body });
    const kept = view.return.items.map((item) => item.returnItemId);
    const bodies = { "no-return-needed": { returnItemIds: kept } };
    const buttons = view.helpers.map((name) =>
      button(`Helper: ${name}`, () => post(name, bodies[name])));
    if (view.advanceTo.length) {
      const select = el("select", { id: "advance-to" },
        view.advanceTo.map((status) => el("option", { value: status }, status)));
      buttons.push(el("div", {}, el("label", { for: "advance-to" }, "Advance to"), select));
      buttons.push(button("Helper: advance", () => post("advance", { status: select.value }), true));
    }
    $("helpers").replaceChildren(...(buttons.length
      ? buttons : [el("p", { class: "muted" }, "None: the return's lifecycle is over.")]));
  }

  // -- backoffice check -------------------------------------------------------------------

  function showInspection(view) {
    const box = $("inspection");
    const { stage, items } = view.inspection;
    // A reload while the form is being filled in (another client changed something)
    // keeps what was typed: the form is rebuilt only when what it asks about changes.
    const asked = JSON.stringify([stage, items]);
    if (stage === "file" && box.dataset.asked === asked) return;
    box.dataset.asked = asked;
    if (stage === "review") {
      const reportId = encodeURIComponent(view.report.warehouseReportId);
      const post = (verb) => api("POST", `/_mock/warehouse-reports/${reportId}/${verb}${asMerchant}`);
      box.replaceChildren(
        el("p", {}, `Warehouse report ${view.report.warehouseReportId} waits for manual review.`),
        el("div", { class: "row" },
          button("Approve review", () => post("approve")),
          button("Reject review", () => post("reject"), true)));
      return;
    }
    if (stage !== "file") {
      box.replaceChildren(el("p", { class: "muted" }, view.report
        ? `Inspected: warehouse report ${view.report.warehouseReportId} (${view.report.status}).`
        : "Not awaiting inspection: the check opens once the return is delivered."));
      return;
    }
    const rows = items.map((item) => {
      const key = item.returnItemId;
      return el("fieldset", { class: "card" },
        el("legend", {}, `Item ${key} (line ${item.orderLineItemId}, ${item.quantity} units)`),
        el("div", { class: "row" },
          el("div", {}, el("label", { for: `approve-${key}` }, "Approved units"),
            el("input", { id: `approve-${key}`, type: "number", min: 0, max: item.quantity, value: item.quantity })),
          el("div", {}, el("label", { for: `deny-${key}` }, "Denied units"),
            el("input", { id: `deny-${key}`, type: "number", min: 0, max: item.quantity, value: 0 })),
          el("div", {}, el("label", { for: `remark-${key}` }, "Remark"),
            el("input", { id: `remark-${key}`, size: 30 }))));
    });
    const processing = el("select", { id: "processing" },
      el("option", { value: "PROCESS_IMMEDIATELY" }, "File immediately"),
      el("option", { value: "MANUAL_REVIEW" }, "Hold for manual review"));
    const form = el("form", { id: "inspection-form" }, rows,
      el("label", { for: "processing" }, "Processing"), processing,
      el("p", {}, el("button", { type: "submit" }, "File the warehouse report")));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act(form.querySelector("button[type=submit]"), () => fileReport(items, processing.value));
    });
    box.replaceChildren(el("p", {}, "Approve or deny each unit that arrived."), form);
  }

  function fileReport(items, processing) {
    const lines = [];
    for (const item of items) {
      const key = item.returnItemId;
      const remark = $(`remark-${key}`).value.trim() || undefined;
      for (const [action, field] of [["APPROVED", "approve"], ["DENIED", "deny"]]) {
        const quantity = Number($(`${field}-${key}`).value);
        if (quantity > 0) lines.push({ returnItemId: key, quantity, action, comment: remark });
      }
    }
    // The warehouse-report operation of the public API, as a warehouse system would call it.
    return api("POST", "/warehouse-reports", {
      ...apiKey, body: { returnId, reportProcessing: processing, items: lines },
    });
  }

  // -- refunds and exchanges ---------------------------------------------------------------

  function showSettlement(view) {
    const blocks = [];
    for (const { refundTransaction: refund, actions: allowed } of view.refunds) {
      const rid = encodeURIComponent(refund.refundTransactionId);
      const actions = {
        complete: () => button("Confirm refund", () => api("POST", `/refund-transactions/${rid}/complete`, {
          ...apiKey, body: { amount: refund.totalAmount, currencyCode: refund.currencyCode },
        })),
        fail: () => button("Fail refund", () => api("POST", `/_mock/refund-transactions/${rid}/fail${asMerchant}`), true),
        retry: () => button("Retry refund", () => api("POST", `/_mock/refund-transactions/${rid}/retry${asMerchant}`)),
      };
      blocks.push(el("div", { class: "card" },
        el("h3", {}, `Refund ${refund.refundTransactionId}: `, statusBadge(refund.status)),
        el("p", {}, `Total ${refund.totalAmount} ${refund.currencyCode}`,
          refund.refundedAmount !== undefined ? ` · refunded ${refund.refundedAmount}` : ""),
        el("div", { class: "row" }, allowed.map((name) => actions[name]()))));
    }
    for (const { exchangeOrder: exchange, actions: allowed } of view.exchanges) {
      const xid = encodeURIComponent(exchange.exchangeOrderId);
      const actions = {
        complete: () => button("Confirm exchange", () => api("POST", `/exchanges/${xid}/complete`, {
          ...apiKey, body: { completedOrderId: `EXCHANGE-${exchange.exchangeOrderId}` },
        })),
        cancel: () => button("Cancel exchange", () => api("POST", `/_mock/exchanges/${xid}/cancel${asMerchant}`), true),
      };
      blocks.push(el("div", { class: "card" },
        el("h3", {}, `Exchange ${exchange.exchangeOrderId}: `, statusBadge(exchange.status)),
        el("p", {}, exchange.items.map((i) =>
          `${i.quantity} × ${i.exchangeFromVariantId} → ${i.exchangeToVariantId}`).join("; ")),
        el("div", { class: "row" }, allowed.map((name) => actions[name]()))));
    }
    $("settlement").replaceChildren(...(blocks.length
      ? blocks : [el("p", { class: "muted" }, "None yet: they are made when the return is settled.")]));
  }

  // -- webhook deliveries --------------------------------------------------------------------

  function showDeliveries(events, deliveries) {
    const box = $("deliveries");
    if (!events.length) {
      box.replaceChildren(el("p", { class: "muted" }, "No webhook event for this return yet."));
      return;
    }
    box.replaceChildren(...events.map((event) => {
      const own = deliveries.filter((d) => d.eventId === event.eventId);
      const resend = button(`Resend ${event.type}`, () =>
        api("POST", `/_mock/webhooks/events/${encodeURIComponent(event.eventId)}/resend`), true);
      return el("div", { class: "card delivery" },
        el("h3", {}, `${event.type} `, el("span", { class: "muted" }, `${event.eventId} · ${when(event.triggeredAt)}`)),
        own.length ? el("ul", {}, own.map((d) => el("li", {},
          `${d.deliveryId} to ${d.url}${d.resend ? " (resent)" : ""}: `, statusBadge(d.status),
          d.reason ? ` — ${d.reason}` : "",
          el("ol", {}, d.attempts.map((a) => el("li", { class: "attempt" },
            `attempt ${a.attempt} at ${when(a.at)}: `,
            a.statusCode !== null ? `HTTP ${a.statusCode}` : "no answer",
            a.error ? ` — ${a.error}` : "")))))) : el("p", { class: "muted" }, "No subscription wanted it."),
        resend);
    }));
  }

  // -- timeline -----------------------------------------------------------------------------

  function showTimeline(view, events, deliveries) {
    const rows = view.timeline.map((t) => ({
      at: t.at, what: `${t.entity} ${t.entityId}`, change: `${t.event}: ${t.from} → ${t.to}`,
    }));
    for (const event of events) {
      rows.push({ at: event.triggeredAt, what: `webhook ${event.eventId}`, change: `${event.type} fired` });
    }
    for (const d of deliveries) {
      for (const a of d.attempts) {
        rows.push({
          at: a.at, what: `delivery ${d.deliveryId}`,
          change: `attempt ${a.attempt}: ${a.statusCode !== null ? `HTTP ${a.statusCode}` : a.error}`,
        });
      }
    }
    rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    fillRows($("timeline-table-body"), rows.map((r) => [when(r.at), r.what, r.change]), "Nothing yet.");
  }

  // -- loading -------------------------------------------------------------------------------

  async function load() {
    const scope = query({ merchant, returnId, size: 100 });
    const [view, events, deliveries] = await Promise.all([
      api("GET", `/_mock/ui/data/returns/${id}${asMerchant}`),
      api("GET", `/_mock/webhooks/events?${scope}`),
      api("GET", `/_mock/webhooks/deliveries?${scope}`),
    ]);
    showSummary(view.return);
    showHelpers(view);
    showInspection(view);
    showSettlement(view);
    showDeliveries(events.data, deliveries.data);
    showTimeline(view, events.data, deliveries.data);
    main.dataset.loaded = "true";
  }

  const refresh = coalesce(load);
  refresh();
  live(({ kind, data }) => {
    const ours = data.merchant === undefined || (data.merchant === merchant && data.returnId === returnId);
    if (kind === "resync" || kind === "write" || ours) refresh();
  });
})();
