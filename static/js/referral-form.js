// Formularz skierowania: progressive enhancement only; every action works without JavaScript.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // "Wpisz do rejestru": the confirmation as a modal dialog. Without JavaScript the button
  // posts the form, which leads to the confirmation page.
  const dialog = document.getElementById("strike-off-dialog");
  const strikeOff = document.querySelector('button[name="action"][value="strike_off"]');
  if (dialog && strikeOff && typeof dialog.showModal === "function") {
    strikeOff.addEventListener("click", (event) => {
      event.preventDefault();
      dialog.showModal();
    });
  }

  // The planned end follows the planned start by the programme's duration, until the clerk
  // edits the end by hand; another end asks for its reason (the server asks again).
  const section = document.getElementById("programme-section");
  const start = document.getElementById("id_planned_start");
  const end = document.getElementById("id_planned_end");
  const reason = document.getElementById("planned-end-reason");
  const months = section ? parseInt(section.dataset.durationMonths || "", 10) : NaN;
  const proposedEnd = () => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start.value);
    if (!match) return "";
    const [year, month, day] = match.slice(1).map(Number);
    const lastDay = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
    const proposed = new Date(Date.UTC(year, month - 1 + months, Math.min(day, lastDay)));
    proposed.setUTCDate(proposed.getUTCDate() - 1);
    return proposed.toISOString().slice(0, 10);
  };
  if (start && end && months > 0) {
    let endEditedByHand = false;
    const showReason = () => {
      const proposed = proposedEnd();
      if (reason && proposed && end.value) reason.hidden = end.value === proposed;
    };
    end.addEventListener("input", () => {
      endEditedByHand = true;
      showReason();
    });
    start.addEventListener("change", () => {
      const proposed = proposedEnd();
      if (!endEditedByHand && proposed) end.value = proposed;
      showReason();
    });
  }

  // "Wybierz jednostkę" / "Wybierz program" are links: take the typed dates along, so they
  // are still there when the clerk comes back.
  document.querySelectorAll("a[data-keeps-dates]").forEach((link) => {
    link.addEventListener("click", () => {
      if (!start || !end) return;
      const url = new URL(link.href, window.location.href);
      url.searchParams.set("od", start.value);
      url.searchParams.set("do", end.value);
      link.href = url.toString();
    });
  });
});
