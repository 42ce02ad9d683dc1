// "Get real-time updates on this device": registers the service worker, asks for
// permission, subscribes with the server's VAPID key and sends the subscription with
// the query to follow. Everything goes to this server only.
"use strict";
(function () {
  function csrf() {
    var field = document.querySelector("input[name=csrf]");
    return field ? field.value : "";
  }
  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  async function follow(query, button) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      button.textContent = "This browser cannot receive push notifications";
      return;
    }
    var registration = await navigator.serviceWorker.register("/sw.js");
    var permission = await Notification.requestPermission();
    if (permission !== "granted") { button.textContent = "Notifications are blocked"; return; }
    var answer = await fetch("/api/push/key", { credentials: "same-origin" });
    var serverKey = (await answer.json()).public_key;
    button.textContent = "Subscribing…";
    button.setAttribute("data-state", "subscribing");
    var timeout = new Promise(function (_, reject) {
      setTimeout(function () { reject(new Error("the push service did not answer")); }, 15000);
    });
    var subscription = await Promise.race([
      registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(serverKey) }),
      timeout
    ]);
    var saved = await fetch("/api/push/subscriptions", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify({ query: query, subscription: subscription.toJSON() })
    });
    button.textContent = saved.ok ? "Following on this device" : "Could not subscribe";
    button.setAttribute("data-state", saved.ok ? "subscribed" : "failed");
  }
  document.querySelectorAll(".push-subscribe").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var query = button.getAttribute("data-query") || (document.getElementById("query") || {}).value || "";
      if (!query) { return; }
      button.disabled = true;
      follow(query, button).catch(function (error) {
        button.textContent = "Could not subscribe: " + error.message;
        button.setAttribute("data-state", "failed");
      })
        .finally(function () { button.disabled = false; });
    });
  });
})();
