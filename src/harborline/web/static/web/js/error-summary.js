// The error summary (web/partials/error_summary.html): focus it when the page loads, so a
// screen reader reads the problems and the keyboard starts there; a link in it moves focus to
// its field (not only the scroll position), with the field's label in view.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var group = field.closest("fieldset, .usa-form-group") || field;
    group.scrollIntoView();
    field.focus({ preventScroll: true });
    history.replaceState(null, "", link.getAttribute("href"));
  });
})();
