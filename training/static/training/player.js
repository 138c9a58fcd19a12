// Training videos: report the parts actually played, resume where the person left off, and let
// chapters and transcript lines jump into the video.
//
// The browser's `video.played` ranges grow only while the video plays; seeking adds nothing.
// Those ranges are what the server counts, so dragging the scrubber to the end is not watching.
(function () {
  "use strict";
  var REPORT_EVERY_MS = 5000;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function playedRanges(video) {
    var ranges = [];
    for (var i = 0; i < video.played.length; i++) {
      ranges.push([video.played.start(i), video.played.end(i)]);
    }
    return ranges;
  }

  function seconds(text) {
    var parts = String(text).split(":").map(Number);
    return parts.reduce(function (total, part) { return total * 60 + part; }, 0);
  }

  // The completion section follows a watched video, with the checks that video kept shut.
  function refreshCompletion(block) {
    if (window.htmx && document.getElementById("completion")) {
      var query = "?part=completion&watched=" + encodeURIComponent(block || "");
      window.htmx.ajax("GET", window.location.pathname + query, {
        target: "#completion",
        swap: "outerHTML",
      });
    }
  }

  function track(video) {
    var url = video.dataset.progressUrl;
    var status = document.getElementById(video.dataset.status);
    var watched = status && status.classList.contains("lesson-video__status--done");
    var lastSent = "";
    var retries = 0;
    var timer = null;

    function say(text, done) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("lesson-video__status--done", !!done);
    }

    // `announce`: update the status line (a live region) only when the person paused or
    // finished, or when the video became watched, not on every timed report.
    function report(announce, leaving) {
      var body = JSON.stringify({ played: playedRanges(video), position: video.currentTime });
      if (body === lastSent && !announce) return;
      lastSent = body;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: !!leaving,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: body,
      })
        .then(function (response) {
          if (response.status >= 500) throw new Error("server " + response.status);
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          retries = 0;
          if (!result.ok) {
            say(result.data.error || "Your progress could not be saved just now.");
            return;
          }
          if (result.data.watched && !watched) {
            watched = true;
            say("Watched. It counts toward your path.", true);
            refreshCompletion(video.dataset.block);
          } else if (announce && !watched) {
            say("Watched " + result.data.percent + " % so far. It counts once you have watched " +
                "90 % of it; skipping ahead does not count.");
          }
        })
        .catch(function () {
          // Offline or a server hiccup: the ranges are cumulative, so sending them again later
          // loses nothing. Retry soon, or the last report of a finished video would be lost.
          lastSent = "";
          if (retries < 5) {
            retries += 1;
            setTimeout(function () { report(announce); }, 2000 * retries);
          }
        });
    }

    video.addEventListener("loadedmetadata", function () {
      var resume = parseFloat(video.dataset.resume || "0");
      if (resume > 1 && resume < video.duration - 2) video.currentTime = resume;
    }, { once: true });
    video.addEventListener("play", function () {
      if (!timer) timer = setInterval(function () { report(false); }, REPORT_EVERY_MS);
    });
    ["pause", "ended"].forEach(function (name) {
      video.addEventListener(name, function () {
        clearInterval(timer);
        timer = null;
        report(true);
      });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") report(false, true);
    });

    var section = video.closest(".lesson-video");
    var cues = section ? section.querySelectorAll(".lesson-video__transcript li") : [];
    video.addEventListener("timeupdate", function () {
      var current = null;
      cues.forEach(function (cue) {
        if (seconds(cue.querySelector("[data-seek]").dataset.seek) <= video.currentTime) current = cue;
      });
      cues.forEach(function (cue) {
        if (cue === current) cue.setAttribute("aria-current", "true");
        else cue.removeAttribute("aria-current");
      });
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-seek]");
    if (!button) return;
    var video = document.querySelector("#" + button.dataset.video + " video");
    if (!video) return;
    video.currentTime = seconds(button.dataset.seek);
    video.play();
    video.focus();
  });

  document.querySelectorAll("video[data-progress-url]").forEach(track);
})();
