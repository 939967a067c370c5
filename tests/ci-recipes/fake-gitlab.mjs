// A small fake of the GitLab REST API routes the GitLab recipe calls: the current user, a
// merge request's notes (list, create, edit) and project CI/CD variables (edit, create).
// It listens on 127.0.0.1 only and prints `listening on http://ADDRESS` first.
//
// Usage: node fake-gitlab.mjs NOTE_TOKEN API_TOKEN
//   NOTE_TOKEN may read the user and the notes and write its own notes (a Reporter);
//   API_TOKEN may do that and write variables (a Maintainer). Any other token is refused.
// GET /_fake/state answers everything it holds, for the test's assertions.
import http from "node:http";

const [noteToken, apiToken] = process.argv.slice(2);
if (!noteToken || !apiToken) {
  console.error("usage: node fake-gitlab.mjs NOTE_TOKEN API_TOKEN");
  process.exit(1);
}

const users = { [noteToken]: { id: 7, username: "project_1217_bot" }, [apiToken]: { id: 8, username: "project_1217_bot1" } };
// A note of someone else that starts with the recipe's marker: the job must leave it alone
// (a Reporter cannot edit it) and find its own.
const notes = [{ id: 100, body: "<!-- tagoform-plan -->\nquoted by a reviewer", author: { id: 3, username: "reviewer" }, system: false }];
let nextNoteId = 101;
const variables = [];
const requests = [];

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://fake");
  const form = new URLSearchParams(await readBody(req));
  const token = req.headers["private-token"];
  // Record the route and who called it, never a value.
  requests.push({ method: req.method, path: url.pathname, user: users[token]?.username ?? null });

  if (url.pathname === "/_fake/state") {
    return send(res, 200, { notes, variables, requests });
  }
  const user = users[token];
  if (!user) return send(res, 401, { message: "401 Unauthorized" });

  if (req.method === "GET" && url.pathname === "/api/v4/user") return send(res, 200, user);

  const notesMatch = /^\/api\/v4\/projects\/(\d+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(url.pathname);
  if (notesMatch) {
    const noteId = notesMatch[3] && Number(notesMatch[3]);
    if (req.method === "GET" && !noteId) {
      const perPage = Number(url.searchParams.get("per_page") ?? 20);
      const page = Number(url.searchParams.get("page") ?? 1);
      return send(res, 200, notes.slice((page - 1) * perPage, page * perPage));
    }
    if (req.method === "POST" && !noteId) {
      if (!form.has("body")) return send(res, 400, { message: "400 Bad request - body is missing" });
      const note = { id: nextNoteId++, body: form.get("body"), author: user, system: false };
      notes.push(note);
      return send(res, 201, note);
    }
    if (req.method === "PUT" && noteId) {
      const note = notes.find((n) => n.id === noteId);
      if (!note) return send(res, 404, { message: "404 Not found" });
      if (note.author.id !== user.id) return send(res, 403, { message: "403 Forbidden" });
      note.body = form.get("body");
      note.updated = (note.updated ?? 0) + 1;
      return send(res, 200, note);
    }
  }

  const variablesMatch = /^\/api\/v4\/projects\/(\d+)\/variables(?:\/([A-Za-z0-9_]+))?$/.exec(url.pathname);
  if (variablesMatch) {
    if (token !== apiToken) return send(res, 403, { message: "403 Forbidden" });
    const key = variablesMatch[2];
    if (req.method === "PUT" && key) {
      const scope = url.searchParams.get("filter[environment_scope]") ?? "*";
      const variable = variables.find((v) => v.key === key && v.environment_scope === scope);
      if (!variable) return send(res, 404, { message: "404 Variable Not Found" });
      variable.value = form.get("value");
      return send(res, 200, variable);
    }
    if (req.method === "POST" && !key) {
      const variable = {
        key: form.get("key"),
        value: form.get("value"),
        masked: form.get("masked") === "true",
        protected: form.get("protected") === "true",
        environment_scope: form.get("environment_scope") ?? "*",
      };
      variables.push(variable);
      return send(res, 201, variable);
    }
  }
  return send(res, 404, { message: "404 Not Found" });
});

server.listen(0, "127.0.0.1", () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
