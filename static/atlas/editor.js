/* Atlas editor: edit mode on a version a signed-in editor may change (not a baseline, not locked). Drag a point to
 * move it (saved at once, with the revision it was loaded at), add a point of a layout layer by clicking the map,
 * edit its attributes in a form the server validates with the schema of layers/, delete it with a confirmation.
 * A stale write comes back 409: the panel shows "changed by someone else" with the current state and a reload.
 * Leaflet-Geoman (static/vendor/leaflet-geoman, 294 kB) is inserted only when edit mode first starts. */
(function () {
  "use strict";
  const A = window.Atlas, map = A.map, el = GL.el, et = A.et;
  const VENDOR = document.currentScript.src.replace(/atlas\/editor\.js.*$/, "vendor/leaflet-geoman/");
  const F = A.editForm;  // static/atlas/editform.js
  let editing = false, geoman = null;

  /** Load Leaflet-Geoman once, opting in only the layers the editor hands it (boundaries stay plain). */
  function loadGeoman() {
    if (!geoman) {
      geoman = new Promise((resolve, reject) => {
        document.head.append(el("link", { rel: "stylesheet", href: VENDOR + "leaflet-geoman.css" }));
        document.head.append(el("script", { src: VENDOR + "leaflet-geoman.min.js", onload: resolve,
          onerror: () => { geoman = null; reject(new Error("leaflet-geoman.min.js did not load")); } }));
      }).then(() => {
        L.PM.setOptIn(true);
        map.options.pmIgnore = false;
        L.PM.reInitLayer(map);
        map.pm.setGlobalOptions({ snappable: false, tooltips: false });
      });
    }
    return geoman;
  }

  const vpath = () => A.versionPath(A.currentVersion().id);
  const fpath = (layer, fid) => vpath() + "/features/" + encodeURIComponent(layer) + "/" + encodeURIComponent(fid);
  /** The revision the map's copy of a feature has (a version's layers carry them: versions.js). */
  const revOf = (fid) => ((A.byId[fid] || {}).feature || {}).revision;
  /** After a write: the layers and the panels again. */
  function written(message) {
    A.toast(message);
    return A.reloadPoints().then(() => A.emit("written"));  // the history's restore buttons need the map's state
  }
  function failed(err, hit) {
    // a 409 with the feature's current state is someone else's edit; without one (a version locked meanwhile)
    // the server's message says what happened
    if (err.status === 409 && err.current) F.conflict(hit, err.current, reloadOne);
    else A.toast(et("failed", { message: err.message }));
    return A.reloadPoints();  // a marker dragged in vain goes back
  }
  /* ---- one-click undo of the last write: a move or an attribute edit goes back, an add is deleted, a delete
   * restored; each based on the revision the write left, so an undo after someone else's edit is a 409 like any */
  let last = null;  // {action, layer, fid, revision, before: {geometry, properties}}
  const DERIVED = /^(zone_.*|revision|id|layer|deleted)$/;
  function remember(action, layer, fid, answer, before) {
    last = { action: action, layer: layer, fid: fid, revision: answer && answer.revision, before: before || null };
    renderBar();
  }
  function undo() {
    const u = last;
    if (!u) return A.toast(et("nothing_to_undo"));
    const path = fpath(u.layer, u.fid);
    let request;
    if (u.action === "add") request = A.send("DELETE", path + "?revision=" + u.revision);
    else if (u.action === "delete") request = A.send("POST", path + "/restore", { revision: u.revision });
    else {
      const props = {};
      Object.entries(u.before.properties || {}).forEach(([k, v]) => { if (!DERIVED.test(k)) props[k] = v; });
      request = A.send("PATCH", path, { geometry: u.before.geometry, properties: props, revision: u.revision });
    }
    return request.then(() => { last = null; return written(et("undone")); },
      (err) => failed(err, A.byId[u.fid] || { layer: u.layer, feature: { properties: { id: u.fid } } }));
  }
  A.undoEdit = undo;
  const snapshot = (fid) => {
    const f = (A.byId[fid] || {}).feature;
    return f ? { geometry: JSON.parse(JSON.stringify(f.geometry)), properties: Object.assign({}, f.properties) } : null;
  };

  function reloadOne(hit) {
    F.close();
    return A.reloadPoints().then(() => A.openFeature(hit.feature.properties.id));
  }

  /* ---- moving: every marker of the layout is draggable while editing ---- */
  function makeDraggable(id, marker) {
    const hit = A.byId[id];
    marker.options.pmIgnore = false;
    L.PM.reInitLayer(marker);
    const on = () => editing && marker.pm.enable({ draggable: true, snappable: false, preventMarkerRemoval: true });
    marker.on("add", on);
    if (marker._map) on();
    marker.on("pm:dragend", () => {
      const ll = marker.getLatLng(), r = (v) => Math.round(v * 1e6) / 1e6;
      const before = snapshot(id);
      A.send("PATCH", fpath(hit.layer, id), { geometry: { type: "Point", coordinates: [r(ll.lng), r(ll.lat)] }, revision: revOf(id) })
        .then((answer) => { remember("update", hit.layer, id, answer, before); return written(et("moved")); }, (err) => failed(err, hit));
    });
  }
  A.on("points", () => editing && Object.entries(A.markers).forEach(([id, m]) => makeDraggable(id, m)));

  /* ---- adding: a click on the map, then the attribute form ---- */
  function startAdd(layer) {
    const style = { icon: A.pointIcon(A.shapeOf(layer, { level: "national" }), A.sym.grey, false) };
    map.pm.enableDraw("Marker", { markerStyle: style, continueDrawing: false, snappable: false, tooltips: false });
    A.toast(et("add_hint"));
    map.once("pm:create", (e) => {
      const ll = e.layer.getLatLng();
      e.layer.remove();
      const ghost = L.marker(ll, style).addTo(map);
      F.open({ layer: layer, props: {}, latlng: ll, ghost: ghost }, save);
    });
  }
  /** Save the form: POST a new feature or PATCH the attributes of one; 400 stays in the form, 409 shows the state. */
  function save(target, props) {
    const request = target.fid
      ? A.send("PATCH", fpath(target.layer, target.fid), { properties: props, revision: target.revision })
      : A.send("POST", vpath() + "/features/" + encodeURIComponent(target.layer), { type: "Feature", properties: props,
        geometry: { type: "Point", coordinates: [Math.round(target.latlng.lng * 1e6) / 1e6, Math.round(target.latlng.lat * 1e6) / 1e6] } });
    const before = target.fid ? snapshot(target.fid) : null;
    return request.then((answer) => {
      remember(target.fid ? "update" : "add", target.layer, answer.id || target.fid, answer, before);
      F.close();
      return written(et("saved")).then(() => A.openFeature(answer.id));
    }, (err) => {
      if (err.status === 409 && err.current) return F.conflict(A.byId[target.fid] || { layer: target.layer, feature: { properties: { id: target.fid } } }, err.current, reloadOne);
      F.error(err.message, err.fields);
    });
  }
  function editAttributes(layer, fid) {
    A.getFresh(fpath(layer, fid)).then((f) => {
      F.open({ layer: layer, fid: fid, revision: f.revision, props: f.properties, latlng: null }, save);
    }).catch((err) => A.toast(err.message));
  }
  function remove(layer, p, box) {
    const hit = A.byId[p.id];
    box.replaceChildren(el("span", { text: et("confirm_delete_feature", { name: A.pick(p, "name") }) }),
      el("button", { type: "button", class: "btn btn-small danger", "data-confirm": "delete", text: et("delete"), onclick: () => {
        map.closePopup();
        A.send("DELETE", fpath(layer, p.id) + "?revision=" + revOf(p.id))
          .then((answer) => { remember("delete", layer, p.id, answer); return written(et("deleted")); }, (err) => failed(err, hit));
      } }),
      el("button", { type: "button", class: "btn btn-small", text: et("cancel"), onclick: () => box.replaceChildren(...tools(layer, p)) }));
  }
  function tools(layer, p) {
    const box = [];
    if (editing) {
      box.push(el("button", { type: "button", class: "btn btn-small", "data-edit": "attributes", text: et("edit_attrs"), onclick: () => editAttributes(layer, p.id) }));
      box.push(el("button", { type: "button", class: "btn btn-small danger", "data-edit": "delete", text: et("delete"), onclick: (e) => remove(layer, p, e.target.parentNode) }));
    }
    const v = A.currentVersion();
    if (v && !v.baseline) box.push(el("button", { type: "button", class: "btn btn-small", "data-edit": "history", text: et("history"),
      onclick: () => A.showHistory({ fid: p.id, name: A.pick(p, "name") }) }));
    return box;
  }
  A.on("popup", (ctx) => {
    if (A.POINT_LAYERS.indexOf(ctx.layer) < 0 || A.asOf) return;
    const items = tools(ctx.layer, ctx.props);
    if (!items.length) return;
    const box = el("div", { class: "popup-edit" }, ...items);
    // These buttons replace themselves or close the popup: a click on a button no longer in the page would
    // reach the map as a click on the ground (Leaflet looks for the popup among its parents) and query there.
    L.DomEvent.on(box, "click", L.DomEvent.stopPropagation);
    ctx.box.append(box);
  });

  /* ---- the edit bar ---- */
  const Bar = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      const box = el("div", { class: "atlas-panel edit-bar", id: "edit-bar" });
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });
  const bar = new Bar().addTo(map).getContainer();
  let addLayer = "parks";
  function renderBar() {
    bar.hidden = !A.session.user;
    if (!editing) {
      const why = A.editBlock();
      bar.replaceChildren(el("button", { type: "button", class: "btn", id: "edit-toggle", text: et("edit"), disabled: !!why,
        title: why || et("edit_hint"), onclick: start }));
      return;
    }
    const layers = el("select", { id: "edit-layer", "aria-label": et("layer"), onchange: (e) => (addLayer = e.target.value) },
      ...A.POINT_LAYERS.map((n) => el("option", { value: n, selected: n === addLayer, text: A.pick(A.layerSpec(n), "title") })));
    bar.replaceChildren(el("div", { class: "edit-row", title: et("edit_hint") }, layers,
      el("button", { type: "button", class: "btn", id: "edit-add", text: et("add"), onclick: () => startAdd(addLayer) }),
      el("button", { type: "button", class: "btn", id: "edit-undo", text: et("undo"), disabled: !last,
        title: last ? et("undo") : et("nothing_to_undo"), onclick: undo }),
      el("button", { type: "button", class: "btn", id: "edit-done", text: et("done"), onclick: stop })));
  }
  function start() {
    if (A.editBlock()) return;
    A.toast(et("loading_editor"));
    Promise.all([loadGeoman(), A.loadPoints()]).then(() => {  // the features as they are now, with their revisions
      editing = true;
      document.body.classList.add("editing");
      renderBar();
      A.refreshPoints();  // markers again, draggable
      A.toast(et("edit_hint"));
      document.body.dataset.editing = "1";
    }).catch((err) => A.toast(et("failed", { message: err.message })));
  }
  function stop() {
    if (!editing) return;
    editing = false;
    if (map.pm) map.pm.disableDraw();
    F.close();
    document.body.classList.remove("editing");
    delete document.body.dataset.editing;
    renderBar();
    A.refreshPoints();
  }
  A.stopEditing = stop;
  A.on("version", () => { last = null; stop(); renderBar(); });
  ["session", "lang", "written"].forEach((name) => A.on(name, renderBar));
  A.on("versions", renderBar);
  renderBar();
})();
