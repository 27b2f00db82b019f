// The trainee page: ask, read the cited answer, open each [n] at the quoted excerpt.
// Plain JavaScript, no build step and no network beyond this server.
"use strict";
const $ = (id) => document.getElementById(id);
const RECENT_KEY = "kb.recent";
const PREVIOUS_TURNS = 3; // earlier questions sent with each one, so 「那它们的联系呢？」 can be completed
const EXCERPT = $("excerpt"); // moved next to the [n] that opens it
let script = localStorage.getItem("kb.script") || "original";
let last = null; // the last answer shown
let lastPrevious = []; // the conversation it was asked in (a script switch asks it again in the same one)
let conversation = []; // this session's questions as the server understood them, oldest first
let opener = null; // the link that opened the excerpt, where focus returns when it closes
// A quoted slide line has no full stop of its own; the page closes it after its [n], as the
// terminal does (kb.answering.citing.cite), so lines do not run into each other.
const SENTENCE_END = /[。！？!?；;…][”’」』）)\]】〕"']*$/;

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

// Code inside a sentence, between backticks as Markdown and kb's readers write it
// (「`Session` 数据保存在服务器端」), is shown as code, without them; the quote itself is verbatim.
const INLINE_CODE = /`([^`\n]+)`/g;
const FENCE_LINE = /^[ \t]*(?:```|~~~)[^\n]*$/gm;

function withCode(tag, content, className) {
  const node = text(tag, "", className);
  let at = 0;
  for (const found of content.matchAll(INLINE_CODE)) {
    node.append(content.slice(at, found.index), text("code", found[1]));
    at = found.index + found[0].length;
  }
  node.append(content.slice(at));
  return node;
}

function citeLinks(citations, span) {
  const links = document.createElement("span");
  links.className = "cites";
  for (const n of citations) {
    const link = text("a", `[${n}]`, "cite");
    link.href = `#source-${n}`;
    link.dataset.rank = n;
    link.addEventListener("click", (e) => { e.preventDefault(); showExcerpt(n, span, link); });
    links.appendChild(link);
  }
  return links;
}

function where(passage, span) {
  const place = (span && span.location) || passage.location;
  return `${passage.title} · ${passage.source}${place ? " " + place.label : ""}`;
}

function showExcerpt(rank, span, link) {
  const passage = last.passages.find((p) => p.rank === rank);
  if (!passage) return;
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
  placeExcerpt(link);
}

// The excerpt opens right under the [n] that was clicked (in the answer, under its sentence;
// in the table, in a row under the cell's row; in the sources, inside the item) and takes the
// focus, so a keyboard or screen-reader user lands on what they opened.
function placeExcerpt(link) {
  hideExcerpt();
  opener = link;
  const row = link.closest("tr");
  if (row) {
    const holder = document.createElement("tr");
    holder.className = "excerpt-row";
    const cell = document.createElement("td");
    cell.colSpan = row.children.length;
    cell.append(EXCERPT);
    holder.append(cell);
    row.after(holder);
  } else {
    (link.closest(".cites") || link).after(EXCERPT);
  }
  EXCERPT.hidden = false;
  EXCERPT.focus({ preventScroll: true });
  EXCERPT.scrollIntoView({ block: "nearest" });
}

function hideExcerpt() {
  EXCERPT.hidden = true;
  const row = EXCERPT.closest(".excerpt-row");
  document.querySelector("main").append(EXCERPT);
  if (row) row.remove();
}

function closeExcerpt() {
  hideExcerpt();
  if (opener && opener.isConnected) opener.focus();
}

