/* The scheme editor's talk with the server (window.SchemeServer): JSON requests that carry the session's
 * CSRF token on writes, and who is signed in (GET /api/auth/me, when the app has accounts). The editor,
 * static/schemes/editor.js, shows every refusal with the server's own message. */
(function () {
  "use strict";
  /** user: undefined when the app has no accounts, null when nobody is signed in; csrf: the session's token. */
  const session = { user: undefined, role: null, csrf: null };

  /** A JSON request; rejects with an Error carrying the server's message, `status` and `body` (a 409's current). */
  function request(method, url, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && session.csrf) headers["X-CSRF-Token"] = session.csrf;
    return fetch(GL.url.withLang(url), { method: method, headers: headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => {
      if (r.status === 204) return null;
      return r.json().catch(() => ({})).then((data) => {
        if (r.ok) return data;
        const error = new Error(data.message || method + " " + url + ": HTTP " + r.status);
        error.status = r.status;
        error.body = data;
        throw error;
      });
    });
  }

  /** Ask `meUrl` who is signed in (nothing to ask without accounts); resolves to the session either way. */
  function whoAmI(meUrl) {
    if (!meUrl) return Promise.resolve(session);
    return request("GET", meUrl).then((me) => {
      session.user = me.user || null;
      session.role = me.role || null;
      session.csrf = me.csrf_token || null;
      return session;
    }).catch(() => session);  // reading stays open; a write will say what is missing
  }

  window.SchemeServer = { request: request, whoAmI: whoAmI, session: session };
})();
