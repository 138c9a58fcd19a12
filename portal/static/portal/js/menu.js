// The menu collapses behind a "Menu" button on small screens, so a phone's first screen shows
// the page rather than the navigation. Escape closes it and gives focus back to the button.
(function () {
  var SMALL = window.matchMedia("(max-width: 40rem)");

  function setUp() {
    var toggle = document.querySelector(".site-header__toggle");
    var menu = document.getElementById("site-menu");
    if (!toggle || !menu) return;

    function show(open) {
      toggle.setAttribute("aria-expanded", String(open));
      menu.hidden = SMALL.matches && !open;
    }
    function layout() {
      toggle.hidden = !SMALL.matches;
      show(false);
    }

    toggle.addEventListener("click", function () {
      show(toggle.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && SMALL.matches) {
        show(false);
        toggle.focus();
      }
    });
    SMALL.addEventListener("change", layout);
    layout();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
