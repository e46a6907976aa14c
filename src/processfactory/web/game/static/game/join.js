// The join form: stations matter for station operators only, so hide them for the other roles.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var stations = document.getElementById("station-choice");
  if (!stations) { return; }
  var radios = document.querySelectorAll('#role-choice input[type="radio"]');
  function sync() {
    var picked = document.querySelector('#role-choice input[type="radio"]:checked');
    stations.hidden = !picked || picked.value !== "operator";
  }
  radios.forEach(function (radio) { radio.addEventListener("change", sync); });
  sync();
});
