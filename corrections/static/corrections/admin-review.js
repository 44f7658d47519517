/* The review page: N goes to the next open item (outside form fields), as the link beside it says. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "n" && event.key !== "N") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName || ""))) return;
    var next = document.getElementById("next-item");
    if (next && next.href) {
      event.preventDefault();
      window.location.assign(next.href);
    }
  });
})();
