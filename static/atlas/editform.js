/* Atlas editor's attribute form (used by editor.js): the fields of a layout feature as in layers/ (names, kind,
 * level, sectors and sub-sectors, precision and its basis, location source, policy clause, note, and for energy
 * projects technology, capacity and status). The server validates with the same schema as the curated files and
 * answers 400 with a message naming the field, shown beside the form; a 409 replaces the form with the current
 * state. Prefecture and county are not asked: the server sets them from where the point is. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, el = GL.el, et = A.et;
  const industries = cfg.sectors.filter((s) => !s.parent), subs = cfg.sectors.filter((s) => s.parent);
  const codes = (text) => String(text || "").split(";").filter(Boolean);

  /** The fields of `layer`: [name, widget, options (code list), required]. */
  function fields(layer) {
    const out = [["name_zh", "text", null, true], ["name_en", "text", null, true], ["kind", "select", cfg.kinds[layer], true]];
    if (layer === "bases" || layer === "parks") out.push(["level", "select", cfg.levels, layer === "bases"]);
    out.push(["sectors", "multi", industries.map((s) => s.code), true], ["subsectors", "multi", subs.map((s) => s.code), false]);
    if (layer === "projects") {
      out.push(["technology", "select", Object.keys(cfg.vocab.technology || {}), true], ["capacity_mw", "number", null, false],
        ["status", "select", Object.keys(cfg.vocab.status || {}), false]);
    }
    // a planner's proposal (precision "planned") may leave the 2010 clause empty and say what it rests on instead
    out.push(["precision", "select", cfg.edit.precisions, true], ["location_basis", "select", [], true],
      ["location_source", "text", null, true], ["source", "text", null, false], ["basis", "textarea", null, false],
      ["location_note", "textarea", null, false]);
    return out;
  }
  function label(name, code) {
    if (name === "sectors" || name === "subsectors") return A.sectorName(code);
    return A.vocab(name, code);
  }
  function caption(name) {
    return { name_zh: et("name_zh"), name_en: et("name_en"), subsectors: et("subsectors"), basis: et("basis"),
      source: et("source_optional") }[name] || A.t(name);
  }
  function widget(name, kind, options, required, value) {
    const attrs = { name: name, id: "ef-" + name, required: required };
    if (kind === "text") return el("input", Object.assign(attrs, { type: "text", value: value || "", maxlength: "400",
      placeholder: name === "source" ? et("source_hint") : "" }));
    if (kind === "textarea") return el("textarea", Object.assign(attrs, { rows: "2", value: value || "" }));
    if (kind === "number") return el("input", Object.assign(attrs, { type: "number", min: "0", step: "any", value: value === null || value === undefined ? "" : String(value) }));
    const chosen = kind === "multi" ? codes(value) : [value || ""];
    const select = el("select", Object.assign(attrs, { multiple: kind === "multi", size: kind === "multi" ? "4" : null }),
      kind === "select" && !required ? el("option", { value: "", text: et("none") }) : null,
      ...options.map((c) => el("option", { value: c, text: label(name, c), selected: chosen.indexOf(c) >= 0 })));
    return select;
  }
  /** The form's values as the feature's properties: ";"-joined codes, numbers, null for an empty optional field. */
  function values(form, layer) {
    const out = {};
    fields(layer).forEach(([name, kind]) => {
      const input = form.elements[name];
      if (kind === "multi") out[name] = [...input.selectedOptions].map((o) => o.value).join(";") || null;
      else if (kind === "number") out[name] = input.value === "" ? null : Number(input.value);
      else out[name] = input.value.trim() === "" ? null : input.value.trim();
    });
    return out;
  }

  const panel = el("div", { class: "atlas-panel edit-form", id: "edit-form", hidden: true });
  document.querySelector(".map-wrap").append(panel);
  L.DomEvent.disableClickPropagation(panel);
  L.DomEvent.disableScrollPropagation(panel);
  let ghost = null;

  const F = (A.editForm = {});
  F.close = function () {
    panel.hidden = true;
    panel.replaceChildren();
    delete panel.dataset.conflict;
    if (ghost) ghost.remove();
    ghost = null;
  };
  /** Open the form for `target` = {layer, fid?, revision?, props, latlng?, ghost?}; `onSave(target, props)` saves. */
  F.open = function (target, onSave) {
    F.close();
    ghost = target.ghost || null;
    const p = target.props || {};
    // a point a planner places is a proposal, not a located fact (gislayout.schema: precision "planned")
    const defaults = { precision: "planned", location_basis: "planner",
      location_source: et("placed_by", { user: A.session.user, version: (A.currentVersion() || {}).id }) };
    const rows = fields(target.layer).map(([name, kind, options, required]) => {
      const value = p[name] !== undefined && p[name] !== null ? p[name] : target.fid ? null : defaults[name];
      return el("label", { class: "ef-row", "data-field": name }, el("span", { text: caption(name) + (required ? " *" : "") }),
        widget(name, kind, options, required, value), el("small", { class: "field-error", role: "alert", hidden: true }));
    });
    const error = el("p", { class: "form-error", id: "edit-error", role: "alert", hidden: true });
    const place = target.fid ? [A.prefectureName(p.prefecture), p.county ? A.countyName(p.prefecture, p.county) : ""].filter(Boolean).join(" · ") : "";
    const form = el("form", { class: "ef", novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      error.hidden = true;
      submit.disabled = true;
      Promise.resolve(onSave(target, values(form, target.layer))).finally(() => (submit.disabled = false));
    } }, ...rows, el("p", { class: "note", text: et("place") + ": " + (place ? place + " — " : "") + et("place_auto") }), error);
    const submit = el("button", { type: "submit", class: "btn", id: "edit-save", text: et("save") });
    form.append(el("div", { class: "ef-buttons" }, submit, el("button", { type: "button", class: "btn", id: "edit-cancel", text: et("cancel"), onclick: F.close })));
    // the basis must fit the precision (gislayout.schema.BASES): offer only those
    const precision = form.elements.precision, basis = form.elements.location_basis;
    const fill = () => {
      const keep = basis.value || p.location_basis || defaults.location_basis;
      basis.replaceChildren(...(cfg.edit.bases[precision.value] || []).map((b) => el("option", { value: b, text: A.vocab("location_basis", b), selected: b === keep })));
    };
    precision.addEventListener("change", fill);
    fill();
    const title = target.fid ? et("edit_feature", { name: A.pick(p, "name") }) : et("new_feature", { layer: A.pick(A.layerSpec(target.layer), "title") });
    panel.replaceChildren(el("h3", { text: title }), form);
    panel.dataset.layer = target.layer;
    panel.hidden = false;
    form.elements.name_zh.focus();
  };
  /** Show the server's message: each field's beside the field, in the page's language; nothing was saved. */
  F.error = function (message, fields) {
    const box = document.getElementById("edit-error");
    if (!box) return A.toast(et("failed", { message: message }));
    panel.querySelectorAll(".field-error").forEach((n) => { n.hidden = true; n.textContent = ""; });
    panel.querySelectorAll(".ef-row.invalid").forEach((n) => n.classList.remove("invalid"));
    const lang = A.state.lang, rest = [];
    Object.entries(fields || {}).forEach(([name, words]) => {
      const row = panel.querySelector(".ef-row[data-field='" + name + "']");
      const text = words[lang] || words.en || "";
      if (!row) return rest.push(text);
      row.classList.add("invalid");
      const slot = row.querySelector(".field-error");
      slot.textContent = text;
      slot.hidden = false;
    });
    box.textContent = fields ? et("not_saved") + (rest.length ? " " + rest.join("；") : "") : message;
    box.hidden = false;
  };
  /** A 409: the state someone else saved, and a button that loads it. */
  F.conflict = function (hit, current, reload) {
    F.close();
    const props = (current && current.properties) || {};
    const table = el("table", { class: "popup-table" });
    const coords = current && current.geometry ? current.geometry.coordinates.map((c) => Number(c).toFixed(5)).join(", ") : "";
    [[caption("name_zh"), props.name_zh], [caption("name_en"), props.name_en], [A.t("kind"), A.vocab("kind", props.kind)],
      [A.t("prefecture"), A.prefectureName(props.prefecture)], [et("coordinates"), coords],
      [et("revision"), current ? current.revision : ""], [et("deleted_state"), props.deleted ? et("yes") : ""]].forEach(([k, v]) => {
      if (v !== undefined && v !== null && v !== "") table.append(el("tr", {}, el("th", { text: k }), el("td", { text: String(v) })));
    });
    panel.replaceChildren(el("h3", { class: "conflict", text: et("conflict") }), el("p", { class: "note", text: et("conflict_note") }), table,
      el("div", { class: "ef-buttons" }, el("button", { type: "button", class: "btn", id: "conflict-reload", text: et("reload"), onclick: () => reload(hit, current) }),
        el("button", { type: "button", class: "btn", text: et("cancel"), onclick: F.close })));
    panel.dataset.conflict = "1";
    panel.hidden = false;
  };
})();
