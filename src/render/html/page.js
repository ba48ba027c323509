// imap-tutor's HTML view: keys and exchange highlighting. The page is whole
// without this script; it only adds:
//   j / k   next / previous message      n / p   next / previous problem
//   Enter   follow the message's first link
//   e       open or close every literal  x       hide or show explanations
// and, when a message has focus or the pointer, outlines every message of its
// exchange (the command, its responses and its completion).
(function () {
  "use strict";
  var messages = Array.prototype.slice.call(document.querySelectorAll(".msg"));
  if (messages.length === 0) { return; }

  function current() {
    var index = messages.indexOf(document.activeElement);
    return index;
  }

  function go(list, step) {
    if (list.length === 0) { return; }
    var here = document.activeElement;
    var index = list.indexOf(here);
    if (index === -1) {
      // Not on one of these: start from the message that has focus, if any.
      var from = messages.indexOf(here);
      index = step > 0 ? -1 : list.length;
      for (var i = 0; i < list.length; i += 1) {
        if (messages.indexOf(list[i]) > from) { index = step > 0 ? i - 1 : i; break; }
      }
    }
    var next = list[Math.max(0, Math.min(list.length - 1, index + step))];
    if (next) { next.focus(); next.scrollIntoView({ block: "nearest" }); }
  }

  function highlight(message, on) {
    var exchange = message.getAttribute("data-x");
    if (!exchange) { return; }
    var members = document.querySelectorAll('[data-x="' + exchange + '"]');
    for (var i = 0; i < members.length; i += 1) {
      members[i].classList.toggle("hl", on);
    }
  }

  messages.forEach(function (message) {
    message.addEventListener("focus", function () { highlight(message, true); });
    message.addEventListener("blur", function () { highlight(message, false); });
    message.addEventListener("mouseenter", function () { highlight(message, true); });
    message.addEventListener("mouseleave", function () { highlight(message, false); });
  });

  var problems = messages.filter(function (m) { return m.classList.contains("problem"); });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) { return; }
    switch (event.key) {
      case "j": go(messages, 1); break;
      case "k": go(messages, -1); break;
      case "n": go(problems, 1); break;
      case "p": go(problems, -1); break;
      case "e": {
        var literals = document.querySelectorAll("details.literal");
        var open = !Array.prototype.some.call(literals, function (d) { return d.open; });
        Array.prototype.forEach.call(literals, function (d) { d.open = open; });
        break;
      }
      case "x": document.body.classList.toggle("terse"); break;
      case "Enter": {
        if (current() === -1) { return; }
        var link = document.activeElement.querySelector(".links a");
        if (!link) { return; }
        var id = link.getAttribute("href").slice(1);
        var goal = document.getElementById(id);
        if (goal) { goal.focus(); goal.scrollIntoView({ block: "center" }); }
        break;
      }
      default: return;
    }
    event.preventDefault();
  });
}());
