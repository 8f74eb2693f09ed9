// The customer portal: find an order, pick items, send the return (mock_ingrid/ui/portal.py).
// What can be returned, the reasons and the variants come from the server; the
// server alone decides whether a return is allowed (its errors are shown as they are).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const main = document.getElementById("main");
  const merchant = main.dataset.merchant;
  const portal = main.dataset.portal;
  const lookupForm = document.getElementById("lookup");
  const itemsForm = document.getElementById("items");
  const pick = document.getElementById("pick");
  const lines = document.getElementById("lines");
  const progress = document.getElementById("progress");
  let order = null;

  lookupForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = { orderNumber: "order-number", email: "email" };
    const query = new URLSearchParams({
      orderNumber: document.getElementById("order-number").value,
      email: document.getElementById("email").value,
    });
    await ui.act(lookupForm.querySelector("button"), async () => {
      clearInvalid(lookupForm);
      pick.hidden = true;
      order = null;
      try {
        order = await ui.api("GET", `${portal}/api/orders/lookup?${query}`);
      } catch (error) {
        markInvalid(error, (path) => fields[path]);
        if (error.status === 404) markBoth(Object.values(fields));
        throw error;
      }
      showOrder(order);
    });
  });

  itemsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!order) return;
    await ui.act(itemsForm.querySelector("button[type=submit]"), async () => {
      clearInvalid(itemsForm);
      const chosen = chosenLines();
      const body = { items: chosen.map(({ item }) => item) };
      const note = document.getElementById("note").value.trim();
      if (note) body.customerNote = note;
      // A return with an exchange goes through the control API (the reference makes
      // exchanges portal-driven); a refund-only return through the current API.
      const withExchange = body.items.some((item) => item.exchangeTo);
      const orderPath = encodeURIComponent(order.orderId);
      const path = withExchange ? `/_mock/orders/${orderPath}/returns` : `/orders/${orderPath}/returns`;
      let created;
      try {
        created = await ui.api("POST", path, { body, apiKey: merchant });
      } catch (error) {
        markInvalid(error, (itemPath) => fieldOfItemPath(itemPath, chosen));
        throw error;
      }
      progress.textContent = `Return ${created.returnId} created.`;
      window.location.assign(`${portal}/returns/${encodeURIComponent(created.returnId)}`);
    });
  });

  function showOrder(found) {
    const name = found.orderName || found.orderId;
    document.getElementById("order-summary").textContent =
      `Order ${name}, paid in ${found.currencyCode}. Set how many units of each item to send back.`;
    lines.replaceChildren(...found.lines.map((line, index) => lineFieldset(found, line, index)));
    pick.hidden = false;
    progress.textContent = `Order ${name} found: ${found.lines.length} item(s).`;
    document.getElementById("pick-heading").focus();
  }

  function lineFieldset(found, line, index) {
    const facts = [
      line.sku ? `SKU ${line.sku}` : null,
      `${line.unitPrice} ${found.currencyCode} each`,
      `ordered ${line.quantity}`,
      `can return ${line.returnable}`,
    ].filter(Boolean).join(" · ");
    const box = ui.el("fieldset", { class: "card line", dataset: { line: line.orderLineItemId } },
      ui.el("legend", {}, line.title),
      ui.el("p", { class: "muted" }, facts));
    if (line.returnable === 0) {
      box.append(ui.el("p", {}, "Nothing left to return on this item."));
      return box;
    }
    const exchangeable = line.exchangeVariants.length > 0;
    const variant = ui.el("select", { id: `variant-${index}`, disabled: true },
      line.exchangeVariants.map((v) => ui.el("option", { value: v.variantId }, v.title)));
    const onOutcome = (event) => { variant.disabled = event.target.value !== "exchange"; };
    box.append(
      ui.el("div", { class: "row" },
        ui.el("div", {},
          ui.el("label", { for: `qty-${index}` }, "Quantity to return"),
          ui.el("input", { id: `qty-${index}`, type: "number", min: 0, max: line.returnable,
            step: 1, value: 0, inputmode: "numeric", class: "qty" })),
        ui.el("div", {},
          ui.el("label", { for: `reason-${index}` }, "Reason"),
          ui.el("select", { id: `reason-${index}` },
            ui.el("option", { value: "" }, "Choose a reason"),
            found.reasons.map((r) => ui.el("option", { value: r.code }, r.label)))),
        ui.el("div", {},
          ui.el("label", { for: `sub-${index}` }, "Detail (optional)"),
          ui.el("select", { id: `sub-${index}` },
            ui.el("option", { value: "" }, "No detail"),
            found.subReasons.map((r) => ui.el("option", { value: r.code }, r.label))))),
      ui.el("fieldset", { class: "choice" },
        ui.el("legend", {}, "Refund or exchange"),
        ui.el("span", {},
          ui.el("input", { type: "radio", name: `outcome-${index}`, id: `refund-${index}`,
            value: "refund", checked: true, onchange: onOutcome }),
          ui.el("label", { for: `refund-${index}` }, "Refund")),
        ui.el("span", {},
          ui.el("input", { type: "radio", name: `outcome-${index}`, id: `exchange-${index}`,
            value: "exchange", disabled: !exchangeable, onchange: onOutcome }),
          ui.el("label", { for: `exchange-${index}` },
            exchangeable ? "Exchange for another variant" : "Exchange (no other variant)"))),
      exchangeable ? ui.el("div", {},
        ui.el("label", { for: `variant-${index}` }, "Exchange for"), variant) : null,
    );
    return box;
  }

  /** The lines with a quantity, as items of the return body (and where each came from). */
  function chosenLines() {
    const chosen = [];
    order.lines.forEach((line, index) => {
      const input = document.getElementById(`qty-${index}`);
      if (!input) return;
      const text = input.value.trim();
      if (!/^[0-9]+$/.test(text)) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
        throw new Error(`${line.title}: the quantity must be a whole number (0 to leave it out).`);
      }
      const quantity = Number(text);
      if (quantity === 0) return;
      const reason = document.getElementById(`reason-${index}`);
      if (!reason.value) {
        reason.setAttribute("aria-invalid", "true");
        reason.focus();
        throw new Error(`${line.title}: choose a reason.`);
      }
      const item = { orderLineItemId: line.orderLineItemId, quantity, reason: { code: reason.value } };
      const sub = document.getElementById(`sub-${index}`).value;
      if (sub) item.reason.subReasonCode = sub;
      if (document.getElementById(`exchange-${index}`).checked) {
        item.exchangeTo = {
          productId: line.productId,
          variantId: document.getElementById(`variant-${index}`).value,
        };
      }
      chosen.push({ index, item });
    });
    if (chosen.length === 0) {
      const first = itemsForm.querySelector("input.qty");
      if (first) first.focus();
      throw new Error("Choose at least one item: set its quantity above 0.");
    }
    return chosen;
  }

  /** The field of the page an error path of the return body points at. */
  function fieldOfItemPath(path, chosen) {
    const match = /^items\[(\d+)\]\.(\w+)/.exec(path || "");
    if (!match || !chosen[Number(match[1])]) return undefined;
    const index = chosen[Number(match[1])].index;
    const field = { quantity: "qty", reason: "reason", exchangeTo: "variant" }[match[2]];
    return field ? `${field}-${index}` : `qty-${index}`;
  }

  function markInvalid(error, fieldOf) {
    const problems = (error.data && error.data.errors) || [];
    let first = null;
    for (const problem of problems) {
      const input = document.getElementById(fieldOf(problem.path) || "");
      if (!input) continue;
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
    if (first) first.focus();
  }

  function markBoth(ids) {
    for (const id of ids) document.getElementById(id).setAttribute("aria-invalid", "true");
  }

  function clearInvalid(form) {
    for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  }
});
