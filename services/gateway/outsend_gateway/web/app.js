// outsend web UI: sign in, launch jobs from the module registry, follow them live, download.
import { settingsPage } from "/static/settings.js";

const app = document.getElementById("app");
const nav = document.getElementById("nav");
let me = null;

const h = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value != null) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
};

async function api(method, path, body) {
  const response = await fetch(path, {
    method, credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(describe(data?.detail) || `Erreur ${response.status}`);
  return data;
}

const describe = (detail) =>
  typeof detail === "string" ? detail
    : detail?.errors ? `${detail.message} : ${detail.errors.map((e) => `${e.field} ${e.message}`).join(", ")}`
    : detail?.message ?? "";

function form(fields, submitLabel, onSubmit) {
  const error = h("p", { class: "error" });
  const element = h("form", {
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = "";
      const values = Object.fromEntries(new FormData(element).entries());
      try { await onSubmit(values); } catch (failure) { error.textContent = failure.message; }
    },
  }, fields, h("p", {}, h("button", { type: "submit" }, submitLabel)), error);
  return element;
}

const field = (label, name, type = "text", extra = {}) =>
  [h("label", { for: name }, label), h(type === "textarea" ? "textarea" : "input", { id: name, name, type, ...extra })];

function render(...nodes) { app.replaceChildren(...nodes); }

function renderNav() {
  nav.replaceChildren(...(me
    ? [h("a", { href: "#/jobs" }, "Jobs"), h("a", { href: "#/new" }, "Nouveau job"),
       h("a", { href: "#/settings" }, "Paramètres"),
       h("span", { class: "muted" }, ` ${me.email}`),
       h("button", { class: "secondary", onclick: async () => { await api("POST", "/api/auth/logout"); me = null; go("#/login"); } }, "Déconnexion")]
    : [h("a", { href: "#/login" }, "Connexion"), h("a", { href: "#/signup" }, "Inscription")]));
}

// Setting the hash fires ``hashchange``, which routes; only an unchanged hash needs a direct call.
function go(hash) { if (location.hash === hash) route(); else location.hash = hash; }

let currentStream = null;
function follow(url) {
  currentStream?.close();
  currentStream = new EventSource(url);
  return currentStream;
}

// --- pages -----------------------------------------------------------------------------------
function loginPage() {
  render(h("div", { class: "card" }, h("h1", {}, "Connexion"),
    form([field("Email", "email", "email", { required: true }), field("Mot de passe", "password", "password", { required: true })],
      "Se connecter", async (values) => { me = (await api("POST", "/api/auth/login", values)).user; go("#/jobs"); }),
    h("p", {}, h("a", { href: "#/forgot" }, "Mot de passe oublié ?"))));
}

function forgotPage() {
  render(h("div", { class: "card" }, h("h1", {}, "Mot de passe oublié"),
    form([field("Email", "email", "email", { required: true })], "Recevoir un lien", async (values) => {
      await api("POST", "/api/auth/password/reset-request", values);
      render(h("div", { class: "card" }, h("h1", {}, "Vérifie tes emails"),
        h("p", {}, "Si un compte existe pour cette adresse, un lien valable 1 heure vient d'y être envoyé.")));
    })));
}

function resetPage() {
  const token = new URLSearchParams(location.search).get("token");
  render(h("div", { class: "card" }, h("h1", {}, "Nouveau mot de passe"),
    form([field("Nouveau mot de passe (8 caractères, une lettre et un chiffre ou symbole)", "new_password", "password", { required: true })],
      "Enregistrer", async (values) => {
        await api("POST", "/api/auth/password/reset-confirm", { token, ...values });
        render(h("div", { class: "card" }, h("h1", {}, "Mot de passe changé"), h("a", { href: "/#/login" }, "Se connecter")));
      })));
}

function signupPage() {
  render(h("div", { class: "card" }, h("h1", {}, "Inscription"),
    form([
      field("Email", "email", "email", { required: true }),
      field("Mot de passe (8 caractères, une lettre et un chiffre ou symbole)", "password", "password", { required: true }),
      field("Code d'invitation", "invitation_code", "text", { required: true }),
      h("label", {}, h("input", { type: "checkbox", name: "accept_responsibility", required: true }),
        " J'accepte la charte d'utilisation et la responsabilité des données que je collecte"),
    ], "Créer mon compte", async (values) => {
      values.accept_responsibility = values.accept_responsibility === "on";
      me = (await api("POST", "/api/auth/signup", values)).user;
      go("#/jobs");
    })));
}

async function verifyPage() {
  const token = new URLSearchParams(location.search).get("token");
  try {
    await api("POST", "/api/auth/email/verify", { token });
    render(h("div", { class: "card" }, h("h1", {}, "Adresse confirmée"), h("p", {}, "Merci ! "), h("a", { href: "/#/jobs" }, "Aller à mes jobs")));
  } catch (failure) {
    render(h("div", { class: "card" }, h("h1", {}, "Lien invalide"), h("p", { class: "error" }, failure.message)));
  }
}

// A route parameter ends up in an API path: only a well-formed id may, encoded — otherwise
// ``#/jobs/../pipelines/<id>`` would make this page read and cancel another resource.
const JOB_ID = /^j_[0-9A-HJKMNP-TV-Z]{26}$/;
const jobPath = (id, rest = "") => `/api/jobs/${encodeURIComponent(id)}${rest}`;

function notFoundPage(title) {
  render(h("div", { class: "card" }, h("h1", {}, title), h("a", { href: "#/jobs" }, "Retour à mes jobs")));
}

const statusBadge = (status) => h("span", { class: `status ${status}` }, status);

async function jobsPage() {
  const jobs = await api("GET", "/api/jobs?limit=100");
  const banner = me.email_verified ? "" : h("p", { class: "notice" }, "Confirme ton adresse email (lien reçu par mail) pour lancer un scrap. ",
    h("button", { class: "secondary", onclick: async () => { await api("POST", "/api/auth/email/resend-verify"); alert("Email renvoyé"); } }, "Renvoyer le lien"));
  render(h("div", { class: "card" }, h("div", { class: "row" }, h("h1", {}, "Mes jobs"), h("a", { href: "#/new" }, "Nouveau job")), banner,
    jobs.length === 0 ? h("p", { class: "muted" }, "Aucun job pour l'instant.") :
    h("table", {}, h("tr", {}, ["Job", "Module", "Statut", "Lignes", "Créé"].map((t) => h("th", {}, t))),
      jobs.map((job) => h("tr", {},
        h("td", {}, h("a", { href: `#/jobs/${job.id}` }, job.id)), h("td", {}, job.job_type), h("td", {}, statusBadge(job.status)),
        h("td", {}, `${job.results_count}`), h("td", { class: "muted" }, job.created_at))))));
  setTimeout(() => { if (location.hash === "#/jobs") route(); }, 5000);
}

async function newJobPage() {
  const registry = await api("GET", "/api/modules-registry");
  const launchable = registry.modules.filter((m) => m.api_endpoint && !m.alpha_unavailable && registry.active.includes(m.slug));
  // Listed but not launchable: frozen during the alpha, or no worker serves them right now.
  const unavailable = registry.modules.filter((m) => m.api_endpoint && m.alpha_unavailable);
  // Each module's options, as declared in the registry (the pipeline schema carries them).
  const schemas = Object.fromEntries(Object.values((await api("GET", "/api/pipelines/schema")).nodes).map((n) => [n.module, n.config_schema]));
  const done = (await api("GET", "/api/jobs?limit=100")).filter((job) => job.status === "done");
  const select = h("select", { name: "module" }, launchable.map((m) => h("option", { value: m.slug }, `${m.label.fr} (${m.slug})`)),
    unavailable.map((m) => h("option", { value: m.slug, disabled: true }, `${m.label.fr} (${m.slug}) — indisponible pour le moment`)));
  const moduleOf = (slug) => launchable.find((m) => m.slug === slug);
  const options = h("div");
  const showOptions = () => options.replaceChildren(...moduleFields(moduleOf(select.value), schemas[select.value], done));
  select.addEventListener("change", showOptions);
  showOptions();
  const banner = unavailable.length === 0 ? "" : h("p", { class: "notice" },
    `Indisponibles pour le moment (en maintenance ou sans worker actif) : ${unavailable.map((m) => m.label.fr).join(", ")}.`);
  render(h("div", { class: "card" }, h("h1", {}, "Nouveau job"), banner,
    form([h("label", {}, "Module"), select, options], "Lancer", async (values) => {
      const job = await api("POST", moduleOf(values.module).api_endpoint, jobBody(values, schemas[values.module]));
      go(`#/jobs/${job.id}`);
    })));
}

// The form of a module, generated from what it declares: its input rows when it reads some
// (``needs``), then one field per option of its ``config_schema``.
function moduleFields(module, schema, doneJobs) {
  const fields = [];
  if (module?.needs) {
    fields.push(h("label", { for: "source_job_id" }, "Lignes d'entrée : un job terminé"),
      jobSelect("source_job_id", doneJobs, "— ou colle des lignes JSON ci-dessous —"),
      ...field("Lignes JSON (liste d'objets)", "items", "textarea", { placeholder: '[{"nom": "Cabinet Dupont", "site_web": "https://…"}]' }));
  }
  if (!schema) return [...fields, ...field("Options (JSON, au même niveau que items)", "options", "textarea")];
  for (const [name, spec] of Object.entries(schema)) fields.push(...optionField(name, spec, doneJobs));
  return fields;
}

function optionField(name, spec, doneJobs) {
  const label = spec.label || name;
  const choices = (values, chosen) => values.map(([value, text]) => h("option", { value, selected: value === chosen }, text));
  if (spec.type === "enum") {
    const values = spec.enum.map((value) => [value, value]);
    return [h("label", { for: name }, label), h("select", { id: name, name }, choices(spec.default == null ? [["", "—"], ...values] : values, spec.default))];
  }
  if (spec.type === "bool") {
    return [h("label", { for: name }, label), h("select", { id: name, name }, choices([["", "(par défaut)"], ["true", "oui"], ["false", "non"]], ""))];
  }
  if (spec.type === "int" || spec.type === "float") return field(label, name, "number", { step: spec.type === "int" ? "1" : "any" });
  if (spec.type === "string[]") return field(`${label} (une valeur par ligne)`, name, "textarea");
  if (spec.type === "object") return field(`${label} (JSON)`, name, "textarea");
  if (name.endsWith("_job_id")) return [h("label", { for: name }, label), jobSelect(name, doneJobs, "—")];
  return field(label, name, (spec.max_length ?? 0) > 2048 ? "textarea" : "text");
}

function jobSelect(name, doneJobs, empty) {
  return h("select", { id: name, name }, h("option", { value: "" }, empty),
    doneJobs.map((job) => h("option", { value: job.id }, `${job.id} · ${job.job_type} · ${job.results_count} lignes`)));
}

// The request body from the form: each option typed as its schema declares, empty ones left out.
function jobBody(values, schema) {
  const body = values.options ? JSON.parse(values.options) : {};
  const read = {
    "string[]": (text) => text.split("\n").map((line) => line.trim()).filter(Boolean),
    int: (text) => parseInt(text, 10), float: (text) => parseFloat(text),
    bool: (text) => text === "true", object: (text) => JSON.parse(text),
  };
  for (const [name, spec] of Object.entries(schema ?? {})) {
    if (values[name]) body[name] = (read[spec.type] ?? ((text) => text))(values[name]);
  }
  if (values.source_job_id) body.source_job_id = values.source_job_id;
  if (values.items) body.items = JSON.parse(values.items);
  return body;
}

const TERMINAL = new Set(["done", "failed", "cancelled", "expired"]);
// The job read side follows the event stream by a few milliseconds; a read right after ``done``
// may not have seen the end yet, and must not take the download links away.
async function settledJob(id) {
  for (let attempt = 0; ; attempt++) {
    const job = await api("GET", jobPath(id));
    if (TERMINAL.has(job.status) || attempt >= 40) return job;
    await new Promise((resolve) => setTimeout(resolve, attempt < 10 ? 250 : 2000));
  }
}
async function jobPage(id) {
  const job = await api("GET", jobPath(id));
  const bar = h("div");  // its width is set through the CSSOM: the CSP refuses style attributes
  const counters = h("p", { class: "muted" });
  const badge = h("span");
  const log = h("div", { class: "log" });
  const downloads = h("div", { class: "row" });
  const preview = h("div", { class: "scroll" });
  const notice = h("p", { class: "notice", hidden: true });
  const failure = h("p", { class: "error", hidden: true });
  const update = (state) => {
    badge.replaceChildren(statusBadge(state.status));
    if (state.notice !== undefined) { notice.textContent = state.notice ?? ""; notice.hidden = !state.notice; }
    if (state.error_message !== undefined) { failure.textContent = state.error_message ?? ""; failure.hidden = !state.error_message; }
    const pct = state.grid_points_count ? Math.round((100 * state.processed_points) / state.grid_points_count) : state.status === "done" ? 100 : 0;
    bar.style.width = `${pct}%`;
    counters.textContent = `${state.processed_points} / ${state.grid_points_count} traités · ${state.results_count} résultats · ${state.error_count} erreurs` +
      (state.eta_seconds ? ` · encore ~${state.eta_seconds} s` : "");
    if (downloads.childElementCount === 0 && state.download_available) {  // built once: links stay put while clicked
      downloads.replaceChildren(...["csv", "json", "xlsx"].map((f) => h("a", { href: jobPath(id, `/download?format=${f}`) }, `Télécharger ${f.toUpperCase()}`)));
    } else if (!state.download_available) downloads.replaceChildren();
  };
  render(h("div", { class: "card" },
    h("div", { class: "row" }, h("h1", {}, `${job.job_type} · ${job.id}`), badge),
    notice, failure,
    h("div", { class: "progress" }, bar), counters, downloads,
    h("p", { class: "row" },
      h("button", { class: "secondary", onclick: async () => { await api("POST", jobPath(id, "/cancel")).catch((e) => alert(e.message)); } }, "Annuler"),
      h("button", { class: "danger", onclick: async () => { try { await api("DELETE", jobPath(id)); go("#/jobs"); } catch (e) { alert(e.message); } } }, "Supprimer"))),
    h("div", { class: "card" }, h("h2", {}, "Journal"), log),
    h("div", { class: "card" }, h("h2", {}, "Aperçu des résultats"), preview));
  update(job);
  const stream = follow(jobPath(id, "/stream"));
  stream.addEventListener("status", (event) => update(JSON.parse(event.data)));
  stream.addEventListener("log", (event) => {
    const line = JSON.parse(event.data);
    log.append(h("div", { class: line.level === "error" ? "error" : "" }, `${line.timestamp} ${line.message}`));
  });
  const settle = async () => { stream.close(); const final = await settledJob(id); update(final); showItems(id, final, preview); };
  stream.addEventListener("done", settle);
  // A transient error reconnects by itself (with Last-Event-ID); a stream the browser gave up on
  // is replaced by reading the job until its end.
  stream.addEventListener("error", () => { if (stream.readyState === EventSource.CLOSED) settle(); });
  if (job.status === "done") showItems(id, job, preview);
}

async function showItems(id, job, target) {
  if (job.status !== "done") return;
  try {
    const page = await api("GET", jobPath(id, "/items?limit=50"));
    const columns = [...new Set(page.items.flatMap((row) => Object.keys(row)))];
    target.replaceChildren(h("p", { class: "muted" }, `${page.count} lignes (50 premières)`),
      h("table", {}, h("tr", {}, columns.map((c) => h("th", {}, c))), page.items.map((row) => h("tr", {}, columns.map((c) => h("td", {}, row[c]))))));
  } catch (failure) { target.replaceChildren(h("p", { class: "muted" }, failure.message)); }
}

// --- routing ---------------------------------------------------------------------------------
async function route() {
  currentStream?.close();
  if (location.pathname === "/verify-email") return verifyPage();
  if (location.pathname === "/reset-password") return resetPage();
  if (me === null) me = await api("GET", "/api/auth/me").catch(() => null);
  renderNav();
  const hash = location.hash || "#/jobs";
  if (hash === "#/forgot") return forgotPage();
  if (!me && hash !== "#/signup") return hash === "#/login" ? loginPage() : go("#/login");
  if (hash === "#/signup") return signupPage();
  if (hash === "#/login") return loginPage();
  if (hash === "#/new") return newJobPage();
  if (hash === "#/settings") return settingsPage({ h, api, form, field, render });
  if (hash.startsWith("#/jobs/")) {
    const id = hash.slice(7);
    return JOB_ID.test(id) ? jobPage(id) : notFoundPage("Job introuvable");
  }
  return jobsPage();
}

const show = () => route().catch((failure) => render(h("p", { class: "error" }, failure.message)));
window.addEventListener("hashchange", show);
show();
