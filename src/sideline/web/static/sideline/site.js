// Progressive enhancement only: every page works and reads without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function collapsibleMenu() {
    var button = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (!button || !nav) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        nav.classList.remove("open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  // After a failed form, the keyboard and the screen reader start at the first error.
  function focusFirstError() {
    var field = document.querySelector("main [aria-invalid='true']");
    var target = field || document.querySelector("main .errorlist, main [role='alert']");
    if (!target) return;
    if (!field && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  // Times carry their venue's zone; where the reader's zone differs, add the reader's time.
  function viewerTimes() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) return;
    var lang = document.documentElement.lang || undefined;
    var label = document.documentElement.getAttribute("data-your-time") || "your time";
    document.querySelectorAll("time[data-venue-zone][data-end]").forEach(function (node) {
      if (node.getAttribute("data-venue-zone") === zone) return;
      var start = new Date(node.getAttribute("datetime"));
      var end = new Date(node.getAttribute("data-end"));
      if (isNaN(start) || isNaN(end)) return;
      var clock = { hour: "2-digit", minute: "2-digit", timeZone: zone };
      var day = { day: "numeric", month: "short", timeZone: zone };
      var text = start.toLocaleDateString(lang, day) + " " + start.toLocaleTimeString(lang, clock) +
        "–" + end.toLocaleTimeString(lang, clock);
      var span = document.createElement("span");
      span.className = "viewer-time";
      span.setAttribute("data-testid", "viewer-time");
      span.textContent = " · " + text + " " + label + " (" + zone + ")";
      node.after(span);
    });
  }

  // Right to left (Arabic): charts drawn on the server read from the right like the page.
  // The drawing is mirrored as a whole; each label is mirrored back about its own anchor
  // so that it stays readable, with its alignment (and a rotation) turned the other way.
  var SVG = "http://www.w3.org/2000/svg";
  function mirrorCharts() {
    if (document.documentElement.dir !== "rtl") return;
    document.querySelectorAll("main figure svg").forEach(function (chart) {
      var box = chart.viewBox && chart.viewBox.baseVal;
      if (!box || !box.width || chart.hasAttribute("data-mirrored")) return;
      var group = document.createElementNS(SVG, "g");
      group.setAttribute("transform", "translate(" + (2 * box.x + box.width) + " 0) scale(-1 1)");
      Array.prototype.slice.call(chart.childNodes).forEach(function (node) {
        if (node.nodeName !== "title" && node.nodeName !== "desc") group.appendChild(node);
      });
      chart.appendChild(group);
      group.querySelectorAll("text").forEach(function (text) {
        var x = parseFloat(text.getAttribute("x") || "0");
        var y = text.getAttribute("y") || "0";
        var anchor = text.getAttribute("text-anchor") || "start";
        var turn = /rotate\(\s*(-?[\d.]+)/.exec(text.getAttribute("transform") || "");
        text.setAttribute("x", String(-x));
        text.setAttribute("text-anchor", { start: "end", end: "start" }[anchor] || anchor);
        text.setAttribute("transform", "scale(-1 1)" +
          (turn ? " rotate(" + (-parseFloat(turn[1])) + " " + (-x) + " " + y + ")" : ""));
      });
      chart.setAttribute("data-mirrored", "");
    });
  }

  // A heat map is one tab stop; the arrow keys move between its cells (roving tabindex).
  function heatmapKeys() {
    document.querySelectorAll("svg.heatmap").forEach(function (chart) {
      var cells = Array.prototype.slice.call(chart.querySelectorAll("rect.cell"));
      var columns = parseInt(chart.getAttribute("data-columns"), 10) || 1;
      var ahead = chart.hasAttribute("data-mirrored") ? -1 : 1;  // mirrored: right is back
      var moves = { ArrowRight: ahead, ArrowLeft: -ahead, ArrowDown: columns, ArrowUp: -columns };
      chart.addEventListener("keydown", function (event) {
        var index = cells.indexOf(event.target);
        if (index < 0 || !(event.key in moves)) return;
        var next = cells[index + moves[event.key]];
        if (!next) return;
        event.preventDefault();
        event.target.setAttribute("tabindex", "-1");
        next.setAttribute("tabindex", "0");
        next.focus();
      });
    });
  }

  function ready() {
    collapsibleMenu(); focusFirstError(); viewerTimes(); mirrorCharts(); heatmapKeys();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
