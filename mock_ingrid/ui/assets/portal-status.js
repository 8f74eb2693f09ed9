// A return's status page in the customer portal: read every few seconds, announced
// when its status changes (mock_ingrid/ui/portal.py).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const main = document.getElementById("main");
  const portal = main.dataset.portal;
  const returnId = main.dataset.return;
  const progress = document.getElementById("progress");
  // Modest: a customer's page, not a dashboard. A failed read waits longer.
  const EVERY_MS = 2000;
  const AFTER_FAILURE_MS = 6000;
  let shown = null;

  async function refresh() {
    let next = EVERY_MS;
    try {
      const data = await ui.api("GET", `${portal}/api/returns/${encodeURIComponent(returnId)}`);
      ui.clearAlert();
      render(data);
    } catch (error) {
      ui.alertError(`Could not read the return: ${error.message}`);
      next = AFTER_FAILURE_MS;
    }
    window.setTimeout(refresh, next);
  }

  function render(data) {
    const key = JSON.stringify([data.status, data.refundTransactions.map((r) => r.status),
      data.exchanges.map((e) => e.status), data.items.map((i) => i.status)]);
    if (key === shown) return;
    const first = shown === null;
    shown = key;
    main.dataset.status = data.status;
    summary(data);
    items(data);
    refunds(data);
    exchanges(data);
    progress.textContent = first
      ? `Return ${data.returnId} is ${data.status}.`
      : `Updated: return ${data.returnId} is now ${data.status}.`;
  }

  function summary(data) {
    const rows = [
      ["Status", ui.el("span", { class: "status", id: "return-status" }, data.status)],
      ["Order", data.orderName || data.orderId],
      ["Created", new Date(data.createdAt).toLocaleString()],
      ["Last change", new Date(data.updatedAt).toLocaleString()],
    ];
    if (data.shipment) {
      rows.push(["Parcel", `${data.shipment.carrier}, tracking ${data.shipment.trackingReference}`]);
    }
    document.getElementById("summary").replaceChildren(
      ...rows.flatMap(([term, value]) => [ui.el("dt", {}, term), ui.el("dd", {}, value)]));
  }

  function items(data) {
    const body = document.querySelector("#return-items tbody");
    body.replaceChildren(...data.items.map((item) => ui.el("tr", {},
      ui.el("th", { scope: "row" }, item.title),
      ui.el("td", {}, item.quantity),
      ui.el("td", {}, [item.reason, item.subReason].filter(Boolean).join(": ") || "—"),
      ui.el("td", {}, item.exchangeTo ? `Exchange for ${item.exchangeTo.title}` : "Refund"),
      ui.el("td", {}, item.status))));
  }

  function refunds(data) {
    const box = document.getElementById("refunds");
    if (data.refundTransactions.length === 0) {
      box.replaceChildren(ui.el("p", { class: "muted" },
        data.items.some((item) => !item.exchangeTo)
          ? "No refund yet: it is worked out once the shop has checked the items."
          : "Nothing to refund: every item is exchanged."));
      return;
    }
    box.replaceChildren(table(["Refund", "Status", "Amount", "Refunded"],
      data.refundTransactions.map((r) => [
        r.refundTransactionId, r.status, `${r.totalAmount} ${r.currencyCode}`,
        r.refundedAmount === undefined ? "—" : `${r.refundedAmount} ${r.currencyCode}`,
      ])));
  }

  function exchanges(data) {
    const box = document.getElementById("exchanges");
    if (data.exchanges.length === 0) {
      box.replaceChildren(ui.el("p", { class: "muted" },
        data.items.some((item) => item.exchangeTo)
          ? "No exchange order yet: it is made once the shop has checked the items."
          : "No exchange on this return."));
      return;
    }
    box.replaceChildren(table(["Exchange", "Status", "Units", "New order"],
      data.exchanges.map((e) => [
        e.exchangeOrderId, e.status, e.items.reduce((sum, item) => sum + item.quantity, 0),
        e.completedOrderName || e.completedOrderId || "—",
      ])));
  }

  function table(headings, rows) {
    return ui.el("table", {},
      ui.el("thead", {}, ui.el("tr", {}, headings.map((h) => ui.el("th", { scope: "col" }, h)))),
      ui.el("tbody", {}, rows.map(([head, ...cells]) => ui.el("tr", {},
        ui.el("th", { scope: "row" }, head), cells.map((c) => ui.el("td", {}, c))))));
  }

  refresh();
});
