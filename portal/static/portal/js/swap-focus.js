// Keep keyboard and screen-reader users in place when htmx replaces part of a page.
//
// When the element that had focus (the button just pressed) is gone after a swap, focus moves
// into the region that replaced it: the first field to fix, else what the region marks with
// data-swap-focus, else its status or alert message, else its first heading, else the region.
// What focus lands on is also said in the page's live region (#announcer). A swap that leaves
// the focused element in place (live search while typing, a filter) moves nothing; what the
// region marks with data-announce is still said. A region marked data-swap-quiet is left alone.
(function () {
  var SELECTORS = [
    '[aria-invalid="true"]',
    "[data-swap-focus]",
    '[role="status"], [role="alert"]',
    "h1, h2, h3, h4",
  ];

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !document.documentElement.contains(active);
  }

  function landing(region) {
    for (var i = 0; i < SELECTORS.length; i++) {
      var found = region.querySelector(SELECTORS[i]);
      if (found) return found;
    }
    return region;
  }

  function announce(text) {
    var live = document.getElementById("announcer");
    if (!live || !text) return;
    live.textContent = "";
    // A fresh text node after a tick, so the same message twice is still read.
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function settle(target) {
    if (!target) return;
    // An outerHTML swap replaces the target itself: find its successor by id.
    var region = (target.id && document.getElementById(target.id)) || target;
    if (!document.documentElement.contains(region)) return;
    // A region that refreshes by itself (the header's unread count, on load and every few
    // minutes) never takes focus nor speaks: nobody pressed anything.
    if (region.matches("[data-swap-quiet]")) return;
    if (!focusLost()) {
      // Focus stayed where it was (a filter being changed): say what changed, move nothing.
      var said = region.matches("[data-announce]") ? region : region.querySelector("[data-announce]");
      if (said) announce(said.textContent.replace(/\s+/g, " ").trim());
      return;
    }
    var element = landing(region);
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus({ preventScroll: false });
    var message = element.matches('[role="status"], [role="alert"], [data-swap-focus]')
      ? element.textContent
      : "";
    announce(message.replace(/\s+/g, " ").trim());
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    settle(event.detail.target);
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    settle(event.detail.target);
  });
})();
