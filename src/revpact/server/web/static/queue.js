/* The sales floor queue (/dashboard/queue): polls the page's JSON twin (its URL in
 * #queue-live's data-url) and ticks the countdowns locally between polls. */
(function () {
  "use strict";
  var rows = document.getElementById("queue-rows"), live = document.getElementById("queue-live");
  var data = JSON.parse(document.getElementById("queue-data").textContent);
  var url = live.dataset.url, leads = new Map();
  // The figures are as of `base` (server time), received at `at` (this browser's clock).
  var base = Date.parse(data.as_of), at = Date.now(), moving = false;
  var replayFrom = data.replay ? base : null, loaded = at;
  function clock(s) {
    var m = Math.floor(s % 3600 / 60), x = s % 60;
    return Math.floor(s / 3600) + ":" + (m < 10 ? "0" : "") + m + ":" + (x < 10 ? "0" : "") + x;
  }
  function put(row, name, text) { row.querySelector("." + name).textContent = text; }
  function tick() {
    var now = base + (moving ? Date.now() - at : 0);
    rows.querySelectorAll("tr.lead").forEach(function (row) {
      var lead = leads.get(row.dataset.leadId), span = row.querySelector(".left");
      if (!lead || lead.business_seconds_left === null) { return; }
      var from = Date.parse(lead.ticks_from), until = Date.parse(lead.ticks_until);
      var ran = Math.min(Math.max(now - from, 0), Math.max(until - from, 0));
      // ceil: the twin floors the seconds left, and a paused clock must not lose one
      var left = Math.max(0, Math.ceil(lead.business_seconds_left - ran / 1000));
      if (span.dataset.seconds !== String(left)) {
        span.dataset.seconds = left;
        span.textContent = clock(left);
      }
    });
  }
  function show(fresh) {
    var old = new Map();
    rows.querySelectorAll("tr.lead").forEach(function (row) { old.set(row.dataset.leadId, row); });
    leads = new Map();
    fresh.leads.forEach(function (lead) {
      var row = old.get(lead.lead_id);
      leads.set(lead.lead_id, lead);
      if (row) {
        old.delete(lead.lead_id);
      } else {
        row = document.getElementById("queue-row").content.firstElementChild.cloneNode(true);
        row.dataset.leadId = lead.lead_id;
        put(row, "id", lead.lead_id);
      }
      row.dataset.status = lead.status;
      row.classList.toggle("at-risk", lead.at_risk);
      ["lead_type", "owner", "notified", "due", "status"].forEach(function (name) {
        put(row, name === "lead_type" ? "type" : name, lead.display[name]);
      });
      row.querySelector(".left").dataset.seconds = lead.business_seconds_left;
      put(row, "left", lead.display.left);
      rows.appendChild(row);
    });
    old.forEach(function (row) { row.remove(); });
    document.getElementById("queue-empty").hidden = fresh.leads.length > 0;
    document.getElementById("queue-waiting").textContent = fresh.counts.waiting;
    document.getElementById("queue-at-risk").textContent = fresh.counts.at_risk;
    document.getElementById("queue-clock").textContent = fresh.display.clock;
    document.getElementById("queue-clock").dataset.open = fresh.business_open;
  }
  function poll() {
    var query = new URLSearchParams(location.search);
    if (replayFrom !== null) {
      query.set("as_of", new Date(replayFrom + Date.now() - loaded).toISOString());
    }
    query.set("lang", document.documentElement.lang);
    fetch(url + "?" + query, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (response.status === 401) { location.reload(); }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (fresh) {
        var next = Date.parse(fresh.as_of);
        moving = next > base;  // the server's clock moved since the last figures
        base = next;
        at = Date.now();
        show(fresh);
        tick();
        live.classList.remove("stale");
      })
      .catch(function () { live.classList.add("stale"); })
      .finally(function () { setTimeout(poll, data.poll_seconds * 1000); });
  }
  data.leads.forEach(function (lead) { leads.set(lead.lead_id, lead); });
  setInterval(tick, 1000);
  setTimeout(poll, 1000);
})();
