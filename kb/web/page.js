// The trainee page: ask, read the cited answer, open each [n] at the quoted excerpt.
// Plain JavaScript, no build step and no network beyond this server.
"use strict";
const $ = (id) => document.getElementById(id);
const RECENT_KEY = "kb.recent";
let script = localStorage.getItem("kb.script") || "original";
let last = null; // the last answer shown

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

function citeLinks(citations) {
  const span = document.createElement("span");
  for (const n of citations) {
    const link = text("a", `[${n}]`, "cite");
    link.href = `#source-${n}`;
    link.dataset.rank = n;
    span.appendChild(link);
  }
  return span;
}

function where(passage, span) {
  const place = (span && span.location) || passage.location;
  return `${passage.title} · ${passage.source}${place ? " " + place.label : ""}`;
}

function showExcerpt(rank, span) {
  const passage = last.passages.find((p) => p.rank === rank);
  if (!passage) return;
  $("excerpt").hidden = false;
  $("excerpt-where").textContent = `[${rank}] ` + where(passage, span);
  const quote = $("excerpt-text");
  quote.replaceChildren();
  const body = passage.text;
  let at = span ? span.start - passage.start : -1;
  if (!span || at < 0 || body.slice(at, at + span.text.length) !== span.text) at = span ? body.indexOf(span.text) : -1;
  if (at >= 0) {
    quote.append(body.slice(0, at), text("mark", span.text), body.slice(at + span.text.length));
  } else {
    quote.textContent = body;
  }
  $("excerpt").scrollIntoView({ block: "nearest" });
}

function render(data) {
  last = data;
  $("result").hidden = false;
  $("asked").textContent = data.question;
  const answer = $("answer");
  answer.replaceChildren();
  answer.className = data.found ? "" : "notfound";
  if (!data.found) answer.textContent = data.answer;
  for (const sentence of data.sentences) {
    const links = citeLinks(sentence.citations);
    links.querySelectorAll("a").forEach((a) => a.addEventListener("click", (e) => {
      e.preventDefault(); showExcerpt(Number(a.dataset.rank), sentence);
    }));
    answer.append(text("span", sentence.text, "sentence"), links);
  }
  const table = $("contrast");
  table.replaceChildren();
  table.hidden = !data.contrast;
  if (data.contrast) {
    const head = document.createElement("tr");
    head.append(text("th", "方面"), ...data.contrast.sides.map((side) => text("th", side)));
    table.append(head);
    for (const row of data.contrast.rows) {
      const tr = document.createElement("tr");
      tr.append(text("th", row.aspect));
      for (const cell of row.cells) {
        const td = text("td", cell.text);
        const links = citeLinks(cell.citations);
        links.querySelectorAll("a").forEach((a) => a.addEventListener("click", (e) => {
          e.preventDefault(); showExcerpt(Number(a.dataset.rank), cell);
        }));
        td.append(links);
        tr.append(td);
      }
      table.append(tr);
    }
  }
  $("excerpt").hidden = true;
  const sources = $("sources");
  sources.replaceChildren();
  for (const passage of data.passages) {
    const item = text("li", "");
    item.id = `source-${passage.rank}`;
    item.value = passage.rank;
    const open = text("a", where(passage), "where");
    open.href = "#";
    open.addEventListener("click", (e) => { e.preventDefault(); showExcerpt(passage.rank, null); });
    item.append(open, document.createElement("br"), passage.text.slice(0, 120) + (passage.text.length > 120 ? "…" : ""));
    sources.append(item);
  }
}

function remember(question) {
  const recent = [question, ...JSON.parse(localStorage.getItem(RECENT_KEY) || "[]").filter((q) => q !== question)];
  localStorage.setItem(RECENT_KEY, JSON.stringify(recent.slice(0, 10)));
  showRecent();
}

function showRecent() {
  const list = $("recent");
  list.replaceChildren();
  for (const question of JSON.parse(localStorage.getItem(RECENT_KEY) || "[]")) {
    const link = text("a", question);
    link.href = "#";
    link.addEventListener("click", (e) => { e.preventDefault(); $("question").value = question; ask(question); });
    const item = document.createElement("li");
    item.append(link);
    list.append(item);
  }
}

// A server that leaves loopback needs a token: asked for once, kept for this tab's session.
async function call(url, options = {}) {
  const send = () => fetch(url, { ...options, headers: { ...options.headers,
    ...(sessionStorage.getItem("kb.token") ? { Authorization: `Bearer ${sessionStorage.getItem("kb.token")}` } : {}) } });
  let response = await send();
  if (response.status === 401) {
    const token = window.prompt("此服务器需要访问令牌 (token)：");
    if (token) { sessionStorage.setItem("kb.token", token.trim()); response = await send(); }
  }
  return response;
}

async function ask(question) {
  $("status").textContent = "正在查找…";
  try {
    const response = await call(`/ask?script=${script}`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, k: 5, mode: "hybrid" }),
    });
    const data = await response.json();
    if (!response.ok) { $("status").textContent = data.error ? data.error.message : "出错了"; return; }
    $("status").textContent = "";
    render(data);
    remember(question);
  } catch (error) {
    $("status").textContent = "无法连接到服务器";
  }
}

$("ask").addEventListener("submit", (e) => { e.preventDefault(); ask($("question").value.trim()); });
document.querySelectorAll(".script button").forEach((button) => {
  button.classList.toggle("on", button.dataset.script === script);
  button.addEventListener("click", () => {
    script = button.dataset.script;
    localStorage.setItem("kb.script", script);
    document.querySelectorAll(".script button").forEach((b) => b.classList.toggle("on", b === button));
    if (last) ask(last.question);
  });
});
showRecent();
