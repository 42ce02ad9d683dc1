// The live page: new stories arrive over Server-Sent Events and are put at the top
// (a story already shown moves up and shows its new count). EventSource resumes with
// Last-Event-ID by itself after a disconnect.
"use strict";
(function () {
  var list = document.getElementById("stories");
  var status = document.getElementById("live-status");
  if (!list || !window.EventSource) { return; }
  var after = list.getAttribute("data-last-event") || "0";
  var source = new EventSource("/api/stream?after=" + encodeURIComponent(after));
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function render(event) {
    var story = event.story || {};
    var item = el("li", "story new");
    item.id = "story-" + story.id;
    item.setAttribute("data-story", story.id);
    var h2 = el("h2");
    var link = el("a", null, story.title || (event.article && event.article.title) || "(untitled)");
    link.href = "/stories/" + encodeURIComponent(story.id);
    h2.appendChild(link);
    item.appendChild(h2);
    var n = story.article_count || 1;
    var meta = el("p", "meta", n + (n === 1 ? " article" : " articles") + ((story.outlets || []).length ? " · " + story.outlets.slice(0, 4).join(", ") : ""));
    item.appendChild(meta);
    if (event.quote && event.quote.text) {
      var quote = el("blockquote", "quote");
      quote.appendChild(el("p", null, event.quote.text));
      quote.appendChild(el("footer", null, "— " + (event.quote.speaker || "")));
      item.appendChild(quote);
    }
    return item;
  }
  source.addEventListener("article", function (message) {
    var event;
    try { event = JSON.parse(message.data); } catch (e) { return; }
    if (!event.story) { return; }
    var old = document.getElementById("story-" + event.story.id);
    if (old) { old.remove(); }
    var empty = document.getElementById("no-stories");
    if (empty) { empty.remove(); }
    list.insertBefore(render(event), list.firstChild);
    status.textContent = "New: " + (event.story.title || "a story");
  });
  source.onerror = function () { status.textContent = "Reconnecting…"; };
  source.onopen = function () { status.textContent = "Live: new stories appear here as they arrive."; };
})();
