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
  const done = (await api("GET", "/api/jobs?limit=100")).filter((job) => job.status === "done");
  const select = h("select", { name: "module" }, launchable.map((m) => h("option", { value: m.slug }, `${m.label.fr} (${m.slug})`)),
    unavailable.map((m) => h("option", { value: m.slug, disabled: true }, `${m.label.fr} (${m.slug}) — indisponible pour le moment`)));
  const options = h("div");
  const showOptions = () => options.replaceChildren(...moduleFields(select.value, done));
  select.addEventListener("change", showOptions);
  showOptions();
  const banner = unavailable.length === 0 ? "" : h("p", { class: "notice" },
    `Indisponibles pour le moment (en maintenance ou sans worker actif) : ${unavailable.map((m) => m.label.fr).join(", ")}.`);
  render(h("div", { class: "card" }, h("h1", {}, "Nouveau job"), banner,
    form([h("label", {}, "Module"), select, options], "Lancer", async (values) => {
      const module = launchable.find((m) => m.slug === values.module);
      const job = await api("POST", module.api_endpoint, jobBody(values));
      go(`#/jobs/${job.id}`);
    })));
}

function moduleFields(slug, doneJobs) {
  const source = [h("label", {}, "Lignes d'entrée : un job terminé"),
    h("select", { name: "source_job_id" }, h("option", { value: "" }, "— ou colle des lignes JSON ci-dessous —"),
      doneJobs.map((job) => h("option", { value: job.id }, `${job.id} · ${job.job_type} · ${job.results_count} lignes`))),
    ...field("Lignes JSON (liste d'objets)", "items", "textarea", { placeholder: '[{"nom": "Cabinet Dupont", "site_web": "https://…"}]' })];
  const optionsField = field("Options (JSON, au même niveau que items)", "options", "textarea", { placeholder: '{"rating_min": 4, "require_site": true}' });
  if (slug === "import") {
    return [h("label", {}, "Source"), h("select", { name: "source" }, ["paste", "url", "from_job"].map((s) => h("option", { value: s }, s))),
      ...field("CSV collé (séparateur , ; ou tabulation, avec ou sans en-tête)", "text", "textarea"),
      ...field("ou URL d'un tableur public", "url", "url"),
      h("label", {}, "ou job à reprendre"), h("select", { name: "from_job_id" }, h("option", { value: "" }, "—"),
        doneJobs.map((job) => h("option", { value: job.id }, `${job.id} · ${job.job_type}`)))];
  }
  if (slug === "scrap") {
    return [...field("Recherches (une par ligne)", "queries", "textarea"), ...field("Zones (une par ligne)", "zones", "textarea"), ...optionsField];
  }
  return [...source, ...optionsField];
}

function jobBody(values) {
  const body = values.options ? JSON.parse(values.options) : {};
  for (const key of ["source", "text", "url", "from_job_id", "queries", "zones", "source_job_id"]) if (values[key]) body[key] = values[key];
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
