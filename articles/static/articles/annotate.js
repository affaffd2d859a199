// Select to annotate, as brat and INCEpTION do: select text in the article's title, summary, byline,
// body or caption, then press "Mention a person", "Mention an event" or "Add a figure"; a new inline
// row gets the field, the quote and its offsets, so none are typed.
(function () {
  "use strict";
  var FIELDS = ["title", "summary", "byline", "body", "caption"];
  var KINDS = [
    ["person_mentions", "Mention a person"],
    ["event_mentions", "Mention an event"],
    ["figures", "Add a figure"],
  ];
  var last = null;

  // The server counts code points; a JS string index counts UTF-16 units, two for an emoji.
  function codePoints(text, index) {
    return Array.from(text.slice(0, index)).length;
  }

  function remember(input, name) {
    var start = input.selectionStart;
    var end = input.selectionEnd;
    var value = input.value;
    // A double-click or a drag often takes a space or a line break at either end.
    while (start < end && /\s/.test(value.charAt(start))) start++;
    while (end > start && /\s/.test(value.charAt(end - 1))) end--;
    last = end > start ? {
      field: name,
      quote: value.slice(start, end),
      start: codePoints(value, start),
      end: codePoints(value, end),
    } : null;
    update();
  }

  var bar, status, buttons = [];

  function update() {
    buttons.forEach(function (button) { button.disabled = !last; });
    status.textContent = last
      ? "Selected in the " + last.field + " (" + last.start + "–" + last.end + "): “" +
        (last.quote.length > 60 ? last.quote.slice(0, 57) + "…" : last.quote) + "”"
      : "Select text in the title, summary, byline, body or caption to annotate it.";
  }

  function setValue(row, prefix, index, name, value) {
    var input = row.querySelector("[name='" + prefix + "-" + index + "-" + name + "']");
    if (!input) return;
    input.value = value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function annotate(prefix) {
    if (!last) return;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var add = document.querySelector("#" + prefix + "-group .add-row a");
    if (!total || !add) return;
    var index = parseInt(total.value, 10);
    add.click();
    var row = document.getElementById(prefix + "-" + index);
    if (!row) return;
    setValue(row, prefix, index, "field", last.field);
    setValue(row, prefix, index, "quote", last.quote);
    setValue(row, prefix, index, "start", last.start);
    setValue(row, prefix, index, "end", last.end);
    row.scrollIntoView({ block: "center" });
    // The editor's next step: who or what it is (an autocomplete), or the figure's label.
    var next = row.querySelector(".select2-selection, [name$='-label']");
    if (next) next.focus();
  }

  function build() {
    bar = document.createElement("div");
    bar.className = "annotate-bar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Annotate the selected text");
    status = document.createElement("span");
    status.className = "annotate-status";
    status.setAttribute("aria-live", "polite");
    KINDS.forEach(function (kind) {
      if (!document.getElementById(kind[0] + "-group")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = kind[1];
      button.dataset.annotate = kind[0];
      // Keep the selection in the text box: a mousedown on the button would otherwise take the focus first.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { annotate(kind[0]); });
      buttons.push(button);
      bar.appendChild(button);
    });
    bar.appendChild(status);
    document.getElementById("content-main").appendChild(bar);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("id_body")) return;
    build();
    FIELDS.forEach(function (name) {
      var input = document.getElementById("id_" + name);
      if (!input) return;
      ["select", "mouseup", "keyup"].forEach(function (type) {
        input.addEventListener(type, function () { remember(input, name); });
      });
    });
  });
})();
