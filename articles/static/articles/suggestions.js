// Keys on a focused suggestion row, as annotation tools (INCEpTION, Prodigy) give them: a accepts, r rejects.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var row = event.target.closest ? event.target.closest("tr.suggestion") : null;
    if (!row || event.ctrlKey || event.metaKey || event.altKey) return;
    var button = { a: ".suggestion-accept", r: ".suggestion-reject" }[event.key];
    if (!button || !row.querySelector(button)) return;
    event.preventDefault();
    row.querySelector(button).click();
  });
})();
