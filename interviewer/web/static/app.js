// The page of `interviewer serve`: no framework, no build step. Text from the server is shown with
// textContent; only the feedback arrives as HTML, rendered and escaped by the server.
"use strict";

const $ = (selector) => document.querySelector(selector);
let source = null;
let current = null;
let speaking = null;
let clock = null;

function clockText(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function showError(text) {
  const box = $("#error");
  box.textContent = text || "";
  box.hidden = !text;
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({error: `the server answered ${response.status}`}));
  if (!response.ok) throw new Error(data.error || `the server answered ${response.status}`);
  return data;
}

function fill(select, values, labels) {
  for (const value of values) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = labels ? labels[value] : value;
    select.append(option);
  }
}

async function loadOptions() {
  const options = await api("/api/options");
  const ids = options.rounds.map((r) => r.id);
  const titles = Object.fromEntries(options.rounds.map((r) => [r.id, r.title]));
  fill($("#round"), ids, titles);
  fill($("#replay-round"), ids, titles);
  fill($("#level"), options.levels);
  fill($("#replay-level"), options.levels);
  $("#level").value = "L5";
  fill($("#company"), options.companies);
  fill($("#replay-company"), options.companies);
}

async function loadSessions() {
  const {sessions} = await api("/api/sessions");
  const list = $("#sessions");
  list.replaceChildren();
  if (!sessions.length) {
    const none = document.createElement("li");
    none.className = "muted";
    none.textContent = "None yet.";
    list.append(none);
  }
  for (const item of sessions.slice().reverse()) {
    const line = document.createElement("li");
    line.textContent = `${item.started.slice(0, 16).replace("T", " ")} · ${item.round} · ${item.level} · ${item.question} · ${item.status} `;
    if (item.status === "active" && item.id !== current) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Resume";
      button.addEventListener("click", () => resume(item.id));
      line.append(button);
    }
    list.append(line);
  }
}

function note(text) {
  const line = document.createElement("div");
  line.className = "note";
  line.textContent = text;
  $("#transcript").append(line);
  line.scrollIntoView({block: "end"});
}

function turn(role, speaker, text) {
  const box = document.createElement("div");
  box.className = `turn ${role}`;
  const name = document.createElement("span");
  name.className = "speaker";
  name.textContent = speaker;
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  box.append(name, body);
  $("#transcript").append(box);
  box.scrollIntoView({block: "end"});
  return body;
}

function setWaiting(waiting) {
  $("#answer").disabled = !waiting;
  $("#send").disabled = !waiting;
  if (waiting) $("#answer").focus();
}

function showStatus(status) {
  const shownAt = Date.now();
  clearInterval(clock);
  const paint = () => {
    const spent = (Date.now() - shownAt) / 1000;
    $("#status").textContent = `${status.round_title} · ${status.level} · phase ${status.phase_number}/${status.phases}: `
      + `${status.phase_name} · ${clockText(status.phase_left - spent)} left in phase · `
      + `${clockText(status.total_left - spent)} left in round`;
  };
  paint();
  clock = setInterval(paint, 1000);
}

function handle(event) {
  switch (event.type) {
    case "say":
      speaking = turn("interviewer", event.speaker, "");
      setWaiting(false);
      break;
    case "chunk":
      if (speaking) speaking.textContent += event.text;
      speaking?.parentElement.scrollIntoView({block: "end"});
      break;
    case "said":
      speaking = null;
      break;
    case "info":
    case "local":
      note(event.text);
      break;
    case "waiting":
      showStatus(event.status);
      setWaiting(true);
      break;
    case "feedback":
      clearInterval(clock);
      setWaiting(false);
      $("#status").textContent = `Finished · verdict: ${event.verdict} · level estimate ${event.level}`;
      $("#feedback").innerHTML = event.html;
      $("#feedback").hidden = false;
      $("#feedback").scrollIntoView();
      break;
    case "left":
      clearInterval(clock);
      setWaiting(false);
      note(`Saved. Resume session ${event.session} from your sessions list.`);
      break;
    case "error":
      showError(event.text);
      break;
    case "closed":
      source?.close();
      source = null;
      current = null;
      setWaiting(false);
      $("#start").disabled = false;
      loadSessions().catch((error) => showError(error.message));
      break;
  }
}

function listen(id) {
  source?.close();
  current = id;
  $("#transcript").replaceChildren();
  $("#feedback").hidden = true;
  $("#round-view").hidden = false;
  showError("");
  source = new EventSource(`/api/rounds/${encodeURIComponent(id)}/events`);
  source.onmessage = (message) => handle(JSON.parse(message.data));
}

async function start(event) {
  event.preventDefault();
  $("#start").disabled = true;
  try {
    const {id} = await api("/api/rounds", {
      round: $("#round").value, level: $("#level").value, company: $("#company").value || null,
      minutes: Number($("#minutes").value),
    });
    listen(id);
    await loadSessions();
  } catch (error) {
    $("#start").disabled = false;
    showError(error.message);
  }
}

async function resume(id) {
  try {
    await api(`/api/rounds/${encodeURIComponent(id)}/resume`, {});
    listen(id);
    await loadSessions();
  } catch (error) {
    showError(error.message);
  }
}

async function send(text) {
  if (!current || !text.trim()) return;
  if (!text.trim().startsWith("/")) turn("candidate", "You", text);
  else if (["/hint", "/skip", "/end", "/quit"].includes(text.trim())) note(text.trim());
  $("#answer").value = "";
  try {
    await api(`/api/rounds/${encodeURIComponent(current)}/answer`, {text});
  } catch (error) {
    showError(error.message);
  }
}

async function replay(event) {
  event.preventDefault();
  const file = $("#replay-file").files[0];
  if (!file) return showError("choose a transcript file first");
  $("#replay").disabled = true;
  showError("");
  try {
    const {html} = await api("/api/replay", {
      name: file.name, text: await file.text(), round: $("#replay-round").value || null,
      level: $("#replay-level").value || null, company: $("#replay-company").value || null,
    });
    $("#feedback").innerHTML = html;
    $("#feedback").hidden = false;
    $("#feedback").scrollIntoView();
  } catch (error) {
    showError(error.message);
  } finally {
    $("#replay").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#start-form").addEventListener("submit", start);
  $("#replay-form").addEventListener("submit", replay);
  $("#answer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send($("#answer").value);
  });
  $("#answer").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send($("#answer").value);
    }
  });
  for (const button of document.querySelectorAll("button.command")) {
    button.addEventListener("click", () => send(button.dataset.command));
  }
  Promise.all([loadOptions(), loadSessions()]).catch((error) => showError(error.message));
});
