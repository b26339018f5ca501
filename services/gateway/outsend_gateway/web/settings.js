// Settings: connect an AI (the user's own key), its spending caps, and "Build with AI".
// The page helpers (h, api, form, field, render) come from app.js, so both files build pages alike.

const dollars = (value) => (value == null ? "prix inconnu" : `${value.toLocaleString("fr-FR", { maximumFractionDigits: 4 })} $`);

export async function settingsPage(ui) {
  const [connection, usage] = await Promise.all([ui.api("GET", "/api/ai/connection"), ui.api("GET", "/api/ai/usage")]);
  const redraw = () => settingsPage(ui);
  ui.render(
    ui.h("h1", {}, "Paramètres"),
    connection.connected ? await connectedCard(ui, connection, redraw) : await connectCard(ui, redraw),
    capsCard(ui, usage, redraw),
    connection.connected ? buildCard(ui) : "",
  );
}

async function connectCard(ui, redraw) {
  const { h } = ui;
  const providers = await ui.api("GET", "/api/ai/providers");
  const select = h("select", { id: "provider", name: "provider" },
    providers.map((p) => h("option", { value: p.id }, p.key_prefix ? `${p.label} (${p.key_prefix}…)` : p.label)));
  return h("section", { class: "card" }, h("h2", {}, "Connecter une IA"),
    h("p", { class: "muted" }, "Ta clé, ton quota : elle est chiffrée chez nous et n'est envoyée qu'au fournisseur choisi."),
    ui.form([
      h("label", { for: "provider" }, "Fournisseur"), select,
      ui.field("Clé API", "api_key", "password", { required: true, autocomplete: "off" }),
      ui.field("URL de base (endpoint compatible OpenAI seulement)", "base_url", "url", { placeholder: "https://openrouter.ai/api/v1" }),
    ], "Connecter", async (values) => {
      await ui.api("POST", "/api/ai/connect", values);
      await redraw();
    }));
}

async function connectedCard(ui, connection, redraw) {
  const { h } = ui;
  const status = h("p", { class: "muted" });
  let models = [];
  try { models = (await ui.api("GET", "/api/ai/models")).models; } catch (failure) { status.textContent = failure.message; }
  const select = h("select", { id: "model", name: "model" }, models.map((m) =>
    h("option", { value: m.id, selected: m.id === connection.model }, m.price_known ? m.id : `${m.id} (prix inconnu : non plafonné)`)));
  const act = (label, cls, action) => h("button", { type: "button", class: cls, onclick: async () => {
    status.textContent = "";
    try { await action(); } catch (failure) { status.textContent = failure.message; }
  } }, label);
  return h("section", { class: "card" }, h("h2", {}, "Connecter une IA"),
    h("p", {}, `${connection.provider_label} — clé ${connection.key_hint}`, connection.base_url ? ` — ${connection.base_url}` : ""),
    h("label", { for: "model" }, `Modèle (${models.length} détectés en direct)`), select,
    h("p", { class: "row" },
      act("Utiliser ce modèle", "", async () => { await ui.api("POST", "/api/ai/model", { model: select.value }); await redraw(); }),
      act("Tester la clé", "secondary", async () => { const r = await ui.api("POST", "/api/ai/test"); status.textContent = `Clé valide : ${r.models} modèles.`; }),
      act("Déconnecter", "danger", async () => { await ui.api("DELETE", "/api/ai/connection"); await redraw(); })),
    status);
}

function capsCard(ui, usage, redraw) {
  const { h } = ui;
  const number = (label, name, max) => ui.field(`${label} (max ${max} $)`, name, "number", { min: 0, max, step: "0.01", value: usage.caps[name] });
  return h("section", { class: "card" }, h("h2", {}, "Plafonds de dépenses IA"),
    h("p", {}, `Aujourd'hui : ${dollars(usage.spent_today_usd)} dépensés, reste ${dollars(usage.remaining_today_usd)}. `,
      `Ce mois : ${dollars(usage.spent_month_usd)}, reste ${dollars(usage.remaining_month_usd)} (UTC).`),
    usage.unpriced_calls ? h("p", { class: "notice" }, `${usage.unpriced_calls} appel(s) ce mois sur un modèle au prix inconnu : suivis, non plafonnés.`) : "",
    ui.form([number("Par requête", "per_request", 100), number("Par jour", "per_day", 100), number("Par mois", "per_month", 1000)],
      "Enregistrer les plafonds", async (values) => {
        await ui.api("PUT", "/api/ai/caps", Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)])));
        await redraw();
      }));
}

function buildCard(ui) {
  const { h } = ui;
  const result = h("div");
  return h("section", { class: "card" }, h("h2", {}, "Construire avec l'IA"),
    ui.form([ui.field("Décris ton pipeline", "description", "textarea", { required: true, placeholder: "Les dentistes de Lyon avec leurs emails" })],
      "Générer", async (values) => {
        const estimate = await ui.api("POST", "/api/ai/pipelines/draft", { ...values, dry_run: true });
        result.replaceChildren(h("p", { class: "muted" }, `Coût maximal estimé : ${dollars(estimate.estimate_usd)}`));
        const draft = await ui.api("POST", "/api/ai/pipelines/draft", values);
        const create = h("button", { type: "button", onclick: async () => {
          const created = await ui.api("POST", "/api/pipelines", draft.result);
          result.replaceChildren(h("p", {}, `Pipeline créé : ${created.id}`));
        } }, "Créer ce pipeline");
        result.replaceChildren(
          h("p", {}, `${draft.result.name} — coût ${dollars(draft.cost_usd)}`),
          h("pre", { class: "log" }, JSON.stringify(draft.result.definition, null, 2)), create);
      }), result);
}
