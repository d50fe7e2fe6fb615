// Progressive enhancement of "Statystyka złożonych wniosków": while the page is visible, the
// counts refresh every 30 seconds without reloading it. Without JavaScript the page shows the
// counts as of its loading (reload for newer ones).
(() => {
  const region = document.getElementById("statistics-results");
  if (!region || !window.fetch || !window.DOMParser) return;
  const seconds = Number(region.dataset.refreshSeconds) || 30;
  const refresh = async () => {
    // Never pull the content from under someone reading or scrolling it with the keyboard.
    if (document.hidden || region.contains(document.activeElement)) return;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("statistics-results");
      if (fresh) region.replaceChildren(...fresh.childNodes);
    } catch {
      // Offline or the server is restarting: keep the counts shown.
    }
  };
  window.setInterval(refresh, seconds * 1000);
})();
