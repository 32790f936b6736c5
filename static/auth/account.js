/* Who is signed in: fills every [data-gl-account] element (templates/partials/account.html) with the user's
 * name and role and a sign-out link, or a sign-in link; and GL.account, which the editing pages use for writes
 * (it adds the session's X-CSRF-Token). Names only ever go in through textContent (GL.el). */
(function () {
  "use strict";
  const GL = (window.GL = window.GL || {});
  const STRINGS = {
    zh: { signedIn: "已登录：", signIn: "登录", signOut: "退出", failed: "退出失败：{message}",
      roles: { viewer: "查看", editor: "编辑", admin: "管理员" } },
    en: { signedIn: "Signed in: ", signIn: "Sign in", signOut: "Sign out", failed: "Could not sign out: {message}",
      roles: { viewer: "viewer", editor: "editor", admin: "admin" } },
  };
  const ANONYMOUS = { user: null, role: null, csrf_token: null, via: null };
  let state = null;
  let pending = null;

  const lang = GL.pageLang;
  const t = GL.translator(() => STRINGS[lang()]);
  const nodes = () => Array.from(document.querySelectorAll("[data-gl-account]"));
  const urlOf = (key, fallback) => {
    const node = nodes()[0];
    return (node && node.dataset[key]) || fallback;
  };

  /** Parse a response: its JSON body, or an Error with the server's message, `status` and `body` (a 409's current). */
  function answer(r) {
    return r.json().catch(() => ({})).then((body) => {
      if (r.ok) return body;
      const error = new Error(body.message || "HTTP " + r.status);
      error.status = r.status;
      error.body = body;
      throw error;
    });
  }

  function render(node) {
    const s = state || ANONYMOUS;
    node.replaceChildren();
    if (s.user) {
      const out = GL.el("a", { href: "#", class: "gl-account-out", role: "button", text: t("signOut"),
        onclick: (e) => { e.preventDefault(); GL.account.signOut(); } });
      node.append(t("signedIn"), GL.el("span", { class: "gl-account-user", text: s.user }),
        GL.el("span", { class: "gl-account-role", text: " (" + (STRINGS[lang()].roles[s.role] || s.role) + ")" }),
        " · ", out);
    } else {
      const login = node.dataset.login || "/login";
      if (location.pathname === login) return;  // the sign-in page itself
      const next = location.pathname + location.search + location.hash;
      node.append(GL.el("a", { class: "gl-account-in", text: t("signIn"),
        href: login + "?" + GL.url.query([["lang", lang()], ["next", next]]) }));
    }
  }

  function renderAll() {
    nodes().forEach(render);
    document.dispatchEvent(new CustomEvent("gl-account", { detail: state || ANONYMOUS }));
  }

  GL.account = {
    /** Ask the server who is signed in (fresh, never from a cache); resolves to {user, role, csrf_token, via}. */
    refresh() {
      pending = fetch(urlOf("me", "/api/auth/me"), { credentials: "same-origin", cache: "no-store" })
        .then(answer)
        .then((s) => { state = s; renderAll(); return s; });
      return pending;
    },
    /** The last answer of refresh(), fetching it the first time. */
    me() {
      return pending || GL.account.refresh();
    },
    /** A JSON write (POST, PUT, PATCH, DELETE) as the signed-in user; rejects with the server's message. */
    write(url, options) {
      const opts = options || {};
      return GL.account.me().then((s) => {
        const headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
        if (s.csrf_token) headers["X-CSRF-Token"] = s.csrf_token;
        if (opts.body !== undefined) headers["Content-Type"] = "application/json";
        return fetch(GL.url.withLang(url), { method: opts.method || "POST", headers: headers, credentials: "same-origin",
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      }).then((r) => (r.status === 204 ? null : answer(r)));
    },
    /** Sign out, then show the sign-in link. */
    signOut() {
      return GL.account.write(urlOf("logout", "/api/auth/logout"), { method: "POST" })
        .then((s) => { state = s; pending = Promise.resolve(s); renderAll(); })
        .catch((e) => nodes().forEach((n) => n.replaceChildren(
          GL.el("span", { class: "gl-account-error", text: t("failed", { message: e.message }) }))));
    },
  };

  if (nodes().length) GL.account.refresh().catch(() => nodes().forEach((n) => n.replaceChildren()));
})();
