// Small page actions as data attributes instead of inline handlers, which the
// Content-Security-Policy refuses: <a data-history-back> goes back a page,
// <button data-print> prints it.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  if (target.closest("[data-history-back]")) {
    event.preventDefault();
    window.history.back();
  } else if (target.closest("[data-print]")) {
    window.print();
  }
});
