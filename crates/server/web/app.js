// idflow's mock web client: walks one execution's WEB journey. Reads the
// journey, lets the tester choose an image per part, uploads each with the
// execution's token, finalizes and goes to the success or error URL with
// the platform's query parameters (or shows the outcome here).
"use strict";

const WORDS = {
  en: {
    title: "Identity verification",
    mock: "idflow mock web client: images stay on this test server and only their type, size and checksum are kept.",
    loading: "Loading…",
    scenarioLegend: "Test scenario",
    scenarioLabel: "What the simulated platform decides",
    submit: "Submit",
    choose: "Choose an image for: {0}",
    uploading: "Uploading {0} of {1}…",
    finalizing: "Submitting…",
    processing: "Submitted. Waiting for the decision…",
    submittedTitle: "Submitted",
    submittedText: "Your images were received.",
    decided: "Decision: {0} ({1}), risk score {2}.",
    errorTitle: "This did not work",
    errorCode: "Error code {0}: {1} ({2})",
    uploaded: "Uploaded",
    facemap: "A facemap is captured with the selfie (simulated by this mock).",
    account: "Account",
    execution: "Workflow execution",
    reference: "Customer reference",
    parts: { FRONT: "Front", BACK: "Back", FACE: "Face" },
    categories: { ID: "Identity document", SELFIE: "Selfie", DOCUMENT: "Document" },
    codes: {
      9100: "Server error.",
      9200: "This link is missing, invalid or has expired.",
      9210: "The session expired before the journey was finished.",
      9300: "An image could not be sent.",
      9810: "The server cannot be reached.",
    },
  },
  de: {
    title: "Identitätsprüfung",
    mock: "idflow-Test-Webclient: Die Bilder bleiben auf diesem Testserver; gespeichert werden nur Typ, Größe und Prüfsumme.",
    loading: "Wird geladen…",
    scenarioLegend: "Testszenario",
    scenarioLabel: "Was die simulierte Plattform entscheidet",
    submit: "Absenden",
    choose: "Bitte ein Bild wählen für: {0}",
    uploading: "Lade {0} von {1} hoch…",
    finalizing: "Wird abgesendet…",
    processing: "Abgesendet. Warte auf die Entscheidung…",
    submittedTitle: "Abgesendet",
    submittedText: "Ihre Bilder sind angekommen.",
    decided: "Entscheidung: {0} ({1}), Risikowert {2}.",
    errorTitle: "Das hat nicht geklappt",
    errorCode: "Fehlercode {0}: {1} ({2})",
    uploaded: "Hochgeladen",
    facemap: "Mit dem Selfie wird eine Facemap erfasst (von diesem Test-Webclient simuliert).",
    account: "Konto",
    execution: "Workflow-Ausführung",
    reference: "Kundenreferenz",
    parts: { FRONT: "Vorderseite", BACK: "Rückseite", FACE: "Gesicht" },
    categories: { ID: "Ausweisdokument", SELFIE: "Selfie", DOCUMENT: "Dokument" },
    codes: {
      9100: "Serverfehler.",
      9200: "Dieser Link fehlt, ist ungültig oder abgelaufen.",
      9210: "Die Sitzung ist abgelaufen, bevor alles gesendet war.",
      9300: "Ein Bild konnte nicht gesendet werden.",
      9810: "Der Server ist nicht erreichbar.",
    },
  },
};

const query = new URLSearchParams(location.search);
const token = query.get("authorizationToken") || "";
let words = WORDS.en;

function pickLanguage(locale) {
  const language = (locale || "").toLowerCase().split(/[-_]/)[0];
  words = WORDS[language] || WORDS.en;
  document.documentElement.lang = WORDS[language] ? language : "en";
}

function say(text, ...args) {
  return text.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)]));
}

function byId(id) {
  return document.getElementById(id);
}

function setStatus(text, isError) {
  const status = byId("status");
  status.textContent = text;
  status.classList.toggle("error", Boolean(isError));
}

async function call(method, path, body) {
  const headers = { Authorization: "Bearer " + token };
  const init = { method, headers };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    return { ok: false, json: { errorCode: 9810, message: String(error) } };
  }
  let json = {};
  try {
    json = await response.json();
  } catch (error) {
    json = { errorCode: 9100, message: "unreadable answer" };
  }
  return { ok: response.ok, json };
}

function showOutcome(title, text, journey) {
  byId("journey").hidden = true;
  const outcome = byId("outcome");
  outcome.hidden = false;
  byId("outcome-title").textContent = title;
  byId("outcome-text").textContent = text;
  const ids = byId("outcome-ids");
  ids.textContent = "";
  if (journey) {
    for (const [term, value] of [
      [words.account, journey.accountId],
      [words.execution, journey.workflowExecutionId],
      [words.reference, journey.customerInternalReference],
    ]) {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      ids.append(dt, dd);
    }
  }
  byId("main").setAttribute("aria-busy", "false");
  outcome.focus();
}

