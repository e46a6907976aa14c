// A participant's phone (docs/live-game.md, "The websocket protocol").
//
// Every tap becomes an event {type: "event", id, kind, station, quantity, tapped_at, sent_at}.
// It is appended to a queue kept in localStorage (one key per game and seat), sent when the
// socket is open, and leaves the queue only when the server acknowledges its id ("ack") or
// refuses it ("refused": the reason is shown). When the socket (re)opens, the whole queue is
// sent again in order; the server stores an id once, so resending never double-counts.
(function () {
  "use strict";
  var L = window.PFLive;

  var root = document.querySelector("[data-seat]");
  if (!root) { return; }
  var labels = L.readJson("board-labels") || {};
  // the andon toggle's texts (translated, rendered by the page like the other labels)
  labels.andon_down = L.readJson("seat-label-andon-down") || labels.andon_down || "down";
  labels.andon_up = L.readJson("seat-label-andon-up") || labels.andon_up || "up";
  var names = L.readJson("station-names") || {};
  var config = L.readJson("seat-config") || {};
  var refusals = L.readJson("seat-refusals") || {};
  var state = L.readJson("seat-state") || {};
  var storageKey = root.dataset.storageKey;
  var body = root.querySelector('[data-field="seat-body"]');
  var figures = root.querySelector("[data-live-figures]");
  var connection = root.querySelector("[data-connection]");
  var toastBox = root.querySelector("[data-toast]");
  var online = config.mode === "online";
  var role = config.role;
  var isOpen = false;
  var link = null;
  var picked = null; // the station shown to roles that may act at any station
  var quantities = {}; // the quantity typed per station (kept across re-renders)

  // --- the queue of unacknowledged events -----------------------------------------------

  var queue = load();

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storageKey) || "[]");
      return Array.isArray(saved) ? saved : [];
    } catch (error) {
      return [];
    }
  }

  function save() {
    try { window.localStorage.setItem(storageKey, JSON.stringify(queue)); } catch (error) {
      /* private mode or full: the queue still lives in memory */
    }
  }

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      try { return window.crypto.randomUUID(); } catch (error) { /* not a secure context */ }
    }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i += 1) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    return Array.prototype.map.call(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function send(event) {
    if (!link) { return false; }
    var message = Object.assign({}, event, { sent_at: Date.now() });
    return link.send(message);
  }

  function resendAll() {
    queue.forEach(function (event) { send(event); });
    showConnection();
  }

  function forget(id) {
    var before = queue.length;
    queue = queue.filter(function (event) { return event.id !== id; });
    if (queue.length !== before) { save(); }
    showConnection();
  }

  function tap(kind, station, quantity) {
    var event = {
      type: "event",
      id: newId(),
      kind: kind,
      station: station,
      quantity: Math.max(1, Math.floor(quantity || 1)),
      tapped_at: Date.now()
    };
    queue.push(event);
    save();
    send(event);
    showConnection();
    if (navigator.vibrate) { try { navigator.vibrate(25); } catch (error) { /* no vibration */ } }
  }

  // --- what the phone shows ---------------------------------------------------------------

  function showConnection() {
    if (!connection) { return; }
    var text;
    if (isOpen) {
      text = queue.length ? L.format(labels.sending, { n: queue.length }) : labels.online;
    } else {
      text = labels.offline + (queue.length ? " · " + L.format(labels.queued, { n: queue.length }) : "");
    }
    connection.textContent = text;
    connection.classList.toggle("is-online", isOpen);
    connection.classList.toggle("is-offline", !isOpen);
  }

  var toastTimer = null;
  function toast(text, isError) {
    if (!toastBox) { return; }
    toastBox.textContent = text;
    toastBox.classList.toggle("is-error", !!isError);
    toastBox.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () { toastBox.hidden = true; }, 4500);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function stationLabel(view) {
    return names[view.id] || view.name || view.id;
  }

  function running() {
    return !!(state.round && state.round.status === "running");
  }

  function button(kind, text, station, quantity, extraClass) {
    var node = element("button", "tap tap-" + kind + (extraClass ? " " + extraClass : ""), text);
    node.type = "button";
    node.disabled = !running();
    node.addEventListener("click", function () {
      var amount = typeof quantity === "function" ? quantity() : quantity;
      tap(kind, station, amount);
    });
    return node;
  }

  // Which taps a role makes (docs/live-game.md, "Roles"); online, "done" is automatic.
  // "andon" is the stop / running-again toggle (kinds "down" / "up").
  function kindsFor() {
    if (role === "logistics") { return ["move"]; }
    if (role === "quality") { return ["defect"]; }
    if (role === "operator" || role === "timekeeper") {
      return online ? ["start", "move", "defect", "andon"] : ["start", "done", "defect", "move", "andon"];
    }
    return [];
  }

  function unitList(ids) {
    var list = element("ul", "unit-list");
    if (!ids || !ids.length) {
      list.appendChild(element("li", "", labels.nothing));
      return list;
    }
    ids.slice(0, 24).forEach(function (id) { list.appendChild(element("li", "", "#" + id)); });
    if (ids.length > 24) { list.appendChild(element("li", "", "+" + (ids.length - 24))); }
    return list;
  }

  function quantityInput(view) {
    var wrap = element("label", "quantity");
    wrap.appendChild(document.createTextNode(labels.quantity));
    var input = element("input");
    input.type = "number";
    input.min = "1";
    input.inputMode = "numeric";
    input.value = quantities[view.id] || "1";
    input.addEventListener("input", function () { quantities[view.id] = input.value; });
    wrap.appendChild(input);
    return { wrap: wrap, value: function () { return parseInt(input.value, 10) || 1; } };
  }

  function stationCard(view, kinds) {
    var card = element("section", "seat-station");
    card.dataset.station = view.id;
    var heading = element("h2", "", stationLabel(view));
    if (view.down) { heading.appendChild(element("span", "badge", labels.down)); }
    card.appendChild(heading);
    if (online) {
      card.appendChild(element("p", "note", labels.queue + ": " + (view.queue || []).length));
      card.appendChild(unitList(view.queue));
      (view.in_process || []).forEach(function (job) {
        var row = element("div", "in-process");
        row.appendChild(element("span", "", labels.in_process + ": #" + job.unit));
        var track = element("div", "wip-track");
        var fill = element("div", "wip-fill");
        fill.dataset.started = job.started;
        fill.dataset.ends = job.ends === null || job.ends === undefined ? "" : job.ends;
        fill.dataset.progress = job.progress === null || job.progress === undefined ? "" : job.progress;
        fill.style.width = (100 * (job.progress || 0)) + "%";
        track.appendChild(fill);
        row.appendChild(track);
        card.appendChild(row);
      });
      card.appendChild(element("p", "note", labels.outbox + ": " + (view.outbox || []).length));
      card.appendChild(unitList(view.outbox));
      if (view.cards !== null && view.cards !== undefined) {
        card.appendChild(element("p", "note", labels.kanban + ": " + view.cards_free + " / " + view.cards));
      }
    } else {
      card.appendChild(element("p", "note",
        labels.queue + " " + (view.queue || []).length + " · " +
        labels.in_process + " " + (view.in_process || []).length + " · " +
        labels.outbox + " " + (view.outbox || []).length));
    }
    var grid = element("div", "tap-grid");
    kinds.forEach(function (kind) {
      if (kind === "start") {
        var start = button("start", online ? labels.process_next : labels.start, view.id, 1, online ? "tap-wide" : "");
        if (online && view.can_start === false) { start.disabled = true; }
        grid.appendChild(start);
      } else if (kind === "move" && online) {
        var outbox = (view.outbox || []).length;
        var one = button("move", labels.pass_one, view.id, 1);
        var all = button("move", labels.pass_all, view.id, function () {
          return Math.max(1, (view.outbox || []).length);
        });
        if (!outbox) { one.disabled = true; all.disabled = true; }
        grid.appendChild(one);
        grid.appendChild(all);
      } else if (kind === "andon") {
        var stopped = !!view.down;
        var andon = button(stopped ? "up" : "down", stopped ? labels.andon_up : labels.andon_down,
          view.id, 1, "tap-wide tap-andon");
        andon.setAttribute("aria-pressed", stopped ? "true" : "false");
        grid.appendChild(andon);
      } else if (kind === "move") {
        var amount = quantityInput(view);
        grid.appendChild(button("move", labels.move, view.id, amount.value));
        grid.appendChild(amount.wrap);
      } else {
        grid.appendChild(button(kind, labels[kind], view.id, 1));
      }
    });
    card.appendChild(grid);
    if (online && kinds.indexOf("start") >= 0 && view.start_refusal) {
      var reason = refusals[view.start_refusal] || view.start_refusal;
      card.appendChild(element("p", "refusal",
        L.format(labels.cannot_start, { reason: L.format(reason, { station: stationLabel(view) }) })));
    }
    return card;
  }

  function stationPicker(views) {
    var select = element("select");
    select.setAttribute("aria-label", labels.station);
    views.forEach(function (view) {
      var option = element("option", "", stationLabel(view));
      option.value = view.id;
      select.appendChild(option);
    });
    if (!picked || !views.some(function (view) { return view.id === picked; })) {
      picked = views.length ? views[0].id : null;
    }
    select.value = picked || "";
    select.addEventListener("change", function () { picked = select.value; pressed = false; render(); });
    return select;
  }

  // Re-rendering replaces the buttons, and a tap whose press and release land on different
  // buttons is lost; so the stations are drawn again only when what they show changed, and
  // never while a finger is on the screen (the drawing waits for it to lift).
  var drawn = null;
  var pressed = false;
  var waiting = false;

  function signature() {
    var views = (state.stations || []).map(function (view) {
      var copy = Object.assign({}, view);
      delete copy.time;
      copy.in_process = (view.in_process || []).map(function (job) {
        return [job.unit, job.started, job.ends];
      });
      return copy;
    });
    return JSON.stringify([state.round && state.round.status, picked, views]);
  }

  function render() {
    if (!body) { return; }
    var boardRole = role === "supervisor" || role === "customer";
    if (figures && boardRole && state.board) {
      window.PFBoard.render(figures, { round: state.round, snapshot: state.board }, labels, names, null);
    }
    if (pressed) {
      waiting = true;
      return;
    }
    var now = signature();
    if (now === drawn) { return; }
    drawn = now;
    draw();
  }

  document.addEventListener("pointerdown", function () { pressed = true; });
  ["pointerup", "pointercancel"].forEach(function (name) {
    document.addEventListener(name, function () {
      pressed = false;
      if (waiting) {
        waiting = false;
        window.setTimeout(render, 60);
      }
    });
  });

  function draw() {
    body.textContent = "";
    var views = state.stations || [];
    var kinds = kindsFor();
    if (figures) { figures.hidden = !(role === "supervisor" || role === "customer"); }
    if (!kinds.length) { return; }
    if (role === "operator") {
      views.forEach(function (view) { body.appendChild(stationCard(view, kinds)); });
      return;
    }
    if (!views.length) { return; }
    body.appendChild(stationPicker(views));
    var shown = views.filter(function (view) { return view.id === picked; })[0] || views[0];
    body.appendChild(stationCard(shown, kinds));
  }

  function renderRound() {
    var round = state.round;
    var nameField = root.querySelector('[data-field="round-name"]');
    var badge = root.querySelector('[data-field="round-status"]');
    if (nameField) {
      nameField.textContent = round ? L.heading(round, labels.round) : labels.no_round;
    }
    if (badge) {
      badge.textContent = round ? (labels[round.status] || round.status) : "";
      badge.className = "badge round-status" + (round ? " status-" + round.status : "");
    }
    if (round) { timer.set({ status: round.status, clock: round.clock, length: round.length }); }
  }

  // Online: move the progress bars on between the server's pushes (round clock now).
  function animate(clock) {
    if (!online) { return; }
    root.querySelectorAll(".in-process .wip-fill").forEach(function (fill) {
      var started = parseFloat(fill.dataset.started);
      var ends = parseFloat(fill.dataset.ends);
      if (!isFinite(started) || !isFinite(ends) || ends <= started) { return; }
      var share = Math.min(1, Math.max(0, (clock - started) / (ends - started)));
      fill.style.width = (100 * share) + "%";
    });
  }

  var timer = window.PFBoard.makeTimer(root);
  var showTimer = timer.update;
  timer.update = function (clock, self) {
    showTimer(clock, self);
    animate(clock);
  };

  // --- the socket -----------------------------------------------------------------------

  function onMessage(message) {
    if (message.type === "ack") {
      forget(message.id);
    } else if (message.type === "refused") {
      if (message.id) { forget(message.id); }
      toast(L.format(labels.refused, { message: message.message || message.code }), true);
      if (message.code === "not_in_session" && root.dataset.joinUrl) {
        // the seat was removed: join again (the queue stays for a later look, not resent)
        window.setTimeout(function () { window.location.href = root.dataset.joinUrl; }, 3000);
      }
    } else if (message.type === "state") {
      state = message;
      renderRound();
      render();
    }
  }

  renderRound();
  render();
  showConnection();
  link = L.connect(root.dataset.wsPath, {
    onOpen: resendAll,
    onMessage: onMessage,
    onState: function (open) { isOpen = open; showConnection(); }
  });
})();
