// Keyboard shortcuts for the review console: a progressive enhancement. Every page works
// without this script; it only moves focus and presses the buttons and links already there.
//   j / k   next / previous row of the queue       o or Enter   open the row's item
//   c       claim the row's item (or this item)    r            focus the review form
//   ?       show or hide the list of shortcuts
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-item]"));
  var current = -1;
  var help = document.getElementById("shortcut-help");

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function select(index) {
    if (!rows.length) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0) { rows[current].classList.remove("current"); rows[current].removeAttribute("aria-current"); }
    current = index;
    var row = rows[current];
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a.open-item");
    if (link) { link.focus(); }
  }

  function rowLink() {
    return current >= 0 ? rows[current].querySelector("a.open-item") : null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var key = event.key;
    if (key === "j") { select(current + 1); event.preventDefault(); }
    else if (key === "k") { select(current < 0 ? 0 : current - 1); event.preventDefault(); }
    else if (key === "o" || (key === "Enter" && event.target === document.body)) {
      var link = rowLink();
      if (link) { window.location.href = link.href; event.preventDefault(); }
    } else if (key === "c") {
      var scope = current >= 0 ? rows[current] : document;
      var claim = scope.querySelector("button.claim-item");
      if (claim) { claim.click(); event.preventDefault(); }
    } else if (key === "r") {
      var form = document.querySelector("form[action$='/review']");
      var field = form && form.querySelector("select, input:not([type=hidden]), textarea");
      if (field) { form.scrollIntoView(); field.focus(); event.preventDefault(); }
    } else if (key === "?") {
      if (help) { help.hidden = !help.hidden; if (!help.hidden) { help.scrollIntoView(); } }
      event.preventDefault();
    }
  });
}());
