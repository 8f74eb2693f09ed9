// Helpers shared by every page of mock-ingrid (no framework, no build step).
"use strict";

window.ui = (() => {
  /** Show a problem to the user (and to screen readers, via the role=alert region). */
  function alertError(message) {
    const box = document.getElementById("alerts");
    if (box) box.textContent = message;
  }

  function clearAlert() {
    const box = document.getElementById("alerts");
    if (box) box.textContent = "";
  }

  /** An API call with a JSON body; resolves to the parsed answer, rejects with an
   * Error whose message is the server's (code and message, and the field at fault). */
  async function api(method, path, { body, apiKey, headers } = {}) {
    const sent = { ...(headers || {}) };
    if (body !== undefined) sent["content-type"] = "application/json";
    if (apiKey) sent["x-api-key"] = apiKey;
    const response = await fetch(path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = text; }
    }
    if (!response.ok) {
      const error = new Error(describeError(response.status, data));
      error.status = response.status;
      error.data = data;
      throw error;
    }
    return data;
  }

  function describeError(status, data) {
    if (data && typeof data === "object") {
      const code = data.code || data.errorCode || "";
      const message = data.message || data.errorMessage || "";
      const fields = (data.errors || [])
        .map((e) => [e.path, e.message].filter(Boolean).join(": "))
        .filter((text) => text && !message.includes(text)); // often the message already says it
      return [`${status} ${code}`.trim(), message, ...fields].filter(Boolean).join(" — ");
    }
    return `${status} ${data || ""}`.trim();
  }

  /** Build an element: el("button", {type: "button", onclick: f}, "text", child...). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on") && typeof value === "function") {
        node.addEventListener(name.slice(2), value);
      } else if (name === "dataset") {
        Object.assign(node.dataset, value);
      } else {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Run an async action from a button: disabled while it runs, errors shown. */
  async function act(button, action) {
    clearAlert();
    if (button) button.disabled = true;
    try {
      return await action();
    } catch (error) {
      alertError(error.message);
      return undefined;
    } finally {
      if (button) button.disabled = false;
    }
  }

  return { alertError, clearAlert, api, el, act, describeError };
})();
