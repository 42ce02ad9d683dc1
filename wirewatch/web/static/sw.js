// The service worker: shows each pushed notification and opens its story on click.
"use strict";
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var story = data.story || {};
  var title = story.title || (data.article && data.article.title) || "wirewatch";
  var body = data.quote && data.quote.text ? data.quote.text + " — " + (data.quote.speaker || "") : (story.outlets || []).join(", ");
  event.waitUntil(self.registration.showNotification(title, {
    body: body, tag: "story-" + (story.id || ""), data: { url: story.id ? "/stories/" + story.id : "/" }
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(clients.openWindow(event.notification.data.url));
});
