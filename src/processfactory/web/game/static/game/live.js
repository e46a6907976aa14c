// The live game's shared helpers: a websocket that reconnects with backoff, the round timer,
// and small text helpers. Pages read their data from <script type="application/json"> blocks
// rendered by the server (labels in the page's language included), never from hard-coded text.
window.PFLive = (function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    try { return JSON.parse(element.textContent); } catch (error) { return null; }
  }

  function socketUrl(path) {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + path;
  }

  // connect(path, {onOpen(link), onMessage(message), onState(isOpen)}) -> link
  // The link reconnects after a close with exponential backoff (0.5 s doubling to 15 s, with
  // jitter), and at once when the browser says the network is back or the page is shown again.
  // When the browser says the network is gone, the socket is closed and no attempt is made
  // until it is back.
  function connect(path, handlers) {
    var socket = null;
    var delay = 500;
    var timer = null;
    var wentOffline = false;
    var link = {
      send: function (message) {
        if (socket && socket.readyState === 1) {
          socket.send(JSON.stringify(message));
          return true;
        }
        return false;
      },
      isOpen: function () { return !!socket && socket.readyState === 1; }
    };

    function state(isOpen) { if (handlers.onState) { handlers.onState(isOpen); } }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(open, delay + Math.random() * delay * 0.3);
      delay = Math.min(delay * 2, 15000);
    }

    function open() {
      window.clearTimeout(timer);
      if (socket && socket.readyState <= 1) { return; }
      if (wentOffline && navigator.onLine === false) {
        // the browser said the network went away: look again in a moment, without attempts
        // that can only fail (a browser that was never told so always tries)
        timer = window.setTimeout(open, 2000);
        return;
      }
      wentOffline = false;
      var current;
      try {
        current = new WebSocket(socketUrl(path));
      } catch (error) {
        schedule();
        return;
      }
      socket = current;
      // a socket replaced by a newer one (closed, and the network came back before its close
      // event) must not report on the link any more
      current.onopen = function () {
        if (socket !== current) { return; }
        delay = 500;
        state(true);
        if (handlers.onOpen) { handlers.onOpen(link); }
      };
      current.onmessage = function (event) {
        if (socket !== current) { return; }
        var message;
        try { message = JSON.parse(event.data); } catch (error) { return; }
        if (handlers.onMessage) { handlers.onMessage(message); }
      };
      current.onclose = function () {
        if (socket !== current) { return; }
        state(false);
        schedule();
      };
      current.onerror = function () {
        try { current.close(); } catch (error) { /* closed already */ }
      };
    }

    function again() {
      if (!socket || socket.readyState > 1) {
        delay = 500;
        open();
      }
    }
    window.addEventListener("online", again);
    // The network is gone: a socket that still looks open would swallow what is sent and may
    // never close by itself (no answer comes back over a dead link). Close it, so the page
    // shows it is offline (a phone's taps wait in its queue), and open a new one when the
    // network is back.
    window.addEventListener("offline", function () {
      wentOffline = true;
      if (socket && socket.readyState <= 1) {
        try { socket.close(); } catch (error) { /* closed already */ }
        // over a dead link the close event may come late: say so now
        state(false);
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { again(); }
    });
    open();
    return link;
  }

  // "%(n)s taps" with {n: 3} -> "3 taps" (the server's gettext placeholders).
  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)[sd]/g, function (whole, key) {
      return values && values[key] !== undefined ? String(values[key]) : "";
    });
  }

  function number(value, digits) {
    if (value === null || value === undefined || typeof value !== "number" || !isFinite(value)) {
      return "–";
    }
    var lang = document.documentElement.lang || "en";
    return value.toLocaleString(lang, {
      maximumFractionDigits: digits === undefined ? 1 : digits,
      minimumFractionDigits: 0
    });
  }

  // Seconds as m:ss or h:mm:ss.
  function duration(seconds) {
    if (typeof seconds !== "number" || !isFinite(seconds)) { return "–:–"; }
    var whole = Math.max(0, Math.floor(seconds));
    var h = Math.floor(whole / 3600);
    var m = Math.floor((whole % 3600) / 60);
    var s = whole % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  // The round timer: the server's clock (scenario time units) at a moment, counted on in the
  // browser at `rate` units per real second while the round runs; paused and ended stand still.
  function Timer(update) {
    this.update = update;
    this.status = "";
    this.clock = 0;
    this.length = 0;
    this.rate = 0;
    this.unitSeconds = 60;
    this.at = Date.now();
    var self = this;
    window.setInterval(function () { self.update(self.now(), self); }, 250);
  }
  Timer.prototype.set = function (values) {
    if (!values) { return; }
    if (values.status !== undefined) { this.status = values.status; }
    if (typeof values.clock === "number") { this.clock = values.clock; }
    if (typeof values.length === "number") { this.length = values.length; }
    if (typeof values.rate === "number") { this.rate = values.rate; }
    if (typeof values.unitSeconds === "number" && values.unitSeconds > 0) {
      this.unitSeconds = values.unitSeconds;
    }
    this.at = Date.now();
    this.update(this.now(), this);
  };
  Timer.prototype.now = function () {
    var clock = this.clock;
    if (this.status === "running") { clock += (Date.now() - this.at) / 1000 * this.rate; }
    return this.length ? Math.min(clock, this.length) : clock;
  };

  // "Round 2: 5S" as its name says it, else "Round 2: " + the name (reports.labels.round_heading).
  function heading(round, template) {
    var prefix = new RegExp("^\\s*(?:round|раунд)\\s*(?:№\\s*)?" + round.number + "(?!\\d)", "i");
    return prefix.test(round.name || "") ? round.name : format(template, { n: round.number }) + ": " + round.name;
  }

  return {
    heading: heading,
    readJson: readJson,
    connect: connect,
    format: format,
    number: number,
    duration: duration,
    Timer: Timer
  };
})();
