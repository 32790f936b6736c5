/* Atlas session: who is signed in (GET /api/auth/me), the version editor's strings in two languages, and the one
 * helper every write goes through (JSON body, the X-CSRF-Token header from /api/auth/me, the server's error shape
 * {status, error, message} and, on 409, its "current" state). Used by versions.js and editor.js. */
(function () {
  "use strict";
  const A = window.Atlas;
  // The page knows the layer API's address; the other API roots and the sign-in page sit beside it.
  const API = A.cfg.urls.layer.replace(/\/layers\/__name__.*$/, "");
  const urls = A.cfg.urls;  // me, login, logout: "" when the app has no accounts

  const STRINGS = {
    zh: {
      versions: "版本", version: "版本", baseline: "基准（只读）", locked: "已锁定", sign_in: "登录以编辑",
      signed_in: "{user}（{role}）", sign_out: "退出", role_viewer: "只读", role_editor: "编辑者", role_admin: "管理员",
      author: "作者", created: "创建", parent: "来源", features_n: "{n} 个要素",
      branch: "以此新建版本", branch_name: "新版本名称", create: "新建", rename: "重命名", lock: "锁定",
      unlock: "解锁", delete: "删除", cancel: "取消", save: "保存", confirm: "确认删除？",
      confirm_delete_version: "删除版本“{name}”？", confirm_delete_feature: "删除“{name}”？可在历史中恢复。",
      history: "修改历史", history_feature: "要素历史：{name}", history_version: "版本历史", no_changes: "尚无修改",
      restore: "恢复", view_as_of: "查看此时", as_of: "正在查看第 {seq} 次修改后的状态（只读）", back_now: "回到当前",
      action_baseline: "载入基准版本", action_add: "新增", action_update: "修改", action_delete: "删除", action_restore: "恢复",
      action_branch: "新建版本", action_rename: "重命名", action_lock: "锁定", action_unlock: "解锁",
      edit: "编辑", done: "完成", edit_hint: "拖动要素即移动并保存；点击要素可编辑属性或删除。",
      edit_baseline: "基准版本只读：请先“以此新建版本”", edit_locked: "此版本已锁定", edit_viewer: "你的账户只能查看",
      edit_as_of: "查看历史状态时不能编辑",
      add: "添加要素", add_hint: "点击地图放置新要素", layer: "图层", new_feature: "新要素：{layer}",
      edit_feature: "编辑：{name}", edit_attrs: "编辑属性", name_zh: "中文名称", name_en: "英文名称",
      subsectors: "细分领域", place: "所在地", place_auto: "由位置自动确定", source_hint: "政策条款，如 三(二)3；方案可留空",
      baseline_name: "{vid} 政策基准版本", curated: "政策原文整理数据",
      baseline_desc: "由 layers/ 中整理的政策数据载入，只读。", draft: "草案",
      basis: "依据（方案说明）", source_optional: "政策条款（方案可选）", not_saved: "未保存：请按提示修改标出的字段。",
      undo: "撤销上一步", undone: "已撤销", nothing_to_undo: "没有可撤销的操作",
      none: "（无）", placed_by: "由 {user} 在版本 {version} 中放置", saved: "已保存", moved: "已移动并保存", deleted: "已删除", restored: "已恢复",
      conflict: "已被他人修改", conflict_note: "你编辑期间，别人已修改了它。当前状态如下；重新载入后再改。",
      reload: "重新载入", coordinates: "经度, 纬度", revision: "修订号", deleted_state: "已删除", yes: "是", failed: "未保存：{message}", loading_editor: "正在载入编辑器…",
      version_saved: "版本已保存", version_deleted: "版本已删除", versions_failed: "无法载入版本列表",
    },
    en: {
      versions: "Versions", version: "Version", baseline: "baseline (read-only)", locked: "locked",
      sign_in: "Sign in to edit", signed_in: "{user} ({role})", sign_out: "Sign out", role_viewer: "viewer",
      role_editor: "editor", role_admin: "admin", author: "Author", created: "Created", parent: "From",
      features_n: "{n} features", branch: "New version from this", branch_name: "Name of the new version",
      create: "Create", rename: "Rename", lock: "Lock", unlock: "Unlock", delete: "Delete", cancel: "Cancel",
      save: "Save", confirm: "Really delete?", confirm_delete_version: "Delete the version “{name}”?",
      confirm_delete_feature: "Delete “{name}”? It can be restored from the history.",
      history: "History", history_feature: "History of {name}", history_version: "Version history",
      no_changes: "No changes yet", restore: "Restore", view_as_of: "View as of",
      as_of: "Viewing as of change {seq} (read-only)", back_now: "Back to now",
      action_baseline: "baseline loaded", action_add: "added", action_update: "changed", action_delete: "deleted", action_restore: "restored",
      action_branch: "branched", action_rename: "renamed", action_lock: "locked", action_unlock: "unlocked",
      edit: "Edit", done: "Done", edit_hint: "Drag a feature to move it (saved at once); click one to edit its attributes or delete it.",
      edit_baseline: "The baseline is read-only: make a new version from it first", edit_locked: "This version is locked",
      edit_viewer: "Your account can only view", edit_as_of: "A past state cannot be edited",
      add: "Add feature", add_hint: "Click the map to place the new feature", layer: "Layer",
      new_feature: "New feature: {layer}", edit_feature: "Edit: {name}", edit_attrs: "Edit attributes",
      name_zh: "Name (Chinese)", name_en: "Name (English)", subsectors: "Sub-sectors", place: "Place",
      place_auto: "set from where the point is", source_hint: "Policy clause, e.g. 三(二)3; optional for a proposal",
      baseline_name: "{vid} policy baseline", curated: "curated policy data",
      baseline_desc: "Loaded from the curated policy data in layers/; read-only.", draft: "draft",
      basis: "Basis (what the proposal rests on)", source_optional: "Policy clause (optional for a proposal)",
      not_saved: "Not saved: correct the fields marked.", undo: "Undo last change", undone: "Undone", nothing_to_undo: "Nothing to undo", none: "(none)",
      placed_by: "placed by {user} in version {version}", saved: "Saved", moved: "Moved and saved", deleted: "Deleted", restored: "Restored",
      conflict: "Changed by someone else",
      conflict_note: "Someone else changed it while you were editing. Its current state is below; reload it, then edit again.",
      reload: "Reload", coordinates: "lon, lat", revision: "Revision", deleted_state: "Deleted", yes: "yes", failed: "Not saved: {message}", loading_editor: "Loading the editor…",
      version_saved: "Version saved", version_deleted: "Version deleted", versions_failed: "Could not load the versions",
    },
  };
  /** The editor's and version panel's labels in the current language. */
  A.et = GL.translator(() => STRINGS[A.state.lang] || STRINGS.en);

  /* ---- the account ---- */
  A.session = { user: null, role: "viewer", csrf: "" };
  A.canEdit = () => !!A.session.user && (A.session.role === "editor" || A.session.role === "admin");
  A.hasAccounts = !!urls.me;
  /** The sign-in page, coming back to this very view afterwards. */
  A.signInUrl = () => urls.login + "?" + GL.url.query([["lang", A.state.lang],
    ["next", location.pathname + location.search + location.hash]]);
  A.signOut = () => fetch(GL.url.withLang(urls.logout), { method: "POST", credentials: "same-origin",
    headers: { "X-CSRF-Token": A.session.csrf } }).catch(() => null).then(() => location.reload());
  /** Ask the server who is signed in; anonymous when the app has no accounts or they answer nothing usable. */
  A.loadSession = function () {
    if (!A.hasAccounts) return Promise.resolve(A.session);
    return fetch(urls.me, { credentials: "same-origin", cache: "no-store" })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}))
      .then((me) => {
        A.session = { user: me.user || null, role: me.role || "viewer", csrf: me.csrf_token || "" };
        A.emit("session");
        return A.session;
      });
  };

  /** An API error carrying the server's status, message and (on 409) current state. */
  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || "HTTP " + status);
      this.status = status;
      this.current = body ? body.current : undefined;
      this.fields = body ? body.fields : undefined;  // a refused feature: {field: {zh, en}} (store.validation)
    }
  }
  A.ApiError = ApiError;

  /** Send `method` to `path` (under /api) with a JSON `body`; resolves to the parsed answer (null for 204). */
  A.send = function (method, path, body, headers) {
    const opts = { method: method, credentials: "same-origin", cache: "no-store",
      headers: Object.assign({ Accept: "application/json" }, headers || {}) };
    if (method !== "GET") opts.headers["X-CSRF-Token"] = A.session.csrf;
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(GL.url.withLang(API + path), opts).then((r) => {
      if (r.status === 204) return null;
      return r.json().catch(() => null).then((data) => {
        if (!r.ok) throw new ApiError(r.status, data);
        return data;
      });
    });
  };
  /** GET under /api, never from a cache: versions change under the page. */
  A.getFresh = (path) => A.send("GET", path);
  /** "/versions/<vid>" with the id escaped (ids are server slugs, but a URL may carry anything). */
  A.versionPath = (vid) => "/versions/" + encodeURIComponent(vid);

  /** A time from the API (ISO 8601 UTC) in the reader's language and time zone. */
  A.when = function (iso) {
    const d = new Date(iso);
    return isNaN(d) ? String(iso || "") : d.toLocaleString(A.state.lang === "zh" ? "zh-CN" : "en-GB",
      { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  };
})();
