// KoB Social: small progressive enhancements. Everything works without this file.
(function () {
  "use strict";

  // The stylesheet folds the phone menu only under html.js: without this file it stays open.
  document.documentElement.classList.add("js");

  // The phone menu: a real button toggles aria-expanded, and the stylesheet shows the menu from
  // that one attribute. Enter and Space are the button's own; Escape closes and gives the button
  // focus back.
  function setUpMenu() {
    var button = document.querySelector(".menu-button[aria-controls]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    button.addEventListener("click", function () {
      button.setAttribute("aria-expanded", String(button.getAttribute("aria-expanded") !== "true"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") {
        return;
      }
      if (menu.contains(document.activeElement) || document.activeElement === button) {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  // Move keyboard focus to the error summary after a failed submit, so screen reader users hear it.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  // Ask before destructive actions: <form data-confirm="…"> or <button data-confirm="…">.
  // The question may sit on the form or on the button that submitted it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question =
      (button && button.getAttribute && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Disable submit buttons while a form is being sent, and show that work is in progress.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) {
      return;
    }
    var form = event.target;
    form.setAttribute("aria-busy", "true");
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    focusErrorSummary(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.target);
    // A goal row added in place: move focus to its first field so keyboard and screen reader
    // users land where they can type.
    if (event.target.id === "goal-rows") {
      var rows = event.target.querySelectorAll(".goal-row");
      var first = rows.length ? rows[rows.length - 1].querySelector("input:not([type=hidden]), select, textarea") : null;
      if (first) {
        first.focus();
      }
    }
  });
})();