// The web client's error handling: to the error URL when there is one
// (with errorCode), else the outcome on the page.
function fail(error, journey) {
  const code = error.errorCode || 9100;
  if (error.redirect && error.redirect.url) {
    location.assign(error.redirect.url);
    return;
  }
  setStatus("", false);
  const meaning = words.codes[code] || words.codes[9100];
  showOutcome(words.errorTitle, say(words.errorCode, code, meaning, error.message || ""), journey);
  byId("outcome-title").classList.add("error");
}

function partLabel(capture, part) {
  const category = words.categories[capture.category] || capture.category;
  const name = capture.label ? `${category} “${capture.label}”` : category;
  return `${name}: ${words.parts[part] || part}`;
}

function renderCaptures(journey) {
  const box = byId("captures");
  box.textContent = "";
  journey.captures.forEach((capture, c) => {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    const category = words.categories[capture.category] || capture.category;
    legend.textContent = capture.label ? `${category} “${capture.label}”` : category;
    fieldset.append(legend);
    capture.parts.forEach((part, p) => {
      const row = document.createElement("div");
      row.className = "part";
      const id = `file-${c}-${p}`;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = words.parts[part] || part;
      const input = document.createElement("input");
      input.type = "file";
      input.id = id;
      input.name = `${capture.credentialId}/${part}`;
      input.accept = "image/jpeg,image/png";
      input.dataset.credential = capture.credentialId;
      input.dataset.part = part;
      input.dataset.label = partLabel(capture, part);
      if (capture.uploaded.includes(part)) {
        input.dataset.uploaded = "true";
        const done = document.createElement("span");
        done.className = "done";
        done.textContent = " ✔ " + words.uploaded;
        label.append(done);
      }
      row.append(label, input);
      fieldset.append(row);
    });
    if (capture.withFacemap) {
      const hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = words.facemap;
      fieldset.append(hint);
    }
    box.append(fieldset);
  });
  const select = byId("scenario");
  select.textContent = "";
  for (const name of journey.scenarios) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    option.selected = name === journey.scenario;
    select.append(option);
  }
}

function translatePage() {
  document.title = words.title;
  byId("title").textContent = words.title;
  byId("mock-note").textContent = words.mock;
  byId("scenario-legend").textContent = words.scenarioLegend;
  byId("scenario-label").textContent = words.scenarioLabel;
  byId("submit").textContent = words.submit;
}

async function waitForDecision(journey) {
  for (let i = 0; i < 60; i += 1) {
    const answer = await call("GET", "journey");
    if (!answer.ok) {
      return;
    }
    const decision = answer.json.decision;
    if (answer.json.status === "PROCESSED" && decision) {
      byId("outcome-text").textContent = say(
        words.decided,
        decision.type,
        decision.details && decision.details.label,
        decision.risk && decision.risk.score,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  journey.done = true;
}

async function submit(event, journey) {
  event.preventDefault();
  const inputs = Array.from(document.querySelectorAll("input[type=file]"));
  const missing = inputs.find((input) => !input.files.length && !input.dataset.uploaded);
  if (missing) {
    setStatus(say(words.choose, missing.dataset.label), true);
    missing.focus();
    return;
  }
  const button = byId("submit");
  button.disabled = true;
  byId("main").setAttribute("aria-busy", "true");
  const chosen = inputs.filter((input) => input.files.length);
  for (const [i, input] of chosen.entries()) {
    setStatus(say(words.uploading, i + 1, chosen.length), false);
    const form = new FormData();
    form.append("file", input.files[0]);
    const path = `credentials/${encodeURIComponent(input.dataset.credential)}/parts/${input.dataset.part}`;
    const answer = await call("POST", path, form);
    if (!answer.ok) {
      fail({ errorCode: 9300, ...answer.json }, journey);
      return;
    }
  }
  setStatus(words.finalizing, false);
  const answer = await call("POST", "finalize", { scenario: byId("scenario").value });
  if (!answer.ok) {
    fail(answer.json, journey);
    return;
  }
  if (answer.json.redirect && answer.json.redirect.url) {
    location.assign(answer.json.redirect.url);
    return;
  }
  setStatus("", false);
  showOutcome(words.submittedTitle, words.processing, journey);
  await waitForDecision(journey);
}

async function start() {
  pickLanguage(query.get("locale"));
  translatePage();
  setStatus(words.loading, false);
  if (!token) {
    fail({ errorCode: 9200, message: "the link has no token" });
    return;
  }
  const answer = await call("GET", "journey");
  if (!answer.ok) {
    fail(answer.json);
    return;
  }
  const journey = answer.json;
  if (!query.get("locale")) {
    pickLanguage(journey.locale);
    translatePage();
  }
  if (journey.status !== "INITIATED") {
    if (journey.success && journey.success.url) {
      location.assign(journey.success.url);
      return;
    }
    setStatus("", false);
    showOutcome(words.submittedTitle, words.submittedText, journey);
    await waitForDecision(journey);
    return;
  }
  renderCaptures(journey);
  const form = byId("journey");
  form.hidden = false;
  form.addEventListener("submit", (event) => submit(event, journey));
  setStatus("", false);
  byId("main").setAttribute("aria-busy", "false");
  const first = form.querySelector("input, select, button");
  if (first) {
    first.focus();
  }
}

start();
