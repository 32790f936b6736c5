/* The pages' shared module (window.GL): safe DOM building, labels and numbers in two languages, a fetch cache,
 * file uploads and the URL state helpers, used by the atlas (static/atlas/), the siting panel (static/siting/) and
 * the compare page (static/compare/). Text from data only ever goes in through textContent (GL.el), never innerHTML. */
(function () {
  "use strict";
  const GL = (window.GL = window.GL || {});

  /* ---- DOM ---- */
  /** el("div", {class: "x", text: "t", title: "…", onclick: fn, "data-k": v}, child, …); strings become text nodes. */
  GL.el = function (tag, attrs) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === undefined || v === null || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "checked" || k === "disabled" || k === "value" || k === "hidden") node[k] = v;
      else node.setAttribute(k, v === true ? "" : v);
    });
    for (let i = 2; i < arguments.length; i++) {
      const child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };

  const SVG_NS = "http://www.w3.org/2000/svg";
  /** An SVG element with attributes, and `text` as its text content when given. */
  GL.svg = function (name, attrs, text) {
    const node = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };

  /** `text` cut to about `width` half-width cells (a CJK character counts two), with an ellipsis. */
  GL.clip = function (text, width) {
    let used = 0;
    for (let i = 0; i < text.length; i++) {
      used += /[\u2e80-\u9fff\uff00-\uffef]/.test(text[i]) ? 2 : 1;
      if (used > width) return text.slice(0, i) + "…";
    }
    return text;
  };

  /* ---- labels ---- */
  /** "{n} zones" with {n: 3} → "3 zones". */
  GL.format = function (text, vars) {
    Object.keys(vars || {}).forEach((k) => (text = text.split("{" + k + "}").join(String(vars[k]))));
    return text;
  };
  /** A t(key, vars) over `table()` (the current language's strings); an unknown key reads as itself. */
  GL.translator = function (table) {
    return function (key, vars) {
      const text = table()[key];
      return GL.format(text === undefined ? key : text, vars);
    };
  };
  /** Re-label the static parts of `root` marked data-<prefix>, data-<prefix>-title, data-<prefix>-placeholder. */
  GL.relabel = function (root, t, prefix) {
    const p = prefix || "i18n";
    const key = (suffix) => (p + suffix).replace(/-([a-z])/g, (m, c) => c.toUpperCase());
    root.querySelectorAll("[data-" + p + "]").forEach((n) => (n.textContent = t(n.dataset[key("")])));
    root.querySelectorAll("[data-" + p + "-title]").forEach((n) => (n.title = t(n.dataset[key("-title")])));
    root.querySelectorAll("[data-" + p + "-placeholder]").forEach((n) => {
      n.placeholder = t(n.dataset[key("-placeholder")]);
      n.setAttribute("aria-label", n.placeholder);
    });
  };

  /* ---- data ---- */
  const fetched = {};
  /** GET a JSON document once per page; a failure is not cached, and its error says the server's message. */
  GL.fetchJSON = function (url) {
    if (!fetched[url]) {
      fetched[url] = fetch(url).then((r) => {
        if (r.ok) return r.json();
        return r.json().catch(() => ({})).then((body) => {
          throw new Error(body.message || url + ": HTTP " + r.status);
        });
      });
      fetched[url].catch(() => delete fetched[url]);
    }
    return fetched[url];
  };

  /** POST `file` as the multipart field "file"; the JSON answer, or an error saying the server's message. */
  GL.postFile = function (url, file) {
    const data = new FormData();
    data.append("file", file);
    return fetch(url, { method: "POST", body: data }).then((r) => r.json().then((b) => {
      if (!r.ok) throw new Error(b.message || String(r.status));
      return b;
    }));
  };

  /* ---- numbers in the reader's language ---- */
  /** The number locale of a page language ("zh" → "zh-CN", else "en"). */
  GL.locale = (lang) => (lang === "zh" ? "zh-CN" : "en");
  /** `v` with at most `digits` decimals (0 when not given) in `lang`'s digits grouping; "–" when missing. */
  GL.num = function (v, lang, digits) {
    return v === null || v === undefined || Number.isNaN(v) ? "–"
      : Number(v).toLocaleString(GL.locale(lang), { maximumFractionDigits: digits === undefined ? 0 : digits });
  };
  /** A finite number `v` with exactly `digits` decimals in `lang` (headline figures: "4.2"); "–" otherwise. */
  GL.fixed = function (v, lang, digits) {
    return Number.isFinite(v) ? v.toLocaleString(GL.locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits })
      : "–";
  };

  /* ---- data names in the reader's language ---- */
  const HAN = /[\u3400-\u9fff]/;
  const NAME_MARK = { zh: "（仅有英文名）", en: " (Chinese name only)" };
  /** A data name in `lang` from `obj.name_zh` / `obj.name_en`; when the data has none in that language (or only a
   * copy of the other), the other one, marked as such: "Jingtieshan（仅有英文名）", "甘肃风电场 (Chinese name only)". */
  GL.dataName = function (obj, lang) {
    const zh = obj.name_zh || "", en = obj.name_en || "";
    if (lang === "zh") return zh && HAN.test(zh) ? zh : (zh || en) ? (zh || en) + NAME_MARK.zh : "";
    return en && (!HAN.test(en) || en !== zh) ? en : (en || zh) ? (en || zh) + NAME_MARK.en : "";
  };

  /* ---- URL state ---- */
  /** The page's language ("zh" or "en") as its <html lang> says (every page keeps that in step with its switch). */
  GL.pageLang = () => ((document.documentElement.lang || "zh").toLowerCase().startsWith("en") ? "en" : "zh");

  GL.url = {
    /** `url` asking the API to answer in the page's language: a refusal's message comes back in it (lang=zh). */
    withLang(url) {
      return url + (url.includes("?") ? "&" : "?") + "lang=" + GL.pageLang();
    },
    /** "k=v&…" from [[k, v], …], keeping commas and colons readable (the atlas's permalink format). */
    query(pairs) {
      return pairs.map(([k, v]) => k + "=" + encodeURIComponent(v).replace(/%2C/g, ",").replace(/%3A/g, ":")).join("&");
    },
    /** Replace the address without a reload: `search` without "?", `hash` without "#"; empty parts are left out. */
    replace(search, hash) {
      history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + (hash ? "#" + hash : ""));
    },
    /** The decoded value of `name=` in the hash (#a=…&name=…), or null when absent or mangled. */
    hashParam(name) {
      const m = new RegExp("(?:^#|&)" + name + "=([^&#]*)").exec(location.hash);
      if (!m) return null;
      try { return decodeURIComponent(m[1]); } catch { return null; }  // a mangled link
    },
    /** The current hash with `name=` set to `value` (encoded), other parts kept in place. */
    withHashParam(name, value) {
      const others = location.hash.replace(/^#/, "").split("&").filter((p) => p && !p.startsWith(name + "="));
      return others.concat(name + "=" + encodeURIComponent(value)).join("&");
    },
  };
})();
