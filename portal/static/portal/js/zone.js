// The browser's time zone, for the server to show times in until the person chooses one.
(function () {
  if (document.cookie.split("; ").some(function (c) { return c.indexOf("portal_tz=") === 0; })) return;
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) document.cookie = "portal_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
  } catch (e) { /* an old browser: the portal's default zone it is */ }
})();
