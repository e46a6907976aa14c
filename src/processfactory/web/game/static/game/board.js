// The live board: renders a `board` message ({round, snapshot, seats, code}, see
// docs/live-game.md) into the [data-field] elements of a page, and keeps it live from the
// board websocket on the projector board and the trainer's control page.
window.PFBoard = (function () {
  "use strict";
  var L = window.PFLive;

  function field(root, name) { return root.querySelector('[data-field="' + name + '"]'); }

  function setText(root, name, text) {
    var element = field(root, name);
    if (element) { element.textContent = text; }
  }

  // A figure with its unit in small type ("–" when there is none yet).
  function setFigure(root, name, value, digits, unit) {
    var element = field(root, name);
    if (!element) { return; }
    element.textContent = typeof value === "number" ? L.number(value, digits) : "–";
    if (typeof value === "number" && unit) {
      var small = document.createElement("small");
      small.textContent = unit;
      element.appendChild(small);
    }
  }

  function stationName(station, names) {
    return (names && names[station.id]) || station.name || station.id;
  }

  function renderAndon(list, stations, labels, names) {
    if (!list) { return; }
    list.textContent = "";
    stations.forEach(function (station) {
      var item = document.createElement("li");
      var state = station.state || "idle";
      item.className = "state-" + state;
      item.title = labels[state] || state;
      item.textContent = stationName(station, names);
      var small = document.createElement("small");
      small.textContent = labels[state] || state;
      item.appendChild(small);
      list.appendChild(item);
    });
  }

  function renderWip(container, stations, labels, names) {
    if (!container) { return; }
    container.textContent = "";
    var most = 1;
    stations.forEach(function (station) { most = Math.max(most, station.wip || 0); });
    stations.forEach(function (station) {
      var row = document.createElement("div");
      row.className = "wip-row";
      var name = document.createElement("span");
      name.textContent = stationName(station, names);
      var track = document.createElement("div");
      track.className = "wip-track";
      track.title = labels.queue + " " + (station.queue || 0) + " · " + labels.in_process + " " +
        (station.in_process || 0) + " · " + labels.outbox + " " + (station.outbox || 0);
      var fill = document.createElement("div");
      fill.className = "wip-fill";
      fill.style.width = (100 * (station.wip || 0) / most) + "%";
      track.appendChild(fill);
      var count = document.createElement("span");
      count.className = "num";
      count.textContent = String(station.wip || 0);
      row.appendChild(name);
      row.appendChild(track);
      row.appendChild(count);
      container.appendChild(row);
    });
  }

  // Render a board message into `root`; `timer` (a PFLive.Timer) is re-anchored on its clock.
  function render(root, message, labels, names, timer) {
    if (!root || !message) { return; }
    var round = message.round;
    var snap = message.snapshot || {};
    if (round) {
      setText(root, "round-name", L.heading(round, labels.round));
      var badge = field(root, "round-status");
      if (badge) {
        badge.textContent = labels[round.status] || round.status;
        badge.className = "badge round-status status-" + round.status;
      }
    } else {
      setText(root, "round-name", labels.no_round);
      setText(root, "round-status", "");
    }
    if (timer && round) {
      timer.set({ status: round.status, clock: round.clock, length: round.length });
    }
    var finished = snap.finished || 0;
    var target = snap.demand_total;
    setText(root, "finished", String(finished));
    setText(root, "demand", typeof target === "number" ? L.number(target, 0) : "–");
    var bar = field(root, "progress-bar");
    var progress = field(root, "progress");
    if (bar) {
      var share = typeof target === "number" && target > 0 ? Math.min(1, finished / target) : 0;
      bar.style.width = (100 * share) + "%";
      if (progress) {
        progress.setAttribute("aria-valuenow", String(finished));
        if (typeof target === "number") {
          progress.setAttribute("aria-valuemax", String(Math.round(target)));
        }
      }
    }
    setText(root, "wip", typeof snap.wip === "number" ? String(snap.wip) : "–");
    setFigure(root, "lead_time", snap.lead_time_mean, 1, labels.unit_lead_time);
    setFigure(root, "labour_productivity", snap.labour_productivity, 2, labels.unit_lp);
    var stations = snap.stations || [];
    renderAndon(field(root, "andon"), stations, labels, names);
    renderWip(field(root, "wip-bars"), stations, labels, names);
  }

  // The timer's display: game time as m:ss (scenario units × seconds per unit).
  function timerView(root) {
    var element = root.querySelector("[data-timer]");
    return function (clock, timer) {
      if (!element) { return; }
      var clockText = element.querySelector('[data-field="clock"]');
      var lengthText = element.querySelector('[data-field="length"]');
      var started = timer.status && timer.status !== "planned";
      if (clockText) { clockText.textContent = started ? L.duration(clock * timer.unitSeconds) : "–:–"; }
      if (lengthText) { lengthText.textContent = L.duration(timer.length * timer.unitSeconds); }
      element.classList.toggle("is-paused", timer.status === "paused");
      element.dataset.status = timer.status;
    };
  }

  function makeTimer(root) {
    var element = root.querySelector("[data-timer]");
    var timer = new L.Timer(timerView(root));
    if (element) {
      timer.set({
        status: element.dataset.status || "",
        clock: parseFloat(element.dataset.clock) || 0,
        length: parseFloat(element.dataset.length) || 0,
        rate: parseFloat(element.dataset.rate) || 0,
        unitSeconds: parseFloat(element.dataset.unitSeconds) || 60
      });
    }
    return timer;
  }

  function roundKey(round) {
    if (!round || (round.status !== "running" && round.status !== "paused")) { return "none"; }
    return round.number + ":" + round.status;
  }

  function showConnection(element, isOpen, labels) {
    if (!element) { return; }
    element.textContent = isOpen ? labels.online : labels.offline;
    element.classList.toggle("is-online", isOpen);
    element.classList.toggle("is-offline", !isOpen);
  }

  // A page that is being left (a form sent, a link followed) must not reload: the reload would
  // abort that navigation (the trainer's own "End the round" answer, its message lost). The
  // page is left within moments, so the reload waits; if the page is still here after
  // LEAVING_MS (the link was a download), it reloads after all.
  var LEAVING_MS = 10000;
  var leavingUntil = 0;
  window.addEventListener("beforeunload", function () { leavingUntil = Date.now() + LEAVING_MS; });

  function reloadPage() {
    var wait = leavingUntil - Date.now();
    if (wait > 0) {
      window.setTimeout(reloadPage, wait);
      return;
    }
    window.location.reload();
  }

  // A live page: [data-live data-ws-path] holds the figures. With data-reload-on-change
  // (the control page), a round that starts, pauses, resumes or ends reloads the page so its
  // buttons and forms match.
  function start(root) {
    var labels = L.readJson("board-labels") || {};
    var names = L.readJson("station-names") || {};
    var first = L.readJson("board-snapshot");
    var timer = makeTimer(root);
    var connection = document.querySelector("[data-connection]");
    var reload = root.hasAttribute("data-reload-on-change");
    var shownKey = reload ? root.dataset.roundKey : null;
    if (first && first.type) { render(root, first, labels, names, timer); }
    L.connect(root.dataset.wsPath, {
      onState: function (isOpen) { showConnection(connection, isOpen, labels); },
      onMessage: function (message) {
        if (message.type !== "board") { return; }
        if (reload && shownKey !== undefined && roundKey(message.round) !== shownKey) {
          shownKey = roundKey(message.round);
          reloadPage();
          return;
        }
        render(root, message, labels, names, timer);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live][data-ws-path]").forEach(start);
  });

  return { render: render, makeTimer: makeTimer, showConnection: showConnection };
})();
