// The desk's scan field: a USB barcode scanner types the reference and Enter; so does a person.
// The answer comes back as JSON and is shown large, green or red; the field is cleared for the next scan.
"use strict";
(function () {
  const form = document.getElementById("okut");
  const field = document.getElementById("ref");
  const box = document.getElementById("sonuc");
  if (!form || !field || !box) { return; }

  function line(cls, text) {
    const p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    return p;
  }

  function show(answer) {
    box.replaceChildren();
    box.className = "result " + (answer.ok ? "ok" : "bad");
    if (answer.name) {
      box.append(line("who", answer.name), line("track", answer.track));
      box.append(line("missing", answer.missing.length ? "Eksik: " + answer.missing.join(", ") : "Eksik yok"));
    }
    box.append(line("message", answer.message));
    const row = answer.ref ? document.getElementById("r-" + answer.ref) : null;
    if (row) {  // the list below follows the scan without a reload
      row.querySelector(".received").textContent = answer.received || "-";
      if (answer.receipt) { row.querySelector(".receipt").textContent = answer.receipt; }
      row.querySelector(".missing").textContent = answer.missing.join(", ");
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const body = new FormData(form);
    field.value = "";
    document.getElementById("dekont").checked = false;
    field.focus();
    try {
      const response = await fetch(form.action, {
        method: "POST", body: body, headers: { "Accept": "application/json" }, credentials: "same-origin",
      });
      show(await response.json());
    } catch (err) {
      show({ ok: false, message: "Sunucuya ulaşılamadı; yeniden okutun.", missing: [] });
    }
  });
})();
