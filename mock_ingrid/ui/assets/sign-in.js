// The sign-in form of a server started with --admin-token (see mock_ingrid/ui/session.py).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("sign-in");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = document.getElementById("token").value;
    await ui.act(form.querySelector("button"), async () => {
      await ui.api("POST", "/_mock/ui/session", { body: { token } });
      window.location.reload();
    });
  });
});