function render(data) {
  last = data;
  hideExcerpt();
  $("result").hidden = false;
  $("asked").textContent = data.question;
  showReading(data);
  const answer = $("answer");
  answer.replaceChildren();
  answer.className = data.found ? "" : "notfound";
  if (!data.found) answer.textContent = data.answer;
  let ownLines = false; // the quote before was of several lines: the next starts a line
  for (const sentence of data.sentences) {
    // A list, steps or code keeps its lines (page.css: .sentence, .sentence.code), and starts
    // a line of its own, as in the terminal (kb.answering.citing.joined_text).
    const lines = !sentence.code && sentence.text.trim().includes("\n"); // code is a block already
    if (answer.childNodes.length && (lines || ownLines)) answer.append(document.createElement("br"));
    // A block's fences are no words of it: its lines show as code, the sentence leading into it
    // as words (a block cut between passages comes as two quotes, each holding one fence).
    const fence = sentence.code ? sentence.text.search(/^[ \t]*(?:```|~~~)/m) : -1;
    const before = fence > 0 ? sentence.text.slice(0, fence).trim() : "";
    const lead = /[\u4e00-\u9fff]/.test(before) ? before : ""; // words, not the end of a cut block
    const block = lead ? sentence.text.slice(fence) : sentence.text;
    const shown = block.replace(FENCE_LINE, "").replace(/\n{3,}/g, "\n\n").trim();
    if (lead) answer.append(withCode("span", lead, "sentence"));
    const quoted = sentence.code ? text("span", shown, "sentence code") : withCode("span", sentence.text, "sentence");
    answer.append(quoted, citeLinks(sentence.citations, sentence));
    if (!sentence.code && !SENTENCE_END.test(sentence.text.trim())) answer.append("。");
    ownLines = lines;
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
        const td = withCode("td", cell.text);
        td.append(citeLinks(cell.citations, cell));
        tr.append(td);
      }
      table.append(tr);
    }
  }
  showSources(data);
}

// A "not found" answer lists no sources: passages that do not answer the question are not its sources.
function showSources(data) {
  const sources = $("sources");
  sources.replaceChildren();
  $("sources-box").hidden = !data.found;
  if (!data.found) return;
  for (const passage of data.passages) {
    const item = text("li", "");
    item.id = `source-${passage.rank}`;
    item.value = passage.rank;
    const open = text("a", where(passage), "where");
    open.href = "#";
    open.addEventListener("click", (e) => { e.preventDefault(); showExcerpt(passage.rank, null, open); });
    const body = passage.text.replace(FENCE_LINE, "").trim(); // a code block's fences are no words of it
    const preview = withCode("span", body.slice(0, 120) + (body.length > 120 ? "…" : ""), "preview");
    item.append(open, preview);
    sources.append(item);
  }
}

// How the question was read, when not as typed: corrected (「已按「…」回答」) and/or completed
// from the previous question (「理解为：…」); and what else the reader should know (the sources
// of an English question are Chinese).
function showReading(data) {
  const notes = [];
  if (data.corrected) notes.push(`已按「${data.corrected}」回答`);
  if (data.understood_as && data.understood_as !== data.corrected) notes.push(`理解为：${data.understood_as}`);
  notes.push(...(data.notes || []));
  $("reading").textContent = notes.join("　");
  $("reading").hidden = notes.length === 0;
}

// Errors in the page's words, never the server's English or a command-line hint; the old
// answer goes, so nobody reads it as the answer to the question that failed.
function showError(message) {
  last = null;
  hideExcerpt();
  $("result").hidden = true;
  $("status").textContent = "";
  $("error").textContent = message;
  $("error").hidden = false;
}

function errorText(status, error) {
  const code = error && error.code;
  if (code === "invalid_question") return "没有读懂这个问题：请用文字写出你想问的内容，再点“提问”。";
  if (code === "invalid_request") return "这个问题无法提交：问题不能为空，也不能超过 1000 个字。";
  if (code === "index_damaged" || status === 503) return "知识库暂时无法使用：请稍后再试，或请管理员重新生成知识库。";
  if (code === "host_not_allowed") return "服务器不接受这个网址：请用服务器启动时给出的地址打开本页。";
  return `出错了（${status}）：请稍后再试。`;
}

// The conversation: each answer's question, as understood, is sent with the next few questions.
function follow(data) {
  conversation.push(data.understood_as || data.corrected || data.question);
  $("following").textContent = `接下来的问题会接着「${conversation[conversation.length - 1]}」理解。`;
  $("conversation").hidden = false;
}

function newConversation() {
  conversation = [];
  last = null;
  hideExcerpt();
  $("conversation").hidden = true;
  $("result").hidden = true;
  $("error").hidden = true;
  $("question").value = "";
  $("question").focus();
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

// The knowledge base's name and example questions drawn from it (GET /info).
async function showKnowledgeBase() {
  try {
    const response = await call("/info");
    if (!response.ok) return;
    const info = await response.json();
    $("kb-title").textContent = info.title;
    $("kb-kind").hidden = false;
    document.title = `${info.title} · 知识库问答`;
    const examples = $("examples");
    examples.replaceChildren();
    for (const question of info.examples) {
      const button = text("button", question, "example");
      button.type = "button";
      button.addEventListener("click", () => { $("question").value = question; ask(question); });
      examples.append(button);
    }
    $("examples-box").hidden = info.examples.length === 0;
    if (info.examples.length) $("question").placeholder = `例如：${info.examples[0]}`;
  } catch (error) {
    // The page still works without its title and examples.
  }
}

async function ask(question, previous = conversation.slice(-PREVIOUS_TURNS), again = false) {
  $("status").textContent = "正在查找…";
  $("error").hidden = true;
  let response;
  try {
    response = await call(`/ask?script=${script}`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, k: 5, mode: "hybrid", previous }),
    });
  } catch (error) {
    showError("无法连接到知识库服务器：请确认它仍在运行，然后再试。");
    return;
  }
  const data = await response.json().catch(() => null); // a proxy's error page is not JSON
  if (!response.ok || !data) { showError(errorText(response.status, data && data.error)); return; }
  $("status").textContent = "";
  lastPrevious = previous;
  render(data);
  if (again) return;
  follow(data);
  remember(question);
}

function chooseScript(chosen) {
  script = chosen;
  localStorage.setItem("kb.script", script);
  document.querySelectorAll(".script button").forEach((b) => b.setAttribute("aria-pressed", b.dataset.script === script));
  if (last) ask(last.question, lastPrevious, true);
}

$("ask").addEventListener("submit", (e) => { e.preventDefault(); ask($("question").value.trim()); });
$("new-conversation").addEventListener("click", newConversation);
$("excerpt-close").addEventListener("click", closeExcerpt);
EXCERPT.addEventListener("keydown", (e) => { if (e.key === "Escape") closeExcerpt(); });
document.querySelectorAll(".script button").forEach((button) => {
  button.setAttribute("aria-pressed", button.dataset.script === script);
  button.addEventListener("click", () => chooseScript(button.dataset.script));
});
showRecent();
showKnowledgeBase();
