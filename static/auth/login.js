/* The sign-in page (templates/login.html): posts {name, password} as JSON to /api/auth/login, then goes back
 * to `next`, a path on this site that the server has checked; errors show the server's message as text. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("auth-config").textContent);
  const STRINGS = {
    zh: { title: "登录", back: "← 返回", name: "用户名", password: "密码", submit: "登录", busy: "正在登录…",
      help: "查看图集无需登录；编辑规划版本需要账户（由管理员用 flask users add 创建）。",
      wrong: "用户名或密码错误。", failed: "登录失败：{message}" },
    en: { title: "Sign in", back: "← Back", name: "User name", password: "Password", submit: "Sign in",
      busy: "Signing in…", help: "Reading the atlas needs no account; editing plan versions does (an admin "
        + "creates one with flask users add).", wrong: "Wrong user name or password.",
      failed: "Could not sign in: {message}" },
  };
  const t = GL.translator(() => STRINGS[config.lang]);
  // The server sends only a local path; check again so that this page can never send anyone off-site.
  const next = /^\/(?![/\\])/.test(config.next) ? config.next : "/";
  const form = document.getElementById("auth-form");
  const message = document.getElementById("auth-message");
  const submit = document.getElementById("auth-submit");

  GL.relabel(document, t);
  ["zh", "en"].forEach((code) => {
    document.getElementById("auth-lang-" + code).href =
      config.urls.page + "?" + GL.url.query([["lang", code], ["next", next]]);
  });
  document.getElementById("auth-back").href = next;

  function show(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show("");
    submit.disabled = true;
    submit.textContent = t("busy");
    fetch(GL.url.withLang(config.urls.login), {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: form.elements.name.value.trim(), password: form.elements.password.value }),
    }).then((r) => r.json().catch(() => ({})).then((body) => {
      if (r.ok) {
        location.assign(next);
        return;
      }
      show(r.status === 401 ? t("wrong") : t("failed", { message: body.message || "HTTP " + r.status }));
      form.elements.password.value = "";
    })).catch((e) => show(t("failed", { message: e.message })))
      .finally(() => {
        submit.disabled = false;
        submit.textContent = t("submit");
      });
  });
})();
