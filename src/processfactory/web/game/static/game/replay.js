// The replay of a round: steps through the frames the server computed (the board after each
// stored event, in order) with the previous/next buttons, the slider or the arrow keys.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var L = window.PFLive;
  var root = document.querySelector("[data-replay]");
  var frames = L.readJson("replay-frames") || [];
  if (!root || !frames.length) { return; }
  var labels = L.readJson("board-labels") || {};
  var names = L.readJson("station-names") || {};
  var slider = root.querySelector("[data-slider]");
  var stepText = root.querySelector('[data-field="step"]');
  var eventText = root.querySelector('[data-field="event"]');
  var timer = window.PFBoard.makeTimer(root);
  var index = 0;

  function describe(frame, position) {
    var event = frame.event;
    if (!event) { return position === 0 ? labels.before : labels.after; }
    var text = L.format(labels.event, {
      t: L.duration(event.t * timer.unitSeconds),
      label: event.label,
      station: names[event.station] || event.station,
      quantity: event.quantity,
      seat: event.seat || "—"
    });
    if (event.skipped) { text += " · " + L.format(labels.skipped, { reason: event.skipped }); }
    return text;
  }

  function show(position) {
    index = Math.max(0, Math.min(frames.length - 1, position));
    var frame = frames[index];
    window.PFBoard.render(root, frame.board, labels, names, timer);
    if (slider) { slider.value = String(index); }
    if (stepText) { stepText.textContent = String(index); }
    if (eventText) { eventText.textContent = describe(frame, index); }
  }

  root.querySelectorAll("[data-step]").forEach(function (button) {
    button.addEventListener("click", function () {
      show(index + parseInt(button.getAttribute("data-step"), 10));
    });
  });
  if (slider) {
    slider.addEventListener("input", function () { show(parseInt(slider.value, 10) || 0); });
  }
  document.addEventListener("keydown", function (event) {
    // a focused slider moves itself; text fields keep their arrow keys
    if (event.target && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName)) { return; }
    if (event.key === "ArrowRight") { show(index + 1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { show(index - 1); event.preventDefault(); }
  });
  show(0);
});
